"""The compile command line, as the go command writes it for every supported release.

Shapes differ by release and package (`-complete` only without assembly or cgo, `-symabis` and
`-asmhdr` only with assembly, `-embedcfg` only with //go:embed, `-std` for the standard library,
`-trimpath` holding `;`-separated rewrites), so nothing here depends on flag order: the Go files
are the trailing `.go` arguments, and the few flags we read are looked up by name.
"""

from __future__ import annotations

import dataclasses
import os


class UnknownArgumentShape(ValueError):
    pass


@dataclasses.dataclass
class CompileArgs:
    flags: list[str]  # everything before the Go files, as given
    files: list[str]  # the Go files, as given

    @classmethod
    def parse(cls, args: list[str]) -> "CompileArgs":
        args = expand_response_files(args)
        split = len(args)
        while split > 0 and args[split - 1].endswith(".go") and not args[split - 1].startswith("-"):
            split -= 1
        parsed = cls(flags=args[:split], files=args[split:])
        if not parsed.files:
            raise UnknownArgumentShape("no Go files at the end of the compile command")
        for required in ("-p", "-o"):
            if not parsed.value(required):
                raise UnknownArgumentShape(f"the compile command has no {required} flag")
        return parsed

    def value(self, name: str) -> str:
        prefix = name + "="
        for i, arg in enumerate(self.flags):
            if arg == name and i + 1 < len(self.flags):
                return self.flags[i + 1]
            if arg.startswith(prefix):
                return arg[len(prefix):]
        return ""

    def has(self, name: str) -> bool:
        return name in self.flags

    def with_value(self, name: str, value: str) -> "CompileArgs":
        """A copy with flag `name` set to value (it must already be present)."""
        flags = list(self.flags)
        for i, arg in enumerate(flags):
            if arg == name and i + 1 < len(flags):
                flags[i + 1] = value
                return CompileArgs(flags, list(self.files))
            if arg.startswith(name + "="):
                flags[i] = f"{name}={value}"
                return CompileArgs(flags, list(self.files))
        raise UnknownArgumentShape(f"the compile command has no {name} flag")

    def without(self, name: str) -> "CompileArgs":
        return CompileArgs([f for f in self.flags if f != name], list(self.files))

    @property
    def import_path_flag(self) -> str:
        return self.value("-p")

    @property
    def output(self) -> str:
        return self.value("-o")

    @property
    def work_dir(self) -> str:
        """The action's own directory ($WORK/bNNN), where the go command writes its outputs."""
        return os.path.dirname(os.path.abspath(self.output))

    def argv(self) -> list[str]:
        return [*self.flags, *self.files]


def expand_response_files(args: list[str]) -> list[str]:
    """The go command passes very long command lines as `@file` (one argument per line, quoted
    arguments in Go syntax); the tools expand them, and so must we to see the files."""
    out: list[str] = []
    for arg in args:
        if arg.startswith("@") and os.path.isfile(arg[1:]):
            with open(arg[1:], encoding="utf-8") as f:
                for line in f.read().splitlines():
                    out.append(_unquote(line) if line.startswith('"') else line)
        else:
            out.append(arg)
    return out


def _unquote(text: str) -> str:
    import ast

    return ast.literal_eval(text)


def read_importcfg(path: str) -> dict[str, str]:
    """packagefile entries: import path -> archive."""
    entries: dict[str, str] = {}
    if not path:
        return entries
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("packagefile "):
                name, _, file = line[len("packagefile "):].partition("=")
                entries[name] = file
    return entries
