#!/bin/sh
# OpenLDAP's slapd for the LDAP sign-in test, from Debian's own package. Idempotent: does
# nothing when /usr/sbin/slapd and its schema are there. The test runs its own instance (its own
# slapd.conf, port and database in a scratch folder); the system's service is never started or used.
set -eu
if [ -x /usr/sbin/slapd ] && [ -x /usr/sbin/slapadd ] && [ -f /etc/ldap/schema/inetorgperson.schema ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[slapd] /usr/sbin/slapd is missing; install Debian's slapd package as root (apt-get install -y slapd)" >&2
  exit 1
fi
echo "[slapd] installing Debian's slapd package (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# A policy-rc.d keeps the package from starting the system's own service (one already there is kept).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends slapd >/dev/null
/usr/sbin/slapd -VV 2>&1 | head -1
