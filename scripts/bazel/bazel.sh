#!/usr/bin/env bash
# Run Bazel inside the sid chroot made by scripts/bazel/setup.sh, in a workspace of this repo.
#
#   scripts/bazel/bazel.sh WORKSPACE_DIR COMMAND [ARGS...]
#   scripts/bazel/bazel.sh tests/bazel/ws build //...
#   scripts/bazel/bazel.sh tests/bazel/ws run //app:server -- -selftest
#
# All runs share one output_user_root, repository cache and disk cache inside the chroot
# (/var/cache/skywago-bazel), so the Go standard library is compiled once per CI job, not once per
# workspace. WORKSPACE_DIR must be inside $SKYWAGO_REPO or $SKYWAGO_BAZEL_BINDS (bind-mounted at
# the same path). Extra startup options: SKYWAGO_BAZEL_STARTUP="--max_idle_secs=60 ...".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
ws=$(cd "$1" && pwd -P); shift
[ "$(id -u)" = 0 ] || sw_die "run as root (chroot)"
[ -x "$ROOT/usr/bin/bazel" ] || sw_die "no Bazel in $ROOT; run scripts/bazel/setup.sh"

inside=0
for d in "$SKYWAGO_REPO" $SKYWAGO_BAZEL_BINDS; do
    d=$(cd "$d" && pwd -P)
    case "$ws/" in "$d"/*) inside=1 ;; esac
done
[ $inside = 1 ] || sw_die "$ws is not below a bind-mounted directory ($SKYWAGO_REPO $SKYWAGO_BAZEL_BINDS)"

sw_mount   # idempotent; restores the mounts after a reboot
# shellcheck disable=SC2086
exec chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root USER=root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" \
    /bin/sh -c 'cd "$1" && shift && exec bazel "$@"' sh "$ws" \
    --output_user_root="$SW_OUTPUT_USER_ROOT" --bazelrc="$SW_BAZELRC" ${SKYWAGO_BAZEL_STARTUP:-} "$@"
