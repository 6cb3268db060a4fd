#!/usr/bin/env bash
# Stop every Bazel server started through scripts/bazel/bazel.sh and unmount the chroot's mounts.
# Keeps the root filesystem and caches (setup.sh reuses them) unless --remove is given.
#
#   scripts/bazel/teardown.sh [--remove]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -d "$ROOT" ] || exit 0
if [ -x "$ROOT/usr/bin/bazel" ] && [ -d "$ROOT$SW_OUTPUT_USER_ROOT" ]; then
    for ob in "$ROOT$SW_OUTPUT_USER_ROOT"/*/; do
        [ -f "$ob/server/server.pid.txt" ] || continue
        ws=$(cat "$ob/DO_NOT_BUILD_HERE" 2>/dev/null || true)
        if [ -n "$ws" ] && [ -d "$ws" ]; then
            "$(dirname "${BASH_SOURCE[0]}")/bazel.sh" "$ws" shutdown 2>/dev/null || true
        fi
        # Still running (workspace gone, or an unreachable server): stop that one server by pid.
        if [ -f "$ob/server/server.pid.txt" ]; then
            pid=$(cat "$ob/server/server.pid.txt")
            kill "$pid" 2>/dev/null || true
        fi
    done
fi
sw_umount_all
if [ "${1:-}" = --remove ]; then
    if awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 {f=1} END {exit !f}' /proc/self/mounts; then
        sw_die "mounts remain below $ROOT; not deleting it"
    fi
    rm -rf --one-file-system "$ROOT"
    sw_log "removed $ROOT"
fi
