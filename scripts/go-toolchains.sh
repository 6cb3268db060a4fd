#!/usr/bin/env bash
# The Go releases skywago is tested on: the newest patch of 1.22 .. 1.26 and the newest release
# the Go module proxy has. Downloads each (GOTOOLCHAIN) and prints their versions, one per line.
# SKYWAGO_GO_VERSIONS overrides the list (space-separated, e.g. "1.22.12 1.26.8").
set -euo pipefail
versions="${SKYWAGO_GO_VERSIONS:-1.22.12 1.23.12 1.24.13 1.25.14 1.26.8 1.27.4}"
for v in $versions; do
  GOTOOLCHAIN="go$v" go version >/dev/null 2>&1 || { echo "go-toolchains: cannot get go$v" >&2; exit 1; }
  echo "$v"
done
