#!/usr/bin/env bash
# Installs the Debian packages the tests need (servers they start privately on loopback, tools
# they run): every scripts/debian-packages.d/*.txt lists "<package> <binary>" lines, the binary
# being a command name or an absolute path (glob) that proves the package is there. No system
# service is started or enabled. Debian/Ubuntu, as root. Idempotent: installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

present() {  # present BINARY: a command on PATH, or an absolute path/glob that exists
    case "$1" in
    /*) compgen -G "$1" >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

missing=()
while read -r package binary; do
    case "$package" in ''|'#'*) continue ;; esac
    present "$binary" || missing+=("$package")
done < <(cat "$here"/debian-packages.d/*.txt)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-servers: every package of scripts/debian-packages.d is installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-servers: run as root (apt-get install ${missing[*]})" >&2
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

echo "install-servers: apt-get install ${missing[*]}"
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
still=()
while read -r package binary; do
    case "$package" in ''|'#'*) continue ;; esac
    present "$binary" || still+=("$package ($binary)")
done < <(cat "$here"/debian-packages.d/*.txt)
[ ${#still[@]} -eq 0 ] || { echo "install-servers: still missing after apt-get install: ${still[*]}" >&2; exit 1; }
echo "install-servers: done"
