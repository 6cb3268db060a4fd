"""The interception rule of one plugin target: a call of every matched function first runs the
plugin's <advice>Before (which may change the arguments, set the results and skip the body),
and its <advice>After runs when the function returns (seeing and able to change the results).

At the line of the opening brace, with no new line:

    func (c *Client) do(req *Request) (skywagoR0 *Response, skywagoR1 error) { if skywagoInv := \
        skywagoBefore_nethttp_1(c, &req, &skywagoR0, &skywagoR1); skywagoInv != nil { if \
        skywagoInv.Skip { return }; defer skywagoAfter_nethttp_1(skywagoInv, c, &req, &skywagoR0, &skywagoR1) };

(Before returns nil when no agent is linked: then nothing is allocated or deferred.)

Unnamed parameters and results get names (an insertion on their own line); the glue functions
recover any panic of the advice, so an interceptor can never crash the application.
"""

from __future__ import annotations

import dataclasses
import re

import tree_sitter

from skywago.engine import versions
from skywago.engine.api import PackageInput, RewriteError
from skywago.engine.edits import Edit
from skywago.engine.gosource import GoFile, field_insertion
from skywago.engine.plugins import Intercept, Plugin, Target
from skywago.engine.rules import Rule
from skywago.engine.transforms import abi
from skywago.engine.workspace import PackageWorkspace


# What a file of plugins/_shared/ is called in the package it is compiled into.
SHARED_FILE_PREFIX = "skywago_shared_"


@dataclasses.dataclass
class _GlueParam:
    name: str  # as the glue function names it
    type_text: str  # its type in the glue's signature (pointer to the original for args/results)
    argument: str  # what the call site passes


