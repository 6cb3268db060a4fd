#!/usr/bin/env bash
# Make sure the test run has room on disk before it starts, freeing only caches that rebuild
# themselves. A whole run writes ~10-15 GB (Go build cache, Bazel output bases, pytest temp dirs);
# on a machine that runs it often, those caches alone filled the disk and a whole CI run failed
# with "No space left on device" in 138 tests. Usage: scripts/free-disk.sh [NEED_GB]
#
#   SKYWAGO_MIN_FREE_GB   room wanted before the run (default 20); caches are trimmed, in the order
#                         below, until it is there
#   SKYWAGO_HARD_MIN_GB   below this after trimming, fail at once, naming what uses the disk
#                         (default 6), rather than let a hundred tests fail one by one
#
# What may go, in this order (each only while room is still short):
#   1. Bazel output bases (in the sid chroot) of workspaces that no longer exist, except this
#      checkout's: a deleted worktree's output base is never used again.
#   2. pytest's temp dirs of earlier sessions (not the current one, none used in the last 2 h).
#   3. the whole Go build cache (`go clean -cache`; the run then compiles cold, ~10 min more).
# Nothing else is touched: never the module cache, the test servers' caches, or anything of the
# user's.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
need_gb="${1:-${SKYWAGO_MIN_FREE_GB:-20}}"
hard_gb="${SKYWAGO_HARD_MIN_GB:-6}"
gocache="$(go env GOCACHE 2>/dev/null || echo "$HOME/.cache/go-build")"
bazel_root="${SKYWAGO_BAZEL_ROOT:-/opt/skywago-bazel-sid}"
output_user_root="$bazel_root/var/cache/skywago-bazel/output_user_root"
pytest_tmp="${TMPDIR:-/tmp}/pytest-of-$(id -un)"

free_gb() { df -Pk "${1:-/}" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }
say() { echo "free-disk: $*"; }
short() { [ "$(free_gb "$1")" -lt "$need_gb" ]; }

# every filesystem a test run writes to (usually all one)
targets=("$gocache" "${TMPDIR:-/tmp}")
[ -d "$output_user_root" ] && targets+=("$output_user_root")
room_short() { local t; for t in "${targets[@]}"; do [ -e "$t" ] && short "$t" && return 0; done; return 1; }

say "free: $(free_gb /) GB on / (want $need_gb GB)"
room_short || exit 0

# 1. output bases of workspaces that are gone
if [ -d "$output_user_root" ]; then
  for base in "$output_user_root"/*/; do
    ws="$(cat "$base/DO_NOT_BUILD_HERE" 2>/dev/null || true)"
    [ -n "$ws" ] || continue
    case "$ws/" in "$repo"/*) continue ;; esac
    [ -e "$bazel_root$ws" ] || [ -e "$ws" ] && continue
    say "removing the Bazel output base of $ws (that workspace is gone): $(du -sh "$base" | cut -f1)"
    chmod -R u+w "$base" 2>/dev/null || true
    rm -rf "$base"
  done
fi

# 2. pytest temp dirs of earlier sessions: never the current one (pytest-current points at it),
#    nor any a session wrote to in the last 2 hours (another run on this machine may be using it)
if room_short && [ -d "$pytest_tmp" ]; then
  current="$(readlink -f "$pytest_tmp/pytest-current" 2>/dev/null || true)"
  for dir in "$pytest_tmp"/pytest-[0-9]*/; do
    dir="${dir%/}"
    [ -d "$dir" ] && [ "$dir" != "$current" ] || continue
    [ -z "$(find "$dir" -maxdepth 1 -mmin -120 -print -quit)" ] || continue
    say "removing pytest's temp dir of an earlier session: $dir"
    rm -rf "$dir"
  done
fi

# 3. the whole Go build cache, with Go's own command. Not entry by entry: in a whole CI run after
#    a by-hand trim of old entries, seven out-of-range tests saw no warning from a cached compile
#    (the package's archive stayed, the warning Go replays from the cache did not, it seems);
#    all or nothing keeps every compile's output and its printed warnings together.
if room_short && command -v go >/dev/null; then
  say "removing the Go build cache ($(du -sh "$gocache" 2>/dev/null | cut -f1)): go clean -cache"
  go clean -cache
fi

say "free now: $(free_gb /) GB on /"
for t in "${targets[@]}"; do
  [ -e "$t" ] || continue
  if [ "$(free_gb "$t")" -lt "$hard_gb" ]; then
    echo "free-disk: error: only $(free_gb "$t") GB free on the filesystem of $t after trimming skywago's caches;" \
         "a test run needs about $need_gb GB. Biggest directories:" >&2
    du -xsh "$gocache" "$output_user_root" "${TMPDIR:-/tmp}" "$HOME/go" "$HOME/.cache" 2>/dev/null | sort -h >&2 || true
    exit 1
  fi
done
exit 0
