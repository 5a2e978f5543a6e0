#!/usr/bin/env bash
# Spark (the distributed backend of the population-health engine) needs a Java runtime >= 17.
# Install one with apt-get when it is missing and we are allowed to; otherwise the Spark tests skip.
set -u
if command -v java >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing a Java runtime for the Spark tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
    || echo "Could not install Java: the Spark tests will be skipped."
else
  echo "No Java runtime and no apt-get as root: the Spark tests will be skipped."
fi
exit 0
