#!/usr/bin/env bash
# Run every test: sets up what it needs first (venv, Go toolchains, servers), then pytest and the
# agent's own Go tests under -race. Usage: scripts/test.sh [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$("$repo/scripts/setup.sh")"
started=$(date +%s)
stage() { echo "== [$(( $(date +%s) - started )) s] $*"; }

# Room on disk first (caches that rebuild themselves, trimmed only when short), before anything
# below builds or writes.
stage "disk room (scripts/free-disk.sh)"
"$repo/scripts/free-disk.sh"

# Heavy test servers (cached by version outside the checkout, tests/servercache.py) are made in the
# background while the rest is set up; a test that needs one still being made waits for it.
prepare_log="${TMPDIR:-/tmp}/skywago-prepare-backends.$$.log"
"$bin/python" "$repo/tests/prepare_backends.py" >"$prepare_log" 2>&1 &
prepare_pid=$!
finish() {
  kill "$prepare_pid" 2>/dev/null || true
  echo "== prepare-backends (background) said:"; cat "$prepare_log" 2>/dev/null || true
  rm -f "$prepare_log"
}
trap finish EXIT

export SKYWAGO_GO_VERSIONS="$("$repo/scripts/go-toolchains.sh" | tr '\n' ' ')"
stage "Go releases under test: $SKYWAGO_GO_VERSIONS"
stage "agent core: go test -race"
(cd "$repo/skywago/agent" && go test -race -count=1 ./...)
# The Bazel front door's tests (tests/bazel/, and the "bazel" cases of the end-to-end tests) run
# in a Debian sid chroot with Bazel 7: made here (root; idempotent, ~1 s when it exists).
# SKYWAGO_BAZEL_TESTS=0 leaves them out (they then show as skipped, with the reason).
if [ "${SKYWAGO_BAZEL_TESTS:-1}" = 1 ]; then
  stage "Bazel: sid chroot (scripts/bazel/setup.sh)"
  "$repo/scripts/bazel/setup.sh"
  export SKYWAGO_BAZEL_TESTS=1
fi
stage "Debian packages of the test servers (scripts/install-servers.sh)"
"$repo/scripts/install-servers.sh"
stage "pytest"
cd "$repo"
status=0
"$bin/python" -m pytest --durations=25 "$@" || status=$?
stage "done (pytest exit $status)"
exit $status
