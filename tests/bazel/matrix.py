"""The Bazel front door beyond what CI runs (one Go release, one rules_go, the host's platform):
tests/bazel/matrix.sh runs this. Each case prints what it checked and how long it took.

    matrix.py [CASE...]          (default: every case; root, after scripts/bazel/setup.sh)

Cases:
  go-1.26.0   the workspace of tests/bazel/versions with its go_sdk.download switched to Go 1.26.0
              (CI: 1.26.8; an older minor cannot build it: its golang.org/x/sys v0.48.0 needs
              go >= 1.26.0) and nothing else: skywago declares no SDK of its own, so the instrumented program
              is built with Go 1.26.0 (what `go version` reads in the binary), as is the plain
              one, and it traces (mux's route span, skywago.config's [agent] defaults).
  arm64       --platforms=@rules_go//go/toolchain:linux_arm64: a cross build of the instrumented
              program (on the linux_amd64 host's instrumented SDK); the ELF machine is AArch64;
              run under qemu-aarch64 (Debian's qemu-user, scripts/debian-packages.d/bazel-cross.txt)
              it serves and traces as the amd64 build does.

A case that switches pins works on a copy of tests/bazel/versions at tests/bazel/matrix-<case>/
(same depth: the relative overrides hold), removed at the end (its Bazel server shut down).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import frontdoors  # noqa: E402
import test_versions  # noqa: E402

REPO = HERE.parents[1]
VERSIONS_WS = test_versions.VERSIONS_WS
TARGETS = ("//:versions", "//:versions_traced")
MUX = test_versions.MUX
CHROOT_DISTDIR = "/var/cache/skywago-bazel/distdir"


def copy_ws(name: str, swaps: list[tuple[str, str]]) -> pathlib.Path:
    """tests/bazel/matrix-<name>: a copy of the versions workspace whose offline.MODULE.bazel has
    each (old, new) text swapped (each old must occur)."""
    dest = HERE / f"matrix-{name}"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(VERSIONS_WS, dest, ignore=shutil.ignore_patterns("bazel-*"))
    module = dest / "offline.MODULE.bazel"
    text = module.read_text()  # copytree followed the symlink: a file of its own
    module.unlink()
    for old, new in swaps:
        assert old in text, f"{old!r} not in offline.MODULE.bazel"
        text = text.replace(old, new)
    module.write_text(text)
    return dest


def go_sdk_swaps(version: str) -> list[tuple[str, str]]:
    """Switch the go_sdk.download pin from CI's release to `version` (the proxy's toolchain zip,
    put in Bazel's --distdir from the Go module cache)."""
    zip_name = f"v0.0.1-go{version}.linux-amd64.zip"
    found = subprocess.run(["go", "mod", "download", "-json", f"golang.org/toolchain@v0.0.1-go{version}.linux-amd64"],
                           capture_output=True, text=True, check=True, env={**os.environ, "GOFLAGS": "-mod=mod"})
    import json
    zip_path = pathlib.Path(json.loads(found.stdout)["Zip"])
    sha = subprocess.run(["sha256sum", str(zip_path)], capture_output=True, text=True, check=True).stdout.split()[0]
    distdir = frontdoors._chroot_root() / CHROOT_DISTDIR.lstrip("/")
    if not (distdir / zip_name).exists():
        shutil.copyfile(zip_path, distdir / zip_name)
    ci = "1.26.8"
    return [
        (f"v0.0.1-go{ci}.linux-amd64.zip", zip_name),
        ("30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7", sha),
        (f"golang.org/toolchain@v0.0.1-go{ci}.linux-amd64", f"golang.org/toolchain@v0.0.1-go{version}.linux-amd64"),
        (f'version = "{ci}"', f'version = "{version}"'),
    ]


def go_version_of(binary: pathlib.Path) -> str:
    done = subprocess.run(["go", "version", str(binary)], capture_output=True, text=True, check=True)
    return done.stdout.split()[-1]


def traces(binary: pathlib.Path, via: list[str] | None = None) -> dict:
    """Serve one request (through `via`, e.g. qemu); -> its Entry span, asserted like CI's test."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = pathlib.Path(tmp)
        run = binary
        if via:
            run = tmp_path / "run.sh"
            run.write_text(f'#!/bin/sh\nexec {" ".join(via)} {binary} "$@"\n')
            run.chmod(0o755)
        segment, _ = test_versions.serve_one_request(run, tmp_path / "serve", {})
    (entry,) = segment["spans"]
    assert (entry["operationName"], entry["componentId"]) == ("GET:/items/{id}", MUX), entry
    assert segment["service"] == "from-config", segment
    return entry


def case_go(version: str) -> None:
    ws = copy_ws(f"go-{version}", go_sdk_swaps(version))
    try:
        frontdoors.bazel("build", "--noshow_progress", *TARGETS, ws=ws)
        plain, traced = (frontdoors.bazel_output(t, ws=ws) for t in TARGETS)
        versions = go_version_of(plain), go_version_of(traced)
        print(f"  go version: plain {versions[0]}, instrumented {versions[1]}")
        assert versions == (f"go{version}", f"go{version}"), versions
        entry = traces(traced)
        print(f"  instrumented binary traces: {entry['operationName']} component {entry['componentId']}")
    finally:
        frontdoors.bazel("shutdown", ws=ws, check=False)
        shutil.rmtree(ws)


def case_arm64() -> None:
    flag = "--platforms=@rules_go//go/toolchain:linux_arm64"
    frontdoors.bazel("build", "--noshow_progress", flag, *TARGETS, ws=VERSIONS_WS)
    for target in TARGETS:
        binary = frontdoors.bazel_output(target, flag, ws=VERSIONS_WS)
        header = binary.read_bytes()[:20]
        machine = int.from_bytes(header[18:20], "little")
        print(f"  {target}: ELF machine {machine} ({'AArch64' if machine == 183 else '?'}), {go_version_of(binary)}")
        assert header[:4] == b"\x7fELF" and machine == 183, header
    qemu = shutil.which("qemu-aarch64")
    if not qemu:
        print("  qemu-aarch64 not installed (scripts/install-servers.sh): not run")
        return
    entry = traces(frontdoors.bazel_output(TARGETS[1], flag, ws=VERSIONS_WS), via=[qemu])
    print(f"  under qemu-aarch64 the instrumented binary traces: {entry['operationName']} component {entry['componentId']}")


CASES = {
    "go-1.26.0": lambda: case_go("1.26.0"),
    "arm64": case_arm64,
}


def main(argv: list[str]) -> int:
    os.environ.setdefault(frontdoors.BAZEL_ENV, "1")
    frontdoors.require_bazel()
    chosen = argv or list(CASES)
    unknown = set(chosen) - set(CASES)
    if unknown:
        sys.exit(f"unknown case(s) {sorted(unknown)}; have {list(CASES)}")
    failed = []
    for name in chosen:
        print(f"== {name}", flush=True)
        start = time.monotonic()
        try:
            CASES[name]()
        except Exception as err:  # noqa: BLE001 - report and go on with the next case
            failed.append(name)
            print(f"  FAILED: {type(err).__name__}: {str(err)[-3000:]}")
        print(f"  {name}: {'FAILED' if name in failed else 'ok'} in {time.monotonic() - start:.0f} s", flush=True)
    print(f"matrix: {len(chosen) - len(failed)}/{len(chosen)} ok" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
