#!/bin/sh
# Headless Chromium for the viewer's browser test, from Debian's own package (no browser
# download at install time). Idempotent: does nothing when /usr/bin/chromium is there.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[chromium] /usr/bin/chromium is missing; install Debian's chromium package as root (apt-get install -y chromium)" >&2
  exit 1
fi
echo "[chromium] installing Debian's chromium package (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
