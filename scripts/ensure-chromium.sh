#!/usr/bin/env bash
# The PDF report and the browser tests print and drive pages with headless Chromium; the PDF test
# turns pages into images with poppler's pdftoppm. Install Debian's packages with apt-get when
# they are missing and we are allowed to; otherwise those tests skip.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the PDF and browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "Could not install ${missing[*]}: the PDF and browser tests will be skipped."
else
  echo "Missing ${missing[*]} and no apt-get as root: the PDF and browser tests will be skipped."
fi
exit 0
