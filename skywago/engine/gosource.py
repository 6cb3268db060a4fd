"""Go source files as tree-sitter syntax trees, and the few structural queries the transforms need.

Everything here answers questions about the original bytes (offsets, names, types as written);
nothing here edits. Walking top-level declarations is much faster than whole-file queries on large
files such as runtime/proc.go.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Iterator

import tree_sitter
import tree_sitter_go


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


class GoSyntaxError(ValueError):
    """The file does not parse as Go."""


@dataclasses.dataclass(frozen=True)
class Param:
    name: str  # "" for an unnamed parameter
    type_text: str  # the type as written, e.g. "*g", "...interface{}"


@dataclasses.dataclass(frozen=True)
class FuncDecl:
    node: tree_sitter.Node
    name: str
    receiver_type: str  # "" for a plain function; e.g. "*Server", "Client[T]"
    params: tuple[Param, ...]
    results: tuple[Param, ...]
    doc_lines: tuple[str, ...]  # the comment lines directly above, in order

    @property
    def body(self) -> tree_sitter.Node | None:
        return self.node.child_by_field_name("body")

    @property
    def body_open(self) -> int:
        """Byte offset just after the opening brace of the body (where inserted code goes)."""
        body = self.body
        if body is None:
            raise ValueError(f"function {self.name} has no body")
        return body.start_byte + 1


class GoFile:
    """One parsed Go source file."""

    def __init__(self, name: str, content: bytes):
        self.name = name
        self.content = content
        self.tree = _parser().parse(content)
        self.root = self.tree.root_node
        self._funcs: list[FuncDecl] | None = None

    def check_syntax(self) -> None:
        if not self.root.has_error:
            return
        bad = _first_error(self.root)
        row, col = (bad.start_point.row + 1, bad.start_point.column + 1) if bad else (0, 0)
        raise GoSyntaxError(f"{self.name}:{row}:{col}: syntax error")

    def text(self, node: tree_sitter.Node) -> str:
        return self.content[node.start_byte : node.end_byte].decode("utf-8")

    @property
    def package_name(self) -> str:
        for child in self.root.children:
            if child.type == "package_clause":
                for part in child.children:
                    if part.type == "package_identifier":
                        return self.text(part)
        raise GoSyntaxError(f"{self.name}: no package clause")

    def imports(self) -> dict[str, str]:
        """Import path -> the name it is bound to in this file ("" when implicit)."""
        found: dict[str, str] = {}
        for decl in self.root.children:
            if decl.type != "import_declaration":
                continue
            for spec in _descendants_of_type(decl, "import_spec"):
                path_node = spec.child_by_field_name("path")
                name_node = spec.child_by_field_name("name")
                path = self.text(path_node).strip('"`')
                found[path] = self.text(name_node) if name_node is not None else ""
        return found

    def funcs(self) -> list[FuncDecl]:
        """Every top-level function and method, in order; computed once (a parsed file never
        changes: edits are recorded apart), since every intercept of a package looks them up."""
        if self._funcs is None:
            self._funcs = list(self._scan_funcs())
        return self._funcs

    def _scan_funcs(self) -> Iterator[FuncDecl]:
        children = self.root.children
        for index, decl in enumerate(children):
            if decl.type not in ("function_declaration", "method_declaration"):
                continue
            name = self.text(decl.child_by_field_name("name"))
            receiver = ""
            if decl.type == "method_declaration":
                receiver_params = self._params(decl.child_by_field_name("receiver"))
                receiver = receiver_params[0].type_text if receiver_params else ""
            results_node = decl.child_by_field_name("result")
            if results_node is None:
                results: tuple[Param, ...] = ()
            elif results_node.type == "parameter_list":
                results = self._params(results_node)
            else:
                results = (Param("", self.text(results_node)),)
            yield FuncDecl(
                node=decl,
                name=name,
                receiver_type=receiver,
                params=self._params(decl.child_by_field_name("parameters")),
                results=results,
                doc_lines=self._doc_lines(children, index),
            )

    def func(self, name: str, receiver_type: str = "") -> FuncDecl | None:
        for fn in self.funcs():
            if fn.name == name and fn.receiver_type == receiver_type:
                return fn
        return None

    def struct_type(self, name: str) -> tree_sitter.Node | None:
        """The `struct_type` node of a top-level `type NAME struct {...}`."""
        for decl in self.root.children:
            if decl.type != "type_declaration":
                continue
            for spec in _descendants_of_type(decl, "type_spec"):
                if self.text(spec.child_by_field_name("name")) == name:
                    type_node = spec.child_by_field_name("type")
                    if type_node is not None and type_node.type == "struct_type":
                        return type_node
        return None

    def descendants(self, node: tree_sitter.Node, node_type: str) -> Iterator[tree_sitter.Node]:
        return _descendants_of_type(node, node_type)

    def _params(self, node: tree_sitter.Node | None) -> tuple[Param, ...]:
        if node is None:
            return ()
        params: list[Param] = []
        for decl in node.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            type_node = decl.child_by_field_name("type")
            type_text = self.text(type_node) if type_node is not None else ""
            if decl.type == "variadic_parameter_declaration":
                type_text = "..." + type_text
            names = [self.text(n) for n in decl.children_by_field_name("name")]
            for name in names or [""]:
                params.append(Param(name, type_text))
        return tuple(params)

    def _doc_lines(self, siblings: list[tree_sitter.Node], index: int) -> tuple[str, ...]:
        """Line comments that end on the line right above siblings[index], contiguous."""
        lines: list[str] = []
        expected_row = siblings[index].start_point.row - 1
        i = index - 1
        while i >= 0 and siblings[i].type == "comment" and siblings[i].end_point.row == expected_row:
            lines.append(self.text(siblings[i]))
            expected_row = siblings[i].start_point.row - 1
            i -= 1
        return tuple(reversed(lines))


def _descendants_of_type(node: tree_sitter.Node, node_type: str) -> Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == node_type:
            yield current
        stack.extend(reversed(current.children))


def _first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current
        if current.has_error:
            stack.extend(reversed(current.children))
    return None


def field_insertion(content: bytes, closing_brace: int, fields: str) -> str:
    """Text to insert right before a struct's closing brace to declare `fields` there, on the
    brace's own line: a separating ';' only when the previous field ends on that line."""
    i = closing_brace - 1
    while i >= 0 and content[i : i + 1] in (b" ", b"\t"):
        i -= 1
    needs_separator = i >= 0 and content[i : i + 1] not in (b"\n", b"{", b";")
    return ("; " if needs_separator else "") + fields + " "
