#!/usr/bin/env bash
# Before `npm test`: the storefront's browser suite drives a real Chromium (never a browser downloaded by the test
# tool). Uses CHROMIUM_PATH or /usr/bin/chromium; on Debian or Ubuntu as root it installs the distribution's
# package when missing, elsewhere it says what to install.
set -euo pipefail
browser=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "ensure-chromium: no Chromium at $browser. Install your distribution's chromium package, or set CHROMIUM_PATH" \
  "to a Chromium or Chrome binary, then run npm test again." >&2
exit 1
