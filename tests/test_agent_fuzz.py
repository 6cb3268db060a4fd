"""Every decoder of the agent has a fuzz test (`func Fuzz*` in skywago/agent): each runs its seed
corpus as a plain test in `go test ./...`, and here, briefly, as a real fuzzing run (a few
seconds of `go test -fuzz`), so a decoder that panics or hangs on malformed input from a
backend fails CI."""

import pathlib
import re

import pytest

import gotool

AGENT = gotool.REPO / "skywago" / "agent"
FUZZ_SECONDS = "3s"


def fuzz_targets():
    found = []
    for path in sorted(AGENT.rglob("*_test.go")):
        for name in re.findall(r"^func (Fuzz\w+)\(f \*testing\.F\)", path.read_text(), re.M):
            found.append(("./" + str(path.parent.relative_to(AGENT)), name))
    return found


def test_every_decoder_package_has_a_fuzz_test():
    packages = {package for package, _ in fuzz_targets()}
    assert {"./internal/protowire", "./internal/h2", "./internal/grpcclient"} <= packages


@pytest.mark.parametrize("package,target", fuzz_targets(), ids=lambda v: v)
def test_fuzz(package, target):
    done = gotool.run(["go", "test", "-run", "^$", "-fuzz", f"^{target}$", "-fuzztime", FUZZ_SECONDS, package],
                      cwd=AGENT, env=gotool.go_env(), check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
