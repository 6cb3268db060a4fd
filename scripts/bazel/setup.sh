#!/usr/bin/env bash
# Make (or reuse) a Debian sid chroot with Bazel 7 (Debian's bazel-bootstrap), python3 and pip, able
# to build the Bazel workspaces of this repo offline. Idempotent: rerun it any time (also after a
# reboot, to restore mounts); finished steps are skipped. Needs root and, for the first run, the
# Debian mirror, the Go module proxy and PyPI. Prints how long each step took.
#
#   scripts/bazel/setup.sh                     # then: scripts/bazel/bazel.sh tests/bazel/ws build //...
#
# Settings: see scripts/bazel/lib.sh (SKYWAGO_BAZEL_ROOT, SKYWAGO_REPO, SKYWAGO_BAZEL_BINDS, ...).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" = 0 ] || sw_die "run as root (debootstrap, chroot and mount need it)"

_t_all=$(date +%s.%N)
step() {  # step NAME COMMAND... : run, then print the elapsed time
    local name=$1 t0 t1; shift
    t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N)
    printf '[skywago-bazel] step %-12s %6.1f s\n' "$name" "$(awk "BEGIN{print $t1-$t0}")" >&2
}

host_tools() {
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v curl >/dev/null || missing+=(curl)
    command -v sha256sum >/dev/null || missing+=(coreutils)
    [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
    if [ ${#missing[@]} -gt 0 ]; then
        sw_log "installing on the host: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

bootstrap() {
    if [ -e "$ROOT/.skywago-debootstrap-done" ]; then return; fi
    # A half-finished debootstrap (interrupted run) is restarted from scratch, after making sure
    # nothing is mounted below $ROOT (never rm -rf through a bind mount of the repo).
    if [ -e "$ROOT" ]; then
        sw_umount_all
        if awk -v r="$ROOT" 'index($2, r "/") == 1 {f=1} END {exit !f}' /proc/self/mounts; then
            sw_die "mounts remain below $ROOT; not deleting it"
        fi
        rm -rf --one-file-system "$ROOT"
    fi
    mkdir -p "$(dirname "$ROOT")"
    debootstrap --variant=minbase ${SKYWAGO_DEBOOTSTRAP_OPTS:-} sid "$ROOT" "$SKYWAGO_DEBIAN_MIRROR" >/dev/null
    touch "$ROOT/.skywago-debootstrap-done"
}

configure() {
    # sid's Release files carry Valid-Until; a lagging mirror or clock makes apt refuse them.
    echo 'Acquire::Check-Valid-Until "false";' > "$ROOT/etc/apt/apt.conf.d/99skywago-no-valid-until"
    # Keep the chroot small: no docs/man pages, no recommends.
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
        > "$ROOT/etc/apt/apt.conf.d/99skywago-no-recommends"
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
    # Behind a TLS-intercepting proxy the host's extra CAs must be trusted inside too.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        mkdir -p "$ROOT/usr/local/share/ca-certificates"
        cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
    fi
    mkdir -p "$ROOT$SW_DISTDIR" "$ROOT$SW_WHEELHOUSE" "$ROOT$SW_OUTPUT_USER_ROOT" \
        "$ROOT$SW_DISK_CACHE" "$ROOT$SW_REPO_CACHE" "$ROOT$SW_GOPATH"
    cat > "$ROOT$SW_BAZELRC" <<RC
# Written by scripts/bazel/setup.sh; passed by scripts/bazel/bazel.sh as --bazelrc.
# Offline inputs: archives by basename+checksum, pinned wheels for @skywago_pip.
common --distdir=$SW_DISTDIR
common --repository_cache=$SW_REPO_CACHE
common --repo_env=SKYWAGO_WHEELHOUSE=$SW_WHEELHOUSE
# One action cache shared by every workspace and run in this chroot (the Go standard library is
# built once per configuration, not once per output base).
common --disk_cache=$SW_DISK_CACHE
# bazel-* symlinks would point at chroot paths, dangling on the host; use cquery/run instead.
common --experimental_convenience_symlinks=ignore
# Debian's system bazelrc sets --sandbox_debug, which keeps every sandbox directory forever.
common --nosandbox_debug
# gazelle's go_repository: one Go module cache (and build cache for its tools) for every output
# base, so a second workspace (or a copy at another path) fetches nothing again, and works offline.
common --repo_env=GO_REPOSITORY_USE_HOST_CACHE=1
common --repo_env=GOPATH=$SW_GOPATH
common --repo_env=GOMODCACHE=$SW_GOPATH/pkg/mod
common --repo_env=GOCACHE=$SW_GOPATH/cache
common --repo_env=GOPROXY=${SKYWAGO_GOPROXY}
RC
}

apt_install() {
    local pkgs=(bazel-bootstrap python3 python3-pip ca-certificates)
    if ! sw_chroot dpkg -s "${pkgs[@]}" >/dev/null 2>&1; then
        sw_chroot apt-get update -qq
        sw_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${SKYWAGO_APT_OPTS:-} \
            "${pkgs[@]}" >/dev/null
        sw_chroot apt-get clean
    fi
    sw_chroot update-ca-certificates >/dev/null 2>&1
}

distfiles() {
    local gomodcache="" sum path name dst
    command -v go >/dev/null && gomodcache=$(go env GOMODCACHE 2>/dev/null || true)
    while read -r sum path; do
        case "$sum" in ''|'#'*) continue ;; esac
        name=${path##*/}
        dst="$ROOT$SW_DISTDIR/$name"
        if [ -f "$dst" ] && echo "$sum  $dst" | sha256sum -c --status; then continue; fi
        if [ -n "$gomodcache" ] && [ -f "$gomodcache/cache/download/$path" ]; then
            cp "$gomodcache/cache/download/$path" "$dst.tmp"
        else
            sw_log "downloading $SKYWAGO_GOPROXY/$path"
            curl -fsSL --retry 3 -o "$dst.tmp" "$SKYWAGO_GOPROXY/$path"
        fi
        echo "$sum  $dst.tmp" | sha256sum -c --status || sw_die "checksum mismatch for $path"
        mv "$dst.tmp" "$dst"
    done < "$_sw_here/distfiles.txt"
}

gazelle_module() {
    # Real gazelle (github.com/bazelbuild/bazel-gazelle, a Go module on the proxy) for the test
    # workspaces' local_path_override. Its go_repository_tools build gazelle and fetch_repo in
    # GOPATH mode from gazelle's own vendor/, which module zips leave out: copy the module,
    # drop its nested test modules (tests/ breaks vendoring), `go mod vendor` (deps from the proxy).
    local dst="$ROOT$SW_GAZELLE" src
    [ -f "$dst/.skywago-vendored" ] && return
    command -v go >/dev/null || sw_die "gazelle $SW_GAZELLE_VERSION: 'go mod vendor' needs Go on the host"
    src=$(GOFLAGS=-mod=mod GOWORK=off go mod download -json "github.com/bazelbuild/bazel-gazelle@$SW_GAZELLE_VERSION" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -d "$src" ] || sw_die "go mod download github.com/bazelbuild/bazel-gazelle@$SW_GAZELLE_VERSION failed"
    rm -rf "$dst.tmp" && mkdir -p "$(dirname "$dst")"
    cp -r "$src" "$dst.tmp" && chmod -R u+w "$dst.tmp" && rm -rf "$dst.tmp/tests"
    (cd "$dst.tmp" && GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local go mod vendor)
    touch "$dst.tmp/.skywago-vendored"
    rm -rf "$dst" && mv "$dst.tmp" "$dst"
}

wheels() {
    # Wheels for the chroot's python3 (ABI-specific for tree-sitter), checked against the lock.
    local lock="$SKYWAGO_REPO/bazel/requirements_lock.txt"
    [ -f "$lock" ] || { sw_log "no $lock; skipping wheels"; return; }
    sw_chroot python3 -m pip download -q --disable-pip-version-check --no-deps --require-hashes \
        --only-binary=:all: -d "$SW_WHEELHOUSE" -r "$lock"
}

step host-tools host_tools
step debootstrap bootstrap
step configure configure
step mount sw_mount
step apt-install apt_install
step distfiles distfiles
step gazelle gazelle_module
step wheels wheels
sw_log "$(sw_chroot bazel --version 2>/dev/null | head -1), $(sw_chroot python3 --version) in $ROOT"
t1=$(date +%s.%N)
printf '[skywago-bazel] setup total %.1f s\n' "$(awk "BEGIN{print $t1-$_t_all}")" >&2
