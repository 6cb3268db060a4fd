"""The real SkyWalking OAP of tests/backend_oap.py: it serves on loopback only, it stores what the
agent's HTTP reporter sends (queried back over GraphQL, on H2 and on PostgreSQL). (A private OAP
stopped and started again on its ports: the backend outage test, tests/test_oap_transport.py.)"""

import uuid

import pytest

import backend_oap
import gotool
import services


@pytest.fixture(scope="module")
def httpchain(tmp_path_factory):
    out = tmp_path_factory.mktemp("httpchain-oap") / "httpchain"
    gotool.go_build(gotool.REPO / "examples" / "httpchain", out, toolexec=gotool.shim_path())
    return out


def test_shared_oap_listens_on_loopback_only(oap):
    listening = oap.listening_addresses()
    assert {oap.grpc_address, oap.http_address} <= listening
    assert all(address.startswith("127.0.0.1:") for address in listening), listening
    assert oap.graphql("{ version }")["version"]
    assert "GENERAL" in oap.graphql("{ listLayers }")["listLayers"]


def test_oap_stores_a_segment_sent_by_the_http_reporter(any_oap, httpchain):
    oap = any_oap
    name = f"fixture-{oap.storage}-{uuid.uuid4().hex[:6]}"
    port = services.free_port()
    env = {"SW_AGENT_NAME": name, "SW_AGENT_REPORTER_TYPE": "http",
           "SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE": oap.http_address, "SW_AGENT_REPORTER_FLUSH_INTERVAL": "100ms"}
    with services.service(httpchain, ["-listen", f"127.0.0.1:{port}"], port, env):
        assert services.get(f"http://127.0.0.1:{port}/price?item=tea") == (200, "300")

    (trace,) = backend_oap.wait_for(lambda: oap.traces(name, "GET:/price"), f"a trace of {name}")
    assert trace["endpointNames"] == ["GET:/price"] and not trace["isError"]
    (span,) = oap.trace(trace["traceIds"][0])
    assert (span["serviceCode"], span["type"], span["layer"], span["component"]) == (name, "Entry", "Http", "GoHttpServer")
    assert span["endpointName"] == "GET:/price" and span["refs"] == []
    assert span["tags"]["http.method"] == "GET" and span["tags"]["url"].endswith("/price?item=tea")
    assert span["tags"]["http.status_code"] == "200"
    assert span["endTime"] >= span["startTime"]
    assert [s["name"] for s in oap.services() if s["name"] == name] == [name]
    assert "GET:/price" in oap.endpoints(name)  # (and GET:/quit, how the test stopped it)

