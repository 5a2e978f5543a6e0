#!/usr/bin/env bash
# The store tests run on a throwaway PostgreSQL cluster (tests/pg.py) that needs the server's
# binaries, initdb and pg_ctl. Install Debian's package with apt-get when they are missing and we
# are allowed to; otherwise the PostgreSQL tests skip.
set -u
if { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1; then exit 0; fi
for bin in /usr/lib/postgresql/*/bin; do
  if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the PostgreSQL tests…"
  # the tests start their own cluster: keep the package from creating and starting a system one
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/mesocare-tests.conf
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "Could not install PostgreSQL: the PostgreSQL tests will be skipped."
else
  echo "No PostgreSQL binaries and no apt-get as root: the PostgreSQL tests will be skipped."
fi
exit 0