class InterceptRule(Rule):
    """Plugin interceptors (Before/After advice) on matched functions."""

    def __init__(self, plugin: Plugin, target: Target):
        self.plugin = plugin
        self.target = target
        self.name = f"plugin:{plugin.name}"

    def matches(self, pkg: PackageInput) -> str | None:
        if pkg.import_path != self.target.package:
            return None
        if not self._in_range(pkg) and any(other._in_range(pkg) for other in self._siblings()):
            return None  # another target of the plugin has the advice for this version
        what = ", ".join(i.display for i in self.target.intercepts)
        fields = ", ".join(f"{f.struct}.{f.name}" for f in self.target.fields)
        return f"{self.plugin.library}: intercepts {what}" + (f"; adds {fields}" if fields else "")

    def rewrite(self, ws: PackageWorkspace) -> None:
        self._check_version(ws.pkg)
        for index, intercept in enumerate(self.target.intercepts):
            self._intercept(ws, index, intercept)
        by_struct: dict[str, list] = {}
        for field in self.target.fields:
            by_struct.setdefault(field.struct, []).append(field)
        for struct, fields in by_struct.items():
            self._add_fields(ws, struct, fields)
        package = ws.package_name
        for file_name, content in self.target.code:
            ws.add_raw_file(f"skywago_{self.plugin.name}_{file_name}", _with_package(content, package, file_name, self))
        for file_name, content in self.target.shared:
            # One copy per package, whichever plugins targeting it name the file.
            ws.add_raw_file(SHARED_FILE_PREFIX + file_name, _with_package(content, package, file_name, self), shared=True)
        abi.add_to(ws)

    # --- version ---------------------------------------------------------------------------------
    def _siblings(self) -> list["InterceptRule"]:
        """The plugin's other targets for the same package (advice for other version ranges)."""
        return [InterceptRule(self.plugin, t) for t in self.plugin.targets
                if t is not self.target and t.package == self.target.package]

    def _version(self, pkg: PackageInput) -> str:
        if self.target.module == "std":
            return pkg.go_version
        return pkg.module_versions.get(self.target.module, "")

    def _in_range(self, pkg: PackageInput) -> bool:
        version = self._version(pkg)
        try:
            return bool(version) and versions.in_range(version, self.target.versions)
        except versions.VersionError:
            return False

    def _check_version(self, pkg: PackageInput) -> None:
        version = self._version(pkg)
        if not version:
            self._fail(pkg, f"the version of module {self.target.module} is unknown (a replaced or local copy?); "
                            f"set it under [build.module_versions] in the skywago config")
        try:
            ok = versions.in_range(version, self.target.versions)
        except versions.VersionError:
            ok = False
        if not ok:
            ranges = " or ".join(repr(t.target.versions) for t in [self, *self._siblings()])
            self._fail(pkg, f"{self.target.module} {version} is outside the plugin's range {ranges}")

    # --- functions -------------------------------------------------------------------------------
    def _intercept(self, ws: PackageWorkspace, index: int, intercept: Intercept) -> None:
        name, go_file, fn_node = self._find(ws, intercept)
        glue_id = f"{_ident(self.plugin.name)}_{index}"
        params: list[_GlueParam] = []
        type_params = ""

        receiver = fn_node.child_by_field_name("receiver")
        if receiver is not None:
            (decl,) = [c for c in receiver.named_children if c.type == "parameter_declaration"]
            recv_name = self._ensure_name(ws, name, go_file, decl, "skywagoRecv")
            recv_type = go_file.text(decl.child_by_field_name("type"))
            type_params = _receiver_type_params(ws, recv_type)
            params.append(_GlueParam("recv", recv_type, recv_name))
        else:
            tp = fn_node.child_by_field_name("type_parameters")
            type_params = go_file.text(tp) if tp is not None else ""

        for i, (decl, param_name) in enumerate(self._named_params(ws, name, go_file, fn_node.child_by_field_name("parameters"), "skywagoP")):
            type_text = go_file.text(decl.child_by_field_name("type"))
            if decl.type == "variadic_parameter_declaration":
                type_text = "[]" + type_text
            params.append(_GlueParam(f"p{i}", "*" + type_text, "&" + param_name))

        result = fn_node.child_by_field_name("result")
        if result is not None and result.type != "parameter_list":
            # A single unnamed result: `error` becomes `(skywagoR0 error)`.
            ws.edit(name, Edit.insert(result.start_byte, "(skywagoR0 ", self.name))
            ws.edit(name, Edit.insert(result.end_byte, ")", self.name))
            params.append(_GlueParam("r0", "*" + go_file.text(result), "&skywagoR0"))
        elif result is not None:
            for i, (decl, result_name) in enumerate(self._named_params(ws, name, go_file, result, "skywagoR")):
                params.append(_GlueParam(f"r{i}", "*" + go_file.text(decl.child_by_field_name("type")), "&" + result_name))

        call_args = ", ".join(p.argument for p in params)
        before = f"skywagoBefore_{glue_id}"
        after = f"skywagoAfter_{glue_id}"
        body = fn_node.child_by_field_name("body")
        inserted = (
            f" if skywagoInv := {before}({call_args}); skywagoInv != nil {{ if skywagoInv.Skip {{ return }}; "
            f"defer {after}(skywagoInv{', ' if call_args else ''}{call_args}) }};"
        )
        ws.edit(name, Edit.insert(body.start_byte + 1, inserted, self.name))
        ws.add_file(
            f"skywago_{_ident(self.plugin.name)}_glue_{index}.go",
            "intercept.go.j2",
            imports=_imports_for_types(go_file, [p.type_text for p in params] + [type_params]),
            plugin=self.plugin.name,
            glue_id=glue_id,
            advice=intercept.advice,
            type_params=type_params,
            params=params,
        )

    def _find(self, ws: PackageWorkspace, intercept: Intercept) -> tuple[str, GoFile, tree_sitter.Node]:
        found = []
        for name, go_file in ws.parsed_files(containing=intercept.function.encode()):
            for fn in go_file.funcs():
                if fn.name != intercept.function or _strip_type_args(fn.receiver_type) != _strip_type_args(intercept.receiver):
                    continue
                if intercept.params is not None and tuple(p.type_text for p in fn.params) != intercept.params:
                    continue
                if intercept.results is not None and tuple(r.type_text for r in fn.results) != intercept.results:
                    continue
                if fn.body is None:
                    continue
                found.append((name, go_file, fn.node))
        if len(found) != 1:
            self._fail(ws.pkg, f"expected one function {intercept.display} with the declared signature, found {len(found)}")
        return found[0]

    def _named_params(self, ws, file_name, go_file: GoFile, param_list, prefix):
        """(declaration, name) for each parameter, naming unnamed and blank ones in place."""
        out = []
        index = 0
        for decl in param_list.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            names = decl.children_by_field_name("name")
            if not names:
                new = f"{prefix}{index}"
                ws.edit(file_name, Edit.insert(decl.start_byte, new + " ", self.name))
                out.append((decl, new))
                index += 1
                continue
            for name_node in names:
                text = go_file.text(name_node)
                if text == "_":
                    text = f"{prefix}{index}"
                    ws.edit(file_name, Edit(name_node.start_byte, name_node.end_byte, text, self.name))
                out.append((decl, text))
                index += 1
        return out

    def _ensure_name(self, ws, file_name, go_file: GoFile, decl, new: str) -> str:
        name_node = decl.child_by_field_name("name")
        if name_node is None:
            ws.edit(file_name, Edit.insert(decl.start_byte, new + " ", self.name))
            return new
        text = go_file.text(name_node)
        if text == "_":
            ws.edit(file_name, Edit(name_node.start_byte, name_node.end_byte, new, self.name))
            return new
        return text

    # --- fields ----------------------------------------------------------------------------------
    def _add_fields(self, ws: PackageWorkspace, struct_name: str, fields: list) -> None:
        """The fields, in one insertion before the struct's closing brace."""
        declared = "; ".join(f"{f.name} {f.type}" for f in fields)
        for name, go_file in ws.parsed_files(containing=struct_name.encode()):
            struct = go_file.struct_type(struct_name)
            if struct is None:
                continue
            body = struct.named_children[-1]
            closing = body.end_byte - 1
            text = field_insertion(go_file.content, closing, declared)
            ws.edit(name, Edit.insert(closing, text, self.name))
            return
        self._fail(ws.pkg, f"no struct {struct_name} to add field {', '.join(f.name for f in fields)} to")

    def _fail(self, pkg: PackageInput, reason: str):
        raise RewriteError(pkg.import_path, self.name, reason)


