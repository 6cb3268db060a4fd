#!/usr/bin/env bash
# End-to-end check of skywago's Bazel front door, in the sid chroot (as root). Prints timings.
#
#   tests/bazel/run.sh            # setup (idempotent), then build/run/test tests/bazel/ws
#   tests/bazel/run.sh --cold     # first wipe this workspace's output base and the shared caches
#   tests/bazel/run.sh --offline  # run every Bazel step with networking cut off (unshare -n)
#
# What it checks, with the real rewriter (skywago/bazel_rewriter.py), the instrumented SDK and the
# agent: the plain go_binary builds and runs with the plain SDK; the aspect builds the instrumented
# binary of the unchanged go_binary, which serves, answers like the plain one and reports its
# spans; a second build runs no action; skywago_go_binary works with `bazel run` and as a test's
# data dependency; the repository's examples (Bazel modules @example_<app>, third-party modules from
# gazelle's go_deps) build instrumented with the aspect; the instrumented SDK, module versions and
# the rewriter's Python packages are as expected (bazel test //...). Then, with the copy-through TEST DOUBLE (--config=plumbing), the plumbing: rewritten
# sources of cgo and embed packages reach the binary.
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
log=$(mktemp)
cleanup() {
    rm -f "$log"
    if [ $offline = 1 ]; then bz shutdown >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

expect() {  # expect WANT CMD...: CMD's stdout must be WANT
    local want=$1 got; shift
    got=$("$@")
    [ "$got" = "$want" ] || { echo "FAIL: $* printed '$got', want '$want'" >&2; exit 1; }
    echo "ok: $*  ->  $got"
}

actions() {  # actions NAME: the "N processes" line of the last Bazel command's output
    sed -n 's/^INFO: \([0-9]* process.*\)$/\1/p' "$1" | tail -1
}
aspect=(--aspects=@skywago//bazel:defs.bzl%skywago_aspect --output_groups=skywago)

timed "build (plain)" bz build //app:server
timed "no-op rebuild" bz build //app:server
expect "200 hello, bazel" bz run --ui_event_filters=-info,-stdout,-stderr --noshow_progress //app:server -- -selftest
# The plain build is plain: your Go SDK, no instrumented runtime, no agent.
plain=$(bz cquery --output=files //app:server 2>/dev/null | tail -1)
execroot=$(bz info execution_root 2>/dev/null)
[ -f "$ROOT$execroot/$plain" ] || { echo "FAIL: no $ROOT$execroot/$plain" >&2; exit 1; }
if grep -q -e skywago_getContext -e skywago.dev/agent "$ROOT$execroot/$plain"; then
    echo "FAIL: the plain //app:server contains skywago's runtime or agent" >&2; exit 1
fi
echo "ok: the plain //app:server has no skywago code"

# A plugin's filegroup holds the plugins/_shared/ files it names (the rewrite action's inputs).
shared_srcs() { bz query --noshow_progress "labels(srcs, @skywago//:plugin_$1)" 2>/dev/null | grep -cE 'plugins/_shared/(logctx|itoa).go$'; }
expect 2 shared_srcs logrus
timed "build (aspect)" bz build //app:server "${aspect[@]}"
timed "no-op rebuild (aspect)" bz build //app:server "${aspect[@]}" 2> "$log"
cat "$log" >&2
case "$(actions "$log")" in
    "0 processes"*|"1 process: 1 internal"*) echo "ok: second aspect build: $(actions "$log")" ;;
    *) echo "FAIL: the second aspect build ran actions: $(actions "$log")" >&2; exit 1 ;;
esac
bin=$(bz info bazel-bin 2>/dev/null)
sw_chroot rm -f /tmp/skywago-run-sh.json
expect "200 hello, bazel" sw_chroot env SW_AGENT_REPORTER_FILE_PATH=/tmp/skywago-run-sh.json \
    "$bin/app/_skywago/server/bin/server" -selftest
grep -q skywago_getContext "$ROOT$bin/app/_skywago/server/bin/server" \
    || { echo "FAIL: the aspect-built server has no instrumented runtime" >&2; exit 1; }
grep -q '"operationName":"GET:/hello"' "$ROOT/tmp/skywago-run-sh.json" \
    || { echo "FAIL: the aspect-built server reported no GET:/hello span" >&2; exit 1; }
echo "ok: the aspect-built server reported $(grep -cE . "$ROOT/tmp/skywago-run-sh.json") segments"

expect "200 hello, bazel" bz run --ui_event_filters=-info,-stdout,-stderr --noshow_progress //app:server_skywago -- -selftest
# Every example app (tests/bazel/update_examples.py lists them in ws/MODULE.bazel), instrumented.
mapfile -t examples < <(sed -n '/^EXAMPLES = \[/,/^\]/s/^ *"\([^"]*\)",$/\1/p' "$ws/MODULE.bazel")
labels=()
for e in "${examples[@]}"; do labels+=("@example_${e//-/_}//:$e"); done
[ ${#labels[@]} -gt 0 ] || { echo "FAIL: no examples in $ws/MODULE.bazel" >&2; exit 1; }
timed "examples (aspect)" bz build "${labels[@]}" "${aspect[@]}"
timed "test //..." bz test //... --test_output=errors
timed "test plumbing (double)" bz test --config=plumbing //app:plumbing --test_output=errors

echo "== timings"
printf '%s\n' "${timings[@]}"
