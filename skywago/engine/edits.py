"""Edits as splices of the original bytes.

A transform never re-prints a file: it returns (offset, offset, text) splices. Insertions never
contain a newline unless the transform also emits a `//line` directive, so line numbers of the
user's code stay where they were (panics, stack traces and coverage point at real lines).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    text: str
    origin: str = ""  # which rule asked for it, for conflict messages

    @classmethod
    def insert(cls, at: int, text: str, origin: str = "") -> "Edit":
        return cls(at, at, text, origin)


class EditConflict(ValueError):
    pass


def apply_edits(content: bytes, edits: list[Edit]) -> bytes:
    """Apply non-overlapping edits. Insertions at the same offset keep the order they were given."""
    indexed = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out: list[bytes] = []
    cursor = 0
    for _, edit in indexed:
        if edit.start < cursor:
            raise EditConflict(f"overlapping edits at byte {edit.start} ({edit.origin})")
        out.append(content[cursor : edit.start])
        out.append(edit.text.encode("utf-8"))
        cursor = edit.end
    out.append(content[cursor:])
    return b"".join(out)
