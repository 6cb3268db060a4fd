#!/usr/bin/env bash
# The Bazel front door's matrix, beyond CI (one Go release, one rules_go, the host's platform):
# a second Go release followed from the user's go_sdk, the linux_arm64 cross build run under
# qemu-user. Not part of CI; its output goes into the closing notes. Cases and what each checks:
# tests/bazel/matrix.py.
#
#   tests/bazel/matrix.sh [CASE...]        # root, after scripts/bazel/setup.sh; default: all cases
#
# Heavy (each new Go release compiles its plain and instrumented standard library): it takes the
# shared heavy lock itself (flock -o: the Bazel servers it starts must not inherit the lock; a
# server started under a plain `flock` holds it until it exits, hours later).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
python="$repo/.venv/bin/python"
[ -x "$python" ] || { echo "matrix: no $python; run scripts/setup.sh" >&2; exit 2; }
"$repo/scripts/install-servers.sh" >/dev/null || echo "matrix: scripts/install-servers.sh failed (qemu-user missing?)" >&2
rc=0
flock -o /tmp/skywago-heavy.lock nice -n 10 "$python" "$repo/tests/bazel/matrix.py" "$@" || rc=1

# With no CASE: also the rules_go releases (tests/bazel/matrix_rules_go.py: 0.53.0 on Go 1.24.13)
# and the remote cache on every example (benchmarks/bazel_remote_cache.py; CI checks one).
if [ $# -eq 0 ]; then
    flock -o /tmp/skywago-heavy.lock nice -n 10 "$python" "$repo/tests/bazel/matrix_rules_go.py" || rc=1
    flock -o /tmp/skywago-heavy.lock nice -n 10 "$python" "$repo/benchmarks/bazel_remote_cache.py" || rc=1
fi
exit $rc
