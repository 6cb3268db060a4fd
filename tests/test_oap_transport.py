"""The SkyWalking reporters against a real OAP 10.1.0 (tests/backend_oap.py), asserted from what
the OAP's GraphQL API returns: the gRPC reporter (TraceSegmentReportService/collect, HTTP/2 and
protobuf written in the agent) and the HTTP one, each with SkyWalking's management calls, so a
client-only service and its instance's properties are listed; the authentication token; and a
backend outage (the OAP stopped and started again) that never blocks the application, keeps
memory within the queue bound, delivers everything recorded after the restart and reports the
drop count."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import time
import uuid

import pytest

import backend_oap
import frontdoors
import gotool
import services


@pytest.fixture(scope="module", params=frontdoors.FRONT_DOORS)
def binaries(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"oap-transport-{request.param}")
    return {name: frontdoors.build(request.param, name, out) for name in ("httpchain", "pinger")}


def reporter_env(oap, reporter, name, **extra):
    env = {"SW_AGENT_NAME": name, "SW_AGENT_REPORTER_FLUSH_INTERVAL": "200ms", "SW_AGENT_REPORTER_CHECK_INTERVAL": "2"}
    if reporter == "grpc":  # SkyWalking Go's setting alone selects the gRPC reporter
        env["SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE"] = oap.grpc_address
    else:
        env.update(SW_AGENT_REPORTER_TYPE="http", SW_AGENT_REPORTER_HTTP_BACKEND_SERVICE=oap.http_address)
    env.update(extra)
    return env


def run_pinger(binary, url, env, n=2, stay="0s"):
    done = subprocess.run([str(binary), "-url", url, "-n", str(n), "-stay", stay], env=gotool.go_env(**env),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("reporter", ["grpc", "http"])
def test_two_services_and_a_client_only_one_reach_the_oap(oap, binaries, reporter):
    tag = uuid.uuid4().hex[:6]
    backend, frontend, client = (f"{role}-{reporter}-{tag}" for role in ("backend", "frontend", "client"))
    bport, fport = services.free_port(), services.free_port()
    with services.service(binaries["httpchain"], ["-listen", f"127.0.0.1:{bport}"], bport,
                          reporter_env(oap, reporter, backend)), \
            services.service(binaries["httpchain"], ["-listen", f"127.0.0.1:{fport}", "-backend", f"http://127.0.0.1:{bport}"],
                             fport, reporter_env(oap, reporter, frontend)):
        pinged = run_pinger(binaries["pinger"], f"http://127.0.0.1:{fport}/checkout?item=tea&item=jam",
                            reporter_env(oap, reporter, client))
        assert pinged.stdout.split() == ["200", "total=600", "200", "total=600"]

    # Every service is listed, the client-only one too, each instance with SkyWalking's properties.
    names = {s["name"] for s in backend_oap.wait_for(
        lambda: [s for s in oap.services() if s["name"] in (backend, frontend, client)] if
        len([s for s in oap.services() if s["name"] in (backend, frontend, client)]) == 3 else None,
        "the three services")}
    assert names == {backend, frontend, client}
    for name in (backend, frontend, client):
        (instance,) = backend_oap.wait_for(lambda: [i for i in oap.instances(name) if i["attributes"]] or None,
                                           f"the instance of {name} with its properties")
        attributes = instance["attributes"]
        assert attributes["OS Name"] == "linux" and attributes["hostname"] == os.uname().nodename, attributes
        assert attributes["Process No."].isdigit(), attributes
        assert instance["language"] == "GO", instance

    # One trace: client Exit -> frontend Entry, its Exits -> backend Entries (CROSS_PROCESS refs).
    traces = backend_oap.wait_for(lambda: oap.traces(client) or None, f"a trace of {client}")
    spans = backend_oap.wait_for(
        lambda: (lambda s: s if len({x["serviceCode"] for x in s}) == 3 and len(s) >= 6 else None)(
            oap.trace(traces[0]["traceIds"][0])), "the whole trace")
    by_service = {}
    for span in spans:
        by_service.setdefault(span["serviceCode"], []).append(span)
    (client_exit,) = by_service[client]
    assert (client_exit["type"], client_exit["layer"]) == ("Exit", "Http")
    front_entry = next(s for s in by_service[frontend] if s["type"] == "Entry")
    assert front_entry["endpointName"] == "GET:/checkout"
    assert [r["type"] for r in front_entry["refs"]] == ["CROSS_PROCESS"]
    assert front_entry["refs"][0]["parentSegmentId"] == client_exit["segmentId"]
    back_entries = [s for s in by_service[backend] if s["type"] == "Entry"]
    assert len(back_entries) == 2 and all(s["refs"][0]["type"] == "CROSS_PROCESS" for s in back_entries)
    assert {s["tags"]["url"].rsplit("=", 1)[1] for s in back_entries} == {"tea", "jam"}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))


def self_signed_certificate(tmp_path):
    """A certificate for 127.0.0.1 and its PKCS#8 key (what the OAP's gRPC TLS wants)."""
    cert, key = tmp_path / "oap.crt", tmp_path / "oap.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=oap",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_backend_outage_and_restart_with_tls_and_authentication(binaries, tmp_path):
    """One private OAP whose gRPC port speaks TLS only and requires a token (the agent's
    SW_AGENT_REPORTER_GRPC_TLS_* and SW_AGENT_REPORTER_GRPC_AUTHENTICATION), stopped and started
    again while a gRPC-reporting and an HTTP-reporting service keep serving: requests never wait
    on the backend, memory stays within the queue bound, everything recorded after the restart
    arrives, and the drop count is reported once."""
    tag = uuid.uuid4().hex[:6]
    names = {"grpc": f"outage-grpc-{tag}", "http": f"outage-http-{tag}"}
    cert, key = self_signed_certificate(tmp_path)
    tls = {"SW_AGENT_REPORTER_GRPC_TLS_ENABLE": "true", "SW_AGENT_REPORTER_GRPC_TLS_CA_PATH": str(cert)}
    with backend_oap.run_oap(extra_env={"SKYWAGO_OAP_AUTHENTICATION": "s3cr3t", "SKYWAGO_OAP_GRPC_SSL_ENABLED": "true",
                                        "SKYWAGO_OAP_GRPC_SSL_KEY_PATH": str(key),
                                        "SKYWAGO_OAP_GRPC_SSL_CERT_CHAIN_PATH": str(cert),
                                        "SKYWAGO_OAP_GRPC_SSL_TRUSTED_CA_PATH": str(cert)}) as oap:
        # A wrong token: refused, nothing stored. Cleartext to a TLS port: refused too.
        wrong = f"auth-wrong-{tag}"
        refused = run_pinger(binaries["pinger"], "http://127.0.0.1:1/", reporter_env(
            oap, "grpc", wrong, SW_AGENT_REPORTER_GRPC_AUTHENTICATION="wrong", **tls), n=0, stay="3s")
        cleartext = run_pinger(binaries["pinger"], "http://127.0.0.1:1/", reporter_env(
            oap, "grpc", wrong, SW_AGENT_REPORTER_GRPC_AUTHENTICATION="s3cr3t"), n=0, stay="2s")

        ports = {r: services.free_port() for r in names}
        queue = {"SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE": "50", "SW_AGENT_REPORTER_BATCH_SIZE": "10",
                 "SW_AGENT_REPORTER_MAX_BACKOFF": "1s", "SW_AGENT_REPORTER_SEND_TIMEOUT": "1s",
                 "SW_AGENT_REPORTER_GRPC_AUTHENTICATION": "s3cr3t", **tls}
        with services.service(binaries["httpchain"], ["-listen", f"127.0.0.1:{ports['grpc']}"], ports["grpc"],
                              reporter_env(oap, "grpc", names["grpc"], **queue)) as grpc_proc, \
                services.service(binaries["httpchain"], ["-listen", f"127.0.0.1:{ports['http']}"], ports["http"],
                                 reporter_env(oap, "http", names["http"], **queue)) as http_proc:
            procs = {"grpc": grpc_proc, "http": http_proc}
            urls = {r: f"http://127.0.0.1:{ports[r]}/price?item=" for r in names}
            for r in names:
                assert services.get(urls[r] + "before") == (200, "600")
                backend_oap.wait_for(lambda: oap.traces(names[r]) or None, f"the first trace of {names[r]}")
            oap.stop()
            baseline = {r: rss_kib(procs[r].pid) for r in names}
            slowest = 0.0
            for i in range(1500):  # far more than the queue holds
                for r in names:
                    start = time.monotonic()
                    assert services.get(f"{urls[r]}down{i}", timeout=5)[0] == 200
                    slowest = max(slowest, time.monotonic() - start)
            grown = {r: rss_kib(procs[r].pid) - baseline[r] for r in names}
            oap.start()  # empty again (in-memory H2)

            def stored(name):
                found = set()
                for trace in oap.traces(name, page_size=200):
                    for span in oap.trace(trace["traceIds"][0]):
                        found.add(span["tags"].get("url", "").rsplit("=", 1)[-1])
                return found

            def delivered(name, wanted):
                found = stored(name)
                return found if wanted <= found else None

            # The restarted OAP acknowledges segments over gRPC before it can store them: segments
            # it took while still creating its H2 tables were never queryable (seen twice in CI,
            # once with a single probe sent after GraphQL answered), and no agent can tell such an
            # OK from a real one. So each service sends a probe every 5 s until one is stored; the
            # counted requests come after that.
            for r in names:
                deadline = time.monotonic() + 120
                for k in itertools.count():
                    assert services.get(f"{urls[r]}probe{k}")[0] == 200
                    wait_until = time.monotonic() + 5
                    while time.monotonic() < wait_until and not any(f.startswith("probe") for f in stored(names[r])):
                        time.sleep(0.5)
                    if any(f.startswith("probe") for f in stored(names[r])):
                        break
                    if time.monotonic() > deadline:
                        procs[r].terminate()
                        raise AssertionError(f"no probe of {names[r]} was stored within 120 s of the OAP's restart; "
                                             f"its stderr:\n{procs[r].stderr.read()[-3000:]}")
            after = {f"after{i}" for i in range(20)}
            for item in sorted(after):
                for r in names:
                    assert services.get(urls[r] + item)[0] == 200

            found = {r: backend_oap.wait_for(lambda: delivered(names[r], after), f"every request of {names[r]} made after "
                                             "the restart", timeout=90) for r in names}
            # The instance is listed again, with its properties (re-reported after the outage).
            for r in names:
                backend_oap.wait_for(lambda: [i for i in oap.instances(names[r]) if i["attributes"].get("OS Name")] or None,
                                     f"the instance of {names[r]} after the restart")
        assert oap.service(wrong) is None
    assert "PERMISSION_DENIED" in refused.stderr, refused.stderr  # the OAP's answer to a wrong token
    assert "cannot report the instance" in cleartext.stderr, cleartext.stderr
    assert slowest < 1.0, f"a request took {slowest:.2f}s while the OAP was down"
    for r in names:
        stderr = procs[r].stderr.read()
        assert grown[r] < 20_000, f"{r}: RSS grew by {grown[r]} KiB with a 50-segment queue"
        dropped = re.findall(r"skywago: dropped (\d+) segments while the backend was unreachable", stderr)
        assert len(dropped) == 1 and 1500 - 50 - 10 <= int(dropped[0]) <= 1500, stderr[-3000:]
        assert len([f for f in found[r] if f.startswith("down")]) <= 60  # what the queue and one batch held
