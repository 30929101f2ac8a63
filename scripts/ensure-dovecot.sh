#!/bin/sh
# Dovecot's IMAP server for the mailbox-polling test, from Debian's own package. Idempotent:
# does nothing when /usr/sbin/dovecot is there. The test runs its own instance (its own
# configuration, port and mail folder); the system's service is never started or used.
set -eu
if [ -x /usr/sbin/dovecot ] && [ -d /usr/lib/dovecot ] && [ -x /usr/lib/dovecot/imap ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[dovecot] /usr/sbin/dovecot is missing; install Debian's dovecot-imapd package as root (apt-get install -y dovecot-imapd)" >&2
  exit 1
fi
echo "[dovecot] installing Debian's dovecot-imapd package (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# A policy-rc.d keeps the package from starting the system's own service (one already there is kept).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
/usr/sbin/dovecot --version
