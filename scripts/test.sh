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
echo "== database and cache servers for the data-store plugin tests (scripts/install-servers.sh)"
"$repo/scripts/install-servers.sh"
echo "== pytest"
cd "$repo"
exec "$bin/python" -m pytest "$@"
