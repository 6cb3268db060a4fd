#!/usr/bin/env bash
# End-to-end check of skywago's Bazel front door, in the sid chroot (as root). Prints timings.
#
#   tests/bazel/run.sh            # setup (idempotent), then build/run/test tests/bazel/ws
#   tests/bazel/run.sh --cold     # first wipe this workspace's output base and the shared caches
#   tests/bazel/run.sh --offline  # run every Bazel step with networking cut off (unshare -n)
#
# What it checks: the plain go_binary builds and runs; the aspect builds an instrumented binary
# that runs; skywago_go_binary works with `bazel run` and as a test's data dependency; the
# rewriter's Python packages import inside actions. The rewriter is the copy-through test double
# (tools/copy_rewriter.py) until the engine's skywago/bazel_rewriter.py exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/scripts/bazel/lib.sh"
ws="$here/ws"
bz() { "$repo/scripts/bazel/bazel.sh" "$ws" "$@"; }

cold=0 offline=0 inner=0
for a in "$@"; do
    case "$a" in
        --cold) cold=1 ;;
        --offline) offline=1 ;;
        --inner) inner=1 ;;
        *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
done

declare -a timings=()
timed() {  # timed NAME CMD...
    local name=$1 t0 t1; shift
    t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N)
    timings+=("$(printf '%-28s %6.1f s' "$name" "$(awk "BEGIN{print $t1-$t0}")")")
}

if [ $inner = 0 ]; then
    timed "setup.sh" "$repo/scripts/bazel/setup.sh"
    "$here/check_pins.sh"
    if [ $cold = 1 ]; then
        bz shutdown 2>/dev/null || true
        ob=$(grep -lx "$ws" "$ROOT$SW_OUTPUT_USER_ROOT"/*/DO_NOT_BUILD_HERE 2>/dev/null | xargs -r -n1 dirname || true)
        for d in $ob "$ROOT$SW_DISK_CACHE" "$ROOT$SW_REPO_CACHE"; do
            chmod -R u+w "$d" 2>/dev/null || true
            rm -rf --one-file-system "$d"
        done
        mkdir -p "$ROOT$SW_DISK_CACHE" "$ROOT$SW_REPO_CACHE"
        sw_log "cold: removed ${ob:-no output base}, the disk cache and the repository cache"
    fi
    printf '%s\n' "${timings[@]}" > /tmp/skywago-bazel-timings.$$
    if [ $offline = 1 ]; then
        # A server started in another network namespace is unreachable from this one.
        bz shutdown 2>/dev/null || true
        # shellcheck disable=SC2016
        exec unshare -n -- bash -c 'ip link set lo up && exec "$0" --inner "$@"' "$0" "$@"
    fi
fi
mapfile -t timings < <(cat /tmp/skywago-bazel-timings.* 2>/dev/null; rm -f /tmp/skywago-bazel-timings.*)
[ $offline = 1 ] && trap 'bz shutdown >/dev/null 2>&1 || true' EXIT

expect() {  # expect WANT CMD...: CMD's stdout must be WANT
    local want=$1 got; shift
    got=$("$@")
    [ "$got" = "$want" ] || { echo "FAIL: $* printed '$got', want '$want'" >&2; exit 1; }
    echo "ok: $*  ->  $got"
}

timed "build (plain)" bz build //app:server
timed "no-op rebuild" bz build //app:server
expect "200 hello, bazel" bz run --ui_event_filters=-info,-stdout,-stderr --noshow_progress //app:server -- -selftest

timed "build (aspect)" bz build //app:server \
    --aspects=@skywago//bazel:defs.bzl%skywago_aspect --output_groups=skywago
timed "no-op rebuild (aspect)" bz build //app:server \
    --aspects=@skywago//bazel:defs.bzl%skywago_aspect --output_groups=skywago
bin=$(bz info bazel-bin 2>/dev/null)
expect "200 hello from skywago, bazel" sw_chroot "$bin/app/_skywago/server/bin/server" -selftest

expect "200 hello from skywago, bazel" bz run --ui_event_filters=-info,-stdout,-stderr --noshow_progress //app:server_skywago -- -selftest
timed "test //..." bz test //... --test_output=errors

echo "== timings"
printf '%s\n' "${timings[@]}"
