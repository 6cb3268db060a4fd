"""The ABI helper file added to instrumented (non-runtime) packages: a bodyless linkname to the
runtime's tracer table and small helpers over it. See docs/ABI.md."""

from __future__ import annotations

from skywago.engine.workspace import PackageWorkspace

ADDED_FILE = "skywago_abi.go"
LOCAL_SPAN = "skywagoLocalSpan"
ABI_VERSION = 1


def add_to(ws: PackageWorkspace) -> None:
    ws.add_file(ADDED_FILE, "abi.go.j2", abi_version=ABI_VERSION)
    ws.has_bodyless_funcs = True
