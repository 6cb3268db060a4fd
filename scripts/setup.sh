#!/usr/bin/env bash
# Idempotent set-up shared by the demo, the tests and CI: a virtualenv with skywago installed
# (editable) and its test dependencies. Prints the venv's bin directory.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SKYWAGO_VENV:-$repo/.venv}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" >&2
fi
stamp="$venv/.skywago-installed"
# (The editable install copies the sh launcher into the venv's bin: a changed launcher reinstalls.)
if [ ! -f "$stamp" ] || [ "$repo/pyproject.toml" -nt "$stamp" ] ||
   ! cmp -s "$repo/skywago/bin/skywago" "$venv/bin/skywago" ||
   ! cmp -s "$repo/skywago/bin/skywago-toolexec" "$venv/bin/skywago-toolexec"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$repo[test]" >&2
  touch "$stamp"
fi
command -v go >/dev/null || { echo "setup: a Go toolchain (go >= 1.22) must be on PATH" >&2; exit 1; }
echo "$venv/bin"
