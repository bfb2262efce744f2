#!/usr/bin/env bash
# Installs the browser the web module's Selenium tests drive: Debian's chromium and chromium-driver.
# The web module's Maven build runs this before its tests (process-test-resources). It does nothing
# when /usr/bin/chromium and /usr/bin/chromedriver are both there. It installs them with apt-get
# when it can (root, as on CI); otherwise it says what to run, and the browser tests then skip
# saying why (they never pass without a browser).
set -uo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "web: chromium/chromedriver missing and not root with apt-get: run" \
       "'apt-get install -y chromium chromium-driver' for the browser tests" >&2
  exit 0
fi
echo "web: installing chromium and chromium-driver for the browser tests (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package list may name versions the mirror no longer has: update once, then install.
if ! apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
  apt-get install -y -q --no-install-recommends chromium chromium-driver >&2 \
    || echo "web: apt-get could not install chromium chromium-driver; the browser tests will skip" >&2
fi
exit 0
