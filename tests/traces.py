"""Reading what an instrumented program reported (file reporter: one SegmentObject JSON a line)."""

from __future__ import annotations

import json
import pathlib


def read_segments(path) -> list[dict]:
    segments = []
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.strip()
        if line.startswith("{"):
            segments.append(json.loads(line))
    return segments


def spans_by_name(segments) -> dict[str, list[tuple[dict, dict]]]:
    """operationName -> [(segment, span)]"""
    found: dict[str, list] = {}
    for segment in segments:
        for span in segment["spans"]:
            found.setdefault(span["operationName"], []).append((segment, span))
    return found


def one(spans_by, name) -> tuple[dict, dict]:
    matches = spans_by.get(name, [])
    assert len(matches) == 1, f"expected one span {name!r}, found {len(matches)}: {sorted(spans_by)}"
    return matches[0]


def tags(span) -> dict[str, str]:
    return {t["key"]: t["value"] for t in span.get("tags", [])}
