"""//tools:sdk_test: the instrumented SDK (@skywago_go_sdk) has the runtime and net/http rewritten by
the engine's rules, nothing refused, and the edited files carry no //line directive (they stay in
place, so positions are the original ones).

Named *_check.py so pytest does not collect it.
"""
import json
import sys


def main(summary_path, *edited):
    with open(summary_path) as f:
        summary = json.load(f)
    packages = summary["packages"]
    assert packages["runtime"]["rules"] == ["runtime"], packages.get("runtime")
    assert packages["runtime"]["edited"] == ["proc.go", "runtime2.go"], packages["runtime"]
    assert "skywago_runtime.go" in packages["runtime"]["added"]
    assert packages["net/http"]["rules"] == ["plugin:nethttp"], packages.get("net/http")
    assert "nethttp" in summary["plugins"]
    assert summary["warnings"] == [], summary["warnings"]
    for path in edited:
        with open(path, "rb") as f:
            content = f.read()
        assert not content.startswith(b"//line"), path
        assert b"skywagoInherited" in content, path
    print("ok:", summary["go_version"], "instrumented:", ", ".join(f"{p} ({', '.join(v['rules'])})" for p, v in packages.items()))


if __name__ == "__main__":
    main(*sys.argv[1:])
