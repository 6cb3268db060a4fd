#!/usr/bin/env bash
# Run every test: sets up what it needs first (venv, Go toolchains), then pytest and the agent's
# own Go tests under -race. Usage: scripts/test.sh [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$("$repo/scripts/setup.sh")"
export SKYWAGO_GO_VERSIONS="$("$repo/scripts/go-toolchains.sh" | tr '\n' ' ')"
echo "== Go releases under test: $SKYWAGO_GO_VERSIONS"
echo "== agent core: go test -race"
(cd "$repo/skywago/agent" && go test -race -count=1 ./core/...)
# The Bazel front door's tests (tests/bazel/, and the "bazel" cases of the end-to-end tests) run
# in a Debian sid chroot with Bazel 7: made here (root; idempotent, ~1 s when it exists).
# SKYWAGO_BAZEL_TESTS=0 leaves them out (they then show as skipped, with the reason).
if [ "${SKYWAGO_BAZEL_TESTS:-1}" = 1 ]; then
  echo "== Bazel: sid chroot (scripts/bazel/setup.sh)"
  "$repo/scripts/bazel/setup.sh"
  export SKYWAGO_BAZEL_TESTS=1
fi
echo "== database and cache servers for the data-store plugin tests (scripts/install-servers.sh)"
"$repo/scripts/install-servers.sh"
echo "== pytest"
cd "$repo"
exec "$bin/python" -m pytest "$@"
