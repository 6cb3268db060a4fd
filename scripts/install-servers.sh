#!/usr/bin/env bash
# Installs the database and cache servers the data-store plugin tests run on loopback
# (tests/servers.py starts private instances of them; no system service is started or enabled).
# Debian/Ubuntu, as root. Idempotent: does nothing when every binary is already there.
#   PostgreSQL (initdb, pg_ctl, postgres), MariaDB (mariadb-install-db, mariadbd), Redis (redis-server)
set -euo pipefail

have_all() {
  command -v redis-server >/dev/null 2>&1 &&
    { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } &&
    { command -v mariadb-install-db >/dev/null 2>&1 || [ -x /usr/bin/mariadb-install-db ]; } &&
    { command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }
}

if have_all; then
  echo "install-servers: postgresql, mariadb and redis are installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-servers: run as root (apt-get install)" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo "install-servers: needs apt-get (Debian/Ubuntu)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Packages must not start their services in this container or CI runner.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap 'if [ -n "$created_policy" ]; then rm -f "$policy"; fi' EXIT

packages="postgresql mariadb-server redis-server"
if ! apt-get install -y --no-install-recommends $packages; then
  apt-get update
  apt-get install -y --no-install-recommends $packages
fi
have_all || { echo "install-servers: binaries still missing after apt-get install" >&2; exit 1; }
echo "install-servers: done"