def _with_package(content: bytes, package: str, file_name: str, rule: InterceptRule) -> bytes:
    """The advice file, compiled as part of the target package."""
    go_file = GoFile(file_name, content)
    for child in go_file.root.children:
        if child.type == "package_clause":
            ident = child.named_children[0]
            return content[: ident.start_byte] + package.encode() + content[ident.end_byte :]
    raise RewriteError(rule.target.package, rule.name, f"{file_name} has no package clause")


_QUALIFIER = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]")


def _imports_for_types(go_file: GoFile, type_texts: list[str]) -> list[tuple[str, str]]:
    """(name, path) imports the glue needs for qualified types such as time.Time, resolved
    through the imports of the file that declares the intercepted function."""
    by_name = {(alias or _package_name_guess(path)): path for path, alias in go_file.imports().items()}
    needed = sorted({q for text in type_texts for q in _QUALIFIER.findall(text)})
    return [(name, by_name[name]) for name in needed if name in by_name]


def _package_name_guess(path: str) -> str:
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    return re.sub(r"\.v\d+$", "", last).removeprefix("go-").replace("-", "_")


def _strip_type_args(receiver: str) -> str:
    return receiver.split("[", 1)[0]


def _ident(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def _receiver_type_params(ws: PackageWorkspace, receiver_type: str) -> str:
    """`*Cache[K]` -> `[K comparable]`, with constraints from the type's declaration."""
    if "[" not in receiver_type:
        return ""
    base, _, args = receiver_type.lstrip("*").partition("[")
    names = [a.strip() for a in args.rstrip("]").split(",")]
    for _, go_file in ws.parsed_files():
        for decl in go_file.root.children:
            if decl.type != "type_declaration":
                continue
            for spec in go_file.descendants(decl, "type_spec"):
                if go_file.text(spec.child_by_field_name("name")) != base:
                    continue
                tparams = spec.child_by_field_name("type_parameters")
                constraints = []
                for tp in tparams.named_children:
                    constraint = tp.child_by_field_name("type")
                    for _ in tp.children_by_field_name("name"):
                        constraints.append(go_file.text(constraint))
                pairs = [f"{n} {c}" for n, c in zip(names, constraints)]
                return "[" + ", ".join(pairs) + "]"
    raise RewriteError(ws.pkg.import_path, "engine", f"cannot find the declaration of generic type {base}")
