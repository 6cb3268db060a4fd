"""jinja2 templates for generated Go (skywago/templates/*.go.j2)."""

from __future__ import annotations

import functools
import importlib.resources

import jinja2


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _load(name: str) -> str:
    return importlib.resources.files("skywago.templates").joinpath(name).read_text("utf-8")


def render(template: str, **values) -> str:
    return _environment().get_template(template).render(**values)


def go_string(value: str) -> str:
    """A Go interpreted string literal for value."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
