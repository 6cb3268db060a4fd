#!/bin/sh
# traced_test.sh BINARY: the instrumented server (real rewriter, instrumented SDK, agent) answers its
# selftest like the plain one, and reports the request it served (Entry span GET:/hello, component
# 5004) and the request it sent (Exit span GET:/hello, component 5005) in one trace.
set -eu
out="${TEST_TMPDIR:-/tmp}/segments.json"
rm -f "$out"
got=$(SW_AGENT_NAME=ws SW_AGENT_REPORTER_FILE_PATH="$out" "$1" -selftest)
[ "$got" = "200 hello, bazel" ] || { echo "selftest: got '$got'" >&2; exit 1; }
for want in '"operationName":"GET:/hello"' '"spanType":"Entry"' '"spanType":"Exit"' '"componentId":5004' \
    '"componentId":5005' '"service":"ws"'; do
    grep -q "$want" "$out" || { echo "no $want in the reported segments:" >&2; cat "$out" >&2; exit 1; }
done
traces=$(grep -o '"traceId":"[^"]*"' "$out" | sort -u | wc -l)
[ "$traces" = 1 ] || { echo "expected one trace, got $traces:" >&2; cat "$out" >&2; exit 1; }
echo "ok: $1 -selftest traced: $(grep -c . "$out") segments, one trace"
