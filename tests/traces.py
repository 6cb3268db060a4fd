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


def cross_process_ref(parent: dict, parent_span: dict, endpoint: str, peer: str) -> dict:
    """The reference an Entry span has when it continues parent_span (an Exit span of segment
    parent) in another process: the SegmentReference the agent writes, as a dict to compare with
    the span's `refs` entry. endpoint: the parent segment's first Entry span's name; peer: the
    address the Exit span called (its `peer`)."""
    return {
        "refType": "CrossProcess",
        "traceId": parent["traceId"],
        "parentTraceSegmentId": parent["traceSegmentId"],
        "parentSpanId": parent_span["spanId"],
        "parentService": parent["service"],
        "parentServiceInstance": parent["serviceInstance"],
        "parentEndpoint": endpoint,
        "networkAddressUsedAtPeer": peer,
    }
