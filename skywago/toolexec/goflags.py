"""The build flags of the go command that runs us, so the agent's packages are built exactly as
the rest of the program is (same cache keys for the standard library they share).

The go command does not pass its flags to toolexec programs. Its own command line is read from
/proc (Linux); GOFLAGS comes through the environment anyway. Only flags that change how shared
packages compile are forwarded.
"""

from __future__ import annotations

import os

FORWARDED_BOOL = {"-race", "-msan", "-asan", "-trimpath", "-linkshared"}
FORWARDED_VALUE = {"-tags", "-gcflags", "-asmflags", "-buildmode", "-installsuffix", "-compiler"}
# Value flags we must skip over (with their value) while scanning.
OTHER_VALUE = {
    "-o", "-p", "-ldflags", "-gccgoflags", "-toolexec", "-mod", "-modfile", "-overlay", "-pgo",
    "-pkgdir", "-covermode", "-coverpkg", "-exec", "-run", "-bench", "-count", "-timeout",
    "-cpu", "-parallel", "-skip", "-benchtime", "-coverprofile", "-cpuprofile", "-memprofile",
    "-blockprofile", "-mutexprofile", "-outputdir", "-trace", "-vet", "-fuzz", "-fuzztime",
    "-C", "-shuffle", "-json", "-fullpath",
}
GO_SUBCOMMANDS = {"build", "install", "run", "test", "vet", "list", "get"}


def parent_go_argv(pid: int | None = None) -> list[str]:
    """argv of the nearest ancestor that is the go command, or [] when it can't be found."""
    pid = os.getppid() if pid is None else pid
    for _ in range(4):
        argv = _cmdline(pid)
        if len(argv) >= 2 and os.path.basename(argv[0]) in ("go", "go.exe") and argv[1] in GO_SUBCOMMANDS:
            return argv
        pid = _ppid(pid)
        if pid <= 1:
            break
    return []


def forwarded_flags(go_argv: list[str]) -> list[str]:
    out: list[str] = []
    args = go_argv[2:]
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if not arg.startswith("-"):
            continue
        name, eq, value = arg.partition("=")
        name = "-" + name.lstrip("-")
        if name in FORWARDED_BOOL:
            if not eq or value in ("true", "1"):
                out.append(name)
        elif name in FORWARDED_VALUE:
            if not eq and i < len(args):
                value = args[i]
                i += 1
            out.append(f"{name}={value}")
        elif name in OTHER_VALUE and not eq:
            i += 1
    return out


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
