"""Golden tests: tests/golden/<case>/input/*.go rewritten must equal expected/*.go.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_golden.py` and
review the diff: it is the reviewable record of what skywago does to code.
"""

import os
import pathlib
import tomllib

import pytest

from skywago.engine import BOOT_PACKAGE, PackageInput, SourceFile, default_rules, rewrite_package

GOLDEN = pathlib.Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "case.toml").exists())
# Each case: case.toml (import_path, optional is_main, plugins = folder of its own plugins,
# module_versions), input/*.go, and expected/ (the edited and added files).


def rewrite_case(case: pathlib.Path) -> dict[str, bytes]:
    spec = tomllib.loads((case / "case.toml").read_text())
    files = tuple(
        SourceFile(p.name, f"/src/{spec['import_path']}/{p.name}", p.read_bytes())
        for p in sorted((case / "input").glob("*.go"))
    )
    pkg = PackageInput(
        import_path=spec["import_path"],
        go_version="go1.26.8",
        files=files,
        is_main=spec.get("is_main", False),
        module_versions=spec.get("module_versions", {}),
        linkable_imports=frozenset({BOOT_PACKAGE}),
    )
    rules = default_rules()
    if "plugins" in spec:  # a case that brings its own plugin folder
        from skywago.engine.rules import builtin_rules, plugin_rules

        loaded, errors = plugin_rules([str(case / spec["plugins"])])
        assert not errors, errors
        rules = builtin_rules() + loaded
    result = rewrite_package(pkg, rules)
    return {**result.edited, **result.added}


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    case = GOLDEN / name
    actual = rewrite_case(case)
    expected_dir = case / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_dir.mkdir(exist_ok=True)
        for old in expected_dir.glob("*"):
            old.unlink()
        for file_name, content in actual.items():
            (expected_dir / file_name).write_bytes(content)
    expected = {p.name: p.read_bytes() for p in sorted(expected_dir.glob("*"))}
    assert sorted(actual) == sorted(expected)
    for file_name, content in expected.items():
        assert actual[file_name].decode() == content.decode(), file_name


@pytest.mark.parametrize("name", CASES)
def test_rewrite_keeps_every_line_in_place(name):
    """Edited files start with a //line directive; after it, line N is the user's line N, with
    only insertions (so stack traces and coverage point at real lines)."""
    case = GOLDEN / name
    for file_name, content in rewrite_case(case).items():
        source = case / "input" / file_name
        if not source.exists():
            continue  # an added file
        edited = content.decode().splitlines()
        assert edited[0].startswith("//line /src/") and edited[0].endswith(f"/{file_name}:1")
        original = source.read_text().splitlines()
        assert len(edited) - 1 == len(original)
        for before, after in zip(original, edited[1:]):
            assert _only_insertions(before, after), (file_name, before, after)


def _only_insertions(before: str, after: str) -> bool:
    """`after` is `before` with text inserted (blank `_` names may become real names): the
    characters of `before`, blanks aside, appear in `after` in order."""
    import re

    wanted = re.sub(r"\b_\b|\s", "", before)
    rest = iter(re.sub(r"\s", "", after))
    return all(ch in rest for ch in wanted)


def test_rewrite_is_deterministic():
    for name in CASES:
        assert rewrite_case(GOLDEN / name) == rewrite_case(GOLDEN / name)


def test_abi_template_mirrors_the_agents_table():
    """The struct instrumented packages declare (templates/abi.go.j2) must have the agent's
    TracerABI layout (skywago/agent/abi/abi.go) field for field: they meet through unsafe.Pointer."""
    import re

    def fields(text: str, type_name: str) -> list[tuple[str, str]]:
        body = text[text.index(f"type {type_name} struct {{"):]
        body = body[body.index("{") + 1 : body.index("\n}")]
        out = []
        for line in body.splitlines():
            line = line.split("//")[0].strip()
            if line:
                name, type_text = line.split(None, 1)
                out.append((name, re.sub(r"\s+", " ", type_text.replace("interface{}", "any"))))
        return out

    repo = pathlib.Path(__file__).resolve().parent.parent
    template = (repo / "skywago" / "templates" / "abi.go.j2").read_text()
    agent = (repo / "skywago" / "agent" / "abi" / "abi.go").read_text()
    assert fields(template, "skywagoTracerABI") == fields(agent, "TracerABI")
