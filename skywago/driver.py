"""`skywago go build|install|run|test|vet|list [go flags] [packages]`: the go command with the
toolexec shim set; every other flag passes through untouched. (The installed `skywago` launcher
does the same in sh, skywago/bin/skywago `sw_go`, and comes here only to report a misuse.)"""

from __future__ import annotations

import os
import shutil
import subprocess

from absl import logging

from skywago.toolexec import shim

SUBCOMMANDS = ("build", "install", "run", "test", "vet", "list")


def go_binary() -> str:
    return os.environ.get("SKYWAGO_GO") or shutil.which("go") or "go"


def run(args: list[str]) -> int:
    if not args or args[0] not in SUBCOMMANDS:
        logging.error("usage: skywago go {%s} [go flags] [packages]", "|".join(SUBCOMMANDS))
        return 2
    if any(a in ("-toolexec", "--toolexec") or a.startswith(("-toolexec=", "--toolexec=")) for a in args):
        logging.error("skywago go sets -toolexec itself; use plain `go` to pass your own")
        return 2
    command = [go_binary(), args[0], f"-toolexec={shim.install()}", *args[1:]]
    logging.vlog(1, "running %s", command)
    return subprocess.call(command)
