"""skywago trace: a hand-built trace across two processes and two goroutines, rendered."""

import json

from skywago import trace_view

T0 = 1_700_000_000_000  # epoch ms


def span(span_id, parent, op, kind, start, end, peer="", refs=(), tags=(), error=False):
    return {"spanId": span_id, "parentSpanId": parent, "startTime": T0 + start, "endTime": T0 + end,
            "refs": list(refs), "operationName": op, "peer": peer, "spanType": kind, "spanLayer": "Unknown",
            "componentId": 0, "isError": error, "tags": [{"key": k, "value": v} for k, v in tags],
            "logs": [], "skipAnalysis": False}


def ref(ref_type, parent_segment, parent_span):
    return {"refType": ref_type, "traceId": "trace-1", "parentTraceSegmentId": parent_segment,
            "parentSpanId": parent_span, "parentService": "frontend", "parentServiceInstance": "f-1",
            "parentEndpoint": "GET:/checkout", "networkAddressUsedAtPeer": "payments:8080"}


def segment(segment_id, service, spans, trace_id="trace-1"):
    return {"traceId": trace_id, "traceSegmentId": segment_id, "service": service,
            "serviceInstance": service + "-1", "spans": spans, "isSizeLimited": False}


# Process "frontend": the request goroutine, plus a goroutine it started during "render".
FRONT_MAIN = segment("front-main", "frontend", [
    span(0, -1, "GET:/checkout", "Entry", 0, 100, tags=[("http.method", "GET")]),
    span(1, 0, "render", "Local", 10, 40),
    span(2, 0, "POST:/pay", "Exit", 50, 90, peer="payments:8080"),
])
FRONT_WORKER = segment("front-worker", "frontend", [
    span(0, -1, "audit", "Local", 20, 30, refs=[ref("CrossThread", "front-main", 1)]),
])
# Process "payments", called by the Exit span above.
PAYMENTS = segment("payments-1", "payments", [
    span(0, -1, "POST:/pay", "Entry", 55, 85, refs=[ref("CrossProcess", "front-main", 2)],
         tags=[("http.status_code", "500")], error=True),
    span(1, 0, "INSERT payments", "Exit", 60, 70, peer="db:5432"),
])
OTHER_TRACE = segment("lonely", "frontend", [span(0, -1, "GET:/health", "Entry", 200, 201)], trace_id="trace-2")


def write_file(tmp_path):
    # Children before parents, foreign output and a broken line: order and noise must not matter.
    lines = ["listening on :8080", json.dumps(PAYMENTS), "{not json", json.dumps(FRONT_WORKER),
             json.dumps(OTHER_TRACE), "panic: nothing, just app output", json.dumps(FRONT_MAIN)]
    path = tmp_path / "segments.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def rows(output):
    """(bar, text) of the span lines of the first trace."""
    first_trace = output.split("\n\n")[0].splitlines()
    assert first_trace[0].startswith("trace trace-1")
    result = []
    for line in first_trace[1:]:
        _, bar, text = line.split("|", 2)
        result.append((bar, text[1:]))
    return result


def test_tree_order_depth_and_bars(tmp_path, capsys):
    assert trace_view.main([str(write_file(tmp_path)), "--width", "10"]) == 0
    out = capsys.readouterr().out
    got = rows(out)
    # (operation, depth, bar) in display order; 100 ms over 10 cells = 10 ms a cell.
    want = [
        ("GET:/checkout", 0, "\u2588" * 10),
        ("render", 1, " " + "\u2588" * 3 + " " * 6),
        ("audit", 2, "  \u2588" + " " * 7),
        ("POST:/pay -> payments:8080", 1, " " * 5 + "\u2588" * 4 + " "),
        ("POST:/pay", 2, " " * 5 + "\u2588" * 4 + " "),  # 55..85 ms: cells 5 to 8
        ("INSERT payments -> db:5432", 3, " " * 6 + "\u2588" + " " * 3),
    ]
    assert len(got) == len(want)
    for (bar, text), (op, depth, want_bar) in zip(got, want):
        assert bar == want_bar, (op, bar)
        indent = len(text) - len(text.lstrip(" "))
        assert indent == 2 * depth, (op, text)
        assert text.lstrip(" ").split(None, 1)[1].startswith(op), text
    header = out.splitlines()[0]
    assert "3 segments, 6 spans, 100 ms" in header
    assert "services: frontend, payments" in header


def test_line_details(tmp_path, capsys):
    trace_view.main([str(write_file(tmp_path)), "--width", "10"])
    lines = capsys.readouterr().out.splitlines()
    entry_b = next(l for l in lines if "Entry POST:/pay" in l)
    assert entry_b.lstrip().startswith("30 ms")
    assert "[payments]" in entry_b and "ERROR" in entry_b and "(CrossProcess)" in entry_b
    assert "http.status_code=500" in entry_b
    audit = next(l for l in lines if "audit" in l)
    assert "(CrossThread)" in audit and "[frontend]" in audit and "ERROR" not in audit
    assert "\033[" not in "\n".join(lines), "no colour when stdout is not a terminal"


def test_second_trace_and_filter(tmp_path, capsys):
    path = str(write_file(tmp_path))
    trace_view.main([path])
    out = capsys.readouterr().out
    traces = out.split("\n\n")
    assert len(traces) == 2 and traces[1].startswith("trace trace-2")
    assert len(traces[0].splitlines()[1].split("|")[1]) == 40, "default bar width"

    assert trace_view.main([path, "--trace", "trace-2", "--ascii", "--width", "4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("trace trace-2") and len(out) == 2
    assert out[1].split("|")[1] == "####"


def test_missing_parent_and_omitted_defaults(tmp_path, capsys):
    # A segment whose parent process wrote elsewhere, with proto3 defaults left out
    # (spanId 0, spanType Entry, isError false).
    orphan = {"traceId": "t", "traceSegmentId": "s", "service": "svc", "spans": [
        {"parentSpanId": -1, "startTime": str(T0), "endTime": str(T0 + 5), "operationName": "GET:/x",
         "refs": [{"parentTraceSegmentId": "elsewhere", "parentSpanId": 3}]}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(orphan) + "\n")
    assert trace_view.main([str(path), "--width", "5"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert "|\u2588\u2588\u2588\u2588\u2588|" in line and "Entry GET:/x" in line and "(CrossProcess)" in line


def test_no_segments_and_bad_arguments(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("just app output\n")
    assert trace_view.main([str(empty)]) == 1
    assert "no segments" in capsys.readouterr().err
    assert trace_view.main([str(tmp_path / "missing.json")]) == 2
    assert trace_view.main([]) == 2
    assert trace_view.main([str(empty), "--width", "0"]) == 2
