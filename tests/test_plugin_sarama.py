"""sarama plugin, against sarama's own in-process mock broker (no Kafka; the plugin's traces across
a real broker are tests/test_plugin_mq.py's): a SyncProducer whose config.Version is older than
Kafka 0.11 cannot send record headers, and sarama refuses any message whose Headers is not nil
("Producing headers requires Kafka at least v0.11"). Instrumented, such a send must still
succeed (an Exit span, no context carried); from 0.11 on the message carries the trace.
tests/testdata/saramaversion knows nothing of tracing."""

import subprocess

import gotool
import traces

OLD, NEW = "0.10.2.0", "2.1.0"


def test_a_producer_older_than_kafka_0_11_sends_without_headers(tmp_path):
    app = gotool.copy_testdata("saramaversion", tmp_path)
    gotool.go_build(app, tmp_path / "plain")
    gotool.go_build(app, tmp_path / "traced", toolexec=gotool.shim_path())
    expected = f"{OLD}: sent\n{NEW}: sent\n"
    plain = subprocess.run([tmp_path / "plain", OLD, NEW], capture_output=True, text=True, timeout=120)
    assert plain.stdout == expected, plain.stdout + plain.stderr
    segments = tmp_path / "segments.json"
    traced = subprocess.run([tmp_path / "traced", OLD, NEW], capture_output=True, text=True, timeout=120,
                            env=gotool.go_env(SW_AGENT_REPORTER_FILE_PATH=str(segments)))
    assert traced.stdout == expected, traced.stdout + traced.stderr
    exits = [span for segment in traces.read_segments(segments) for span in segment["spans"]
             if span["spanType"] == "Exit"]
    assert [(s["operationName"], s["componentId"], s["isError"]) for s in exits] == \
        [("Kafka/orders/Producer", 40, False)] * 2, exits
