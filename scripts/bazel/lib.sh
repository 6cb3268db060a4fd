# shellcheck shell=bash
# Shared settings and helpers for scripts/bazel/{setup,bazel,teardown}.sh. Source it, don't run it.
#
# Environment (all optional):
#   SKYWAGO_BAZEL_ROOT     the Debian sid root filesystem          (default /opt/skywago-bazel-sid)
#   SKYWAGO_REPO           the checkout to bind-mount, at the same path inside the chroot
#                          (default: the checkout holding this script)
#   SKYWAGO_BAZEL_BINDS    extra host directories to bind-mount at the same path (space-separated)
#   SKYWAGO_DEBIAN_MIRROR  (default http://deb.debian.org/debian)
#   SKYWAGO_GOPROXY        where distfiles come from (default https://proxy.golang.org)

_sw_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SKYWAGO_REPO=${SKYWAGO_REPO:-$(cd "$_sw_here/../.." && pwd -P)}
SKYWAGO_BAZEL_ROOT=${SKYWAGO_BAZEL_ROOT:-/opt/skywago-bazel-sid}
SKYWAGO_BAZEL_BINDS=${SKYWAGO_BAZEL_BINDS:-}
SKYWAGO_DEBIAN_MIRROR=${SKYWAGO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SKYWAGO_GOPROXY=${SKYWAGO_GOPROXY:-https://proxy.golang.org}
ROOT=$SKYWAGO_BAZEL_ROOT

# Paths as seen INSIDE the chroot (prefix "$ROOT" for the host path).
SW_CACHE=/var/cache/skywago-bazel
SW_DISTDIR=$SW_CACHE/distdir              # archives Bazel would download, found by basename
SW_WHEELHOUSE=$SW_CACHE/wheelhouse        # pinned wheels for @skywago_pip (bazel/requirements_lock.txt)
SW_OUTPUT_USER_ROOT=$SW_CACHE/output_user_root
SW_DISK_CACHE=$SW_CACHE/disk_cache
SW_REPO_CACHE=$SW_CACHE/repository_cache
SW_BAZELRC=/etc/skywago-bazel.bazelrc
SW_GOPATH=$SW_CACHE/gopath               # go_repository's module cache, shared by all output bases
SW_GAZELLE_VERSION=v0.47.0
SW_GAZELLE=$SW_CACHE/modules/gazelle-$SW_GAZELLE_VERSION   # vendored copy (setup.sh), local_path_override

sw_log() { printf '[skywago-bazel] %s\n' "$*" >&2; }
sw_die() { sw_log "error: $*"; exit 1; }

# Run a command inside the chroot with a small, clean environment (host PATH/pyenv/pip settings
# must not leak in). Proxy variables pass through when set.
sw_chroot() {
    local -a envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
                   LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=root TERM="${TERM:-dumb}")
    local v
    for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
        [ -n "${!v:-}" ] && envs+=("$v=${!v}")
    done
    chroot "$ROOT" /usr/bin/env -i "${envs[@]}" "$@"
}

# Idempotent: mount /proc, /dev, /dev/pts, /sys and the bind mounts (repo + extras).
sw_mount() {
    [ -x "$ROOT/usr/bin/env" ] || sw_die "no chroot at $ROOT (run scripts/bazel/setup.sh)"
    mountpoint -q "$ROOT/proc"    || mount -t proc proc "$ROOT/proc"
    mountpoint -q "$ROOT/dev"     || mount --bind /dev "$ROOT/dev"
    mountpoint -q "$ROOT/dev/pts" || mount --bind /dev/pts "$ROOT/dev/pts"
    mountpoint -q "$ROOT/sys"     || mount -t sysfs sys "$ROOT/sys"
    local d
    for d in "$SKYWAGO_REPO" $SKYWAGO_BAZEL_BINDS; do
        d=$(cd "$d" && pwd -P)
        mkdir -p "$ROOT$d"
        # A mount can be stale: the directory was deleted and made again at the same path (a
        # fresh clone), and the chroot still shows the old one. Same device and inode, or remount.
        if mountpoint -q "$ROOT$d" && [ "$(stat -c %d:%i "$d")" != "$(stat -c %d:%i "$ROOT$d" 2>/dev/null)" ]; then
            umount "$ROOT$d" 2>/dev/null || umount -l "$ROOT$d"
        fi
        mountpoint -q "$ROOT$d" || mount --bind "$d" "$ROOT$d"
    done
}

# Unmount everything below $ROOT that we (or anyone) mounted, deepest first.
sw_umount_all() {
    local m
    # /proc/self/mounts escapes spaces as \040; our paths have none.
    for m in $(awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/self/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
