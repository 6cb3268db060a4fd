"""@skywago_pip//:site provides what the rewriter imports, at the locked versions, and they work.

Run by Bazel as //tools:py_deps_test (named *_check.py so pytest does not collect it).
"""
import importlib.metadata as md
import sys

import absl.flags  # noqa: F401
import jinja2
import tree_sitter
import tree_sitter_go

WANT = {"tree-sitter": "0.26.1", "tree-sitter-go": "0.25.0", "jinja2": "3.1.6", "absl-py": "2.5.1"}


def main():
    for dist, version in WANT.items():
        got = md.version(dist)
        assert got == version, f"{dist}: {got} != {version}"
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    tree = parser.parse(b"package main\n\nfunc main() { println(1) }\n")
    assert not tree.root_node.has_error, tree.root_node
    kinds = [c.type for c in tree.root_node.children]
    assert kinds == ["package_clause", "function_declaration"], kinds
    out = jinja2.Template("package {{ name }}").render(name="x")
    assert out == "package x", out
    print("ok: python", sys.version.split()[0], "from", tree_sitter.__file__)


if __name__ == "__main__":
    main()
