#!/usr/bin/env bash
# The demo: build examples/demo with skywago (no change to its source or go.mod), run it with the
# file reporter, and show the trace it recorded as a terminal waterfall.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$("$repo/scripts/setup.sh")"
out="$(mktemp -d)"
cd "$repo/examples/demo"
echo "\$ skywago go build -o $out/demo ."
"$bin/skywago" go build -o "$out/demo" .
echo "\$ SW_AGENT_NAME=demo SW_AGENT_REPORTER_FILE_PATH=$out/segments.json $out/demo"
SW_AGENT_NAME=demo SW_AGENT_REPORTER_FILE_PATH="$out/segments.json" "$out/demo"
echo "\$ skywago trace $out/segments.json"
"$bin/skywago" trace "$out/segments.json"
