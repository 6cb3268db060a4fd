"""`skywago trace FILE`: render file-reporter output as trace trees with a terminal waterfall.

The file reporter writes one SkyWalking SegmentObject (proto3 JSON) per line, possibly mixed with
the application's own output when it writes to stderr; lines that are not segments are skipped.
Segments are grouped by trace id and stitched into one tree per trace through their refs: a
segment's first span hangs under the span its ref names (the goroutine's creator for
CrossThread, the calling Exit span for CrossProcess).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field

FULL_BLOCK = "\u2588"


@dataclass
class SpanNode:
    segment: dict
    span: dict
    children: list[SpanNode] = field(default_factory=list)
    via: str = ""  # "CrossThread" / "CrossProcess" when this span starts a segment with a ref

    # Proto3 JSON leaves out default values (0, false, the first enum value): hence the defaults.
    @property
    def start(self) -> int:
        return int(self.span.get("startTime", 0))

    @property
    def end(self) -> int:
        return int(self.span.get("endTime", self.start))

    @property
    def key(self) -> tuple[str, int]:
        return (self.segment.get("traceSegmentId", ""), int(self.span.get("spanId", 0)))


def read_segments(lines) -> list[dict]:
    """The segments among the lines: JSON objects (or arrays of them, as POSTed) with spans."""
    segments = []
    for line in lines:
        line = line.strip()
        if not line.startswith(("{", "[")):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "traceId" in item and isinstance(item.get("spans"), list):
                segments.append(item)
    return segments


def build_traces(segments: list[dict]) -> list[list[SpanNode]]:
    """One list of root nodes per trace, traces ordered by start time, children by start time."""
    by_trace: dict[str, list[dict]] = {}
    for segment in segments:
        by_trace.setdefault(segment["traceId"], []).append(segment)
    traces = [_link(group) for group in by_trace.values()]
    return sorted(traces, key=lambda roots: min(r.start for r in roots))


def _link(segments: list[dict]) -> list[SpanNode]:
    nodes = {}
    for segment in segments:
        for span in segment["spans"]:
            node = SpanNode(segment, span)
            nodes[node.key] = node
    roots = []
    for node in nodes.values():
        parent = None
        parent_id = int(node.span.get("parentSpanId", 0))
        if parent_id >= 0:
            parent = nodes.get((node.key[0], parent_id))
        for ref in node.span.get("refs") or []:
            ref_parent = nodes.get((ref.get("parentTraceSegmentId", ""), int(ref.get("parentSpanId", 0))))
            node.via = ref.get("refType", "CrossProcess")
            if ref_parent is not None and parent is None:
                parent = ref_parent
        (parent.children if parent is not None else roots).append(node)
    order = lambda n: (n.start, n.key)  # noqa: E731
    for node in nodes.values():
        node.children.sort(key=order)
    return sorted(roots, key=order)


def walk(roots: list[SpanNode], depth: int = 0):
    """(depth, node) in display order: depth first, siblings by start time."""
    for node in roots:
        yield depth, node
        yield from walk(node.children, depth + 1)


def time_bar(start: int, end: int, trace_start: int, trace_ms: int, width: int, block: str) -> str:
    """The span's place on the trace's time axis: cells [floor(start), ceil(end)), at least one."""
    total = max(trace_ms, 1)
    first = min(width - 1, (start - trace_start) * width // total)
    last = min(width, -((trace_start - end) * width // total))  # ceiling division
    last = max(last, first + 1)
    return " " * first + block * (last - first) + " " * (width - last)


def key_tags(span: dict, limit: int = 3, value_width: int = 40) -> str:
    parts = []
    for tag in (span.get("tags") or [])[:limit]:
        value = str(tag.get("value", ""))
        if len(value) > value_width:
            value = value[: value_width - 1] + "\u2026"
        parts.append(f"{tag.get('key', '')}={value}")
    return " ".join(parts)


class Style:
    """ANSI colours, only when asked for; plain text otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled and text else text


def render(roots: list[SpanNode], width: int, block: str, style: Style) -> list[str]:
    trace_start = min(n.start for _, n in walk(roots))
    trace_end = max(n.end for _, n in walk(roots))
    trace_ms = trace_end - trace_start
    rows = list(walk(roots))
    segment_ids = {n.key[0] for _, n in rows}
    services = sorted({n.segment.get("service", "") for _, n in rows})
    header = (f"trace {roots[0].segment['traceId']}  {_count(len(segment_ids), 'segment')}, "
              f"{_count(len(rows), 'span')}, {trace_ms} ms, services: {', '.join(services)}")
    lines = [style(header, "1")]
    kind_colour = {"Entry": "32", "Exit": "35", "Local": "36"}
    for depth, node in rows:
        span = node.span
        kind = span.get("spanType", "Entry")
        bar = time_bar(node.start, node.end, trace_start, trace_ms, width, block)
        text = "  " * depth + style(f"{kind:<5}", kind_colour.get(kind, "0")) + " " + span.get("operationName", "")
        if span.get("peer"):
            text += f" -> {span['peer']}"
        extras = [style(f"[{node.segment.get('service', '')}]", "2")]
        if node.via:
            extras.append(f"({node.via})")
        if span.get("isError"):
            extras.append(style("ERROR", "31;1"))
        if tags := key_tags(span):
            extras.append(tags)
        lines.append(f"{node.end - node.start:>7} ms |{bar}| {text}  {' '.join(extras)}")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _can_encode(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "ascii")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="skywago trace",
                                     description="Render file-reporter output as trace trees.")
    parser.add_argument("file", help="segments file (one JSON segment a line; '-' for stdin)")
    parser.add_argument("--width", type=int, default=40, help="width of the time bar (default 40)")
    parser.add_argument("--trace", default="", help="only the trace whose id starts with this")
    parser.add_argument("--ascii", action="store_true", help="draw bars with '#' instead of blocks")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.width < 1:
        print("skywago trace: --width must be at least 1", file=sys.stderr)
        return 2
    try:
        if args.file == "-":
            segments = read_segments(sys.stdin)
        else:
            with open(args.file, encoding="utf-8", errors="replace") as f:
                segments = read_segments(f)
    except OSError as e:
        print(f"skywago trace: {e}", file=sys.stderr)
        return 2
    traces = [t for t in build_traces(segments) if t[0].segment["traceId"].startswith(args.trace)]
    if not traces:
        print(f"skywago trace: no segments found in {args.file}", file=sys.stderr)
        return 1
    block = "#" if args.ascii or not _can_encode(FULL_BLOCK) else FULL_BLOCK
    style = Style(sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    for i, roots in enumerate(traces):
        if i:
            print()
        print("\n".join(render(roots, args.width, block, style)))
    return 0
