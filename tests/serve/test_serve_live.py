"""`frin serve` as a real process on loopback: every invalid fixture and fuzzed cases over HTTP
give 4xx problem documents (never a 500); kill -9 under load loses no acknowledged decision and
the chain verifies; SIGHUP reloads; a non-loopback address without a token refuses to start."""
from __future__ import annotations

import http.client
import json
import re
import signal
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import ROOT

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install 'frist-inkasso[serve]'")
from support.live_service import Service, get, post  # noqa: E402

from engine.audit.chain import verify_chain  # noqa: E402
from engine.audit.store import open_log  # noqa: E402

CASE = ROOT / "examples/consumer-inkassovarsel.yaml"
INVALID_CASES = ["schema-violation", "unknown-step", "payment-before-issue"]
_CLI_OPTION = re.compile(r"--(?:lang|policy|as-of|include-drafts|format|trace|until|pays|max-steps)\b")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    running = Service(log=str(folder / "log.sqlite"))
    yield running
    running.stop()


def _is_problem(status: int, headers: dict, body: bytes, statuses=range(400, 500)) -> dict:
    assert status in statuses, (status, body[:300])
    assert headers["content-type"] == "application/problem+json"
    doc = json.loads(body)
    assert doc["status"] == status and doc["title"] and doc["detail"]
    cli = _CLI_OPTION.search(body.decode("utf-8"))         # over HTTP a hint names the query parameter
    assert cli is None, (cli[0], doc)
    return doc


@pytest.mark.parametrize("fixture", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests/invalid").rglob("*.yaml"))
                         + [f"tests/fixtures/cases/{name}.yaml" for name in INVALID_CASES])
def test_every_invalid_fixture_over_http_is_a_4xx_problem(service, fixture):
    endpoint = "/v1/explain" if "fixtures/cases" in fixture else "/v1/decide"     # explain decides the same way
    _is_problem(*post(service.url + endpoint + "?as_of=2026-03-02", (ROOT / fixture).read_bytes()))


def test_fuzzed_cases_over_http_are_answered_or_4xx_problems(service):
    from support import stage_module
    fuzz = stage_module("cli/test_fuzz_cli")
    CORPUS, mutated = fuzz.CORPUS, fuzz.mutated
    tally: dict[int, int] = {}

    @settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(CORPUS), st.data(), st.sampled_from(["/v1/decide", "/v1/explain?lang=en", "/v1/timeline"]))
    def check(source, data, endpoint):
        body = data.draw(mutated(source.read_text(encoding="utf-8")))
        status, headers, answer = post(service.url + endpoint, body)
        tally[status] = tally.get(status, 0) + 1
        if status != 200:
            _is_problem(status, headers, answer)

    check()
    assert set(tally) - {200} and 500 not in tally, tally


def test_sighup_reloads_the_catalog_under_load_without_a_failed_answer(service):
    before = json.loads(get(service.url + "/v1/policies")[1])["generation"]
    seen: list[tuple[int, int]] = []                  # (status, generation) of every answer, in order per client
    stop = threading.Event()

    def load(out: list) -> None:
        while not stop.is_set():
            status, headers, _ = post(service.url + "/v1/decide", CASE.read_bytes())
            out.append((status, int(headers.get("frist-catalog-generation", -1))))

    answers = [[] for _ in range(4)]
    clients = [threading.Thread(target=load, args=(out,)) for out in answers]
    for c in clients:
        c.start()
    try:
        service.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if json.loads(get(service.url + "/v1/policies")[1])["generation"] == before + 1:
                break
            time.sleep(0.2)
        else:
            pytest.fail("no reload after SIGHUP: " + service.stderr())
        time.sleep(0.5)
    finally:
        stop.set()
        for c in clients:
            c.join(30)
    for out in answers:
        assert out and all(status == 200 for status, _ in out)
        generations = [g for _, g in out]
        assert generations == sorted(generations) and set(generations) <= {before, before + 1}
    assert any(g == before + 1 for out in answers for _, g in out)      # answered by the new catalog too


def _load(url: str, body: bytes, acknowledged: list, stop: threading.Event, errors: list) -> None:
    while not stop.is_set():
        try:
            status, headers, _ = post(url + "/v1/decide", body, timeout=10)
        except (OSError, http.client.HTTPException):    # IncompleteRead: killed mid-answer, never acknowledged
            return                                       # the server is gone
        if status == 200:
            acknowledged.append(headers["frist-log-id"])
        else:
            errors.append(status)


def test_kill_9_under_load_loses_no_acknowledged_decision(tmp_path):
    log_file = str(tmp_path / "log.sqlite")
    running = Service(log=log_file)
    acknowledged: list[str] = []
    errors: list[int] = []
    stop = threading.Event()
    clients = [threading.Thread(target=_load, args=(running.url, CASE.read_bytes(), acknowledged, stop, errors))
               for _ in range(8)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 80 and time.monotonic() < deadline:
        time.sleep(0.01)
    running.kill()                                       # SIGKILL: no shutdown, no flush, mid-request
    stop.set()
    for client in clients:
        client.join(15)
    assert len(acknowledged) >= 80 and not errors
    log = open_log(log_file)
    records = list(log.records())
    logged = {r.id for r in records}
    assert set(acknowledged) <= logged                   # every decision answered is in the log
    assert verify_chain(records).ok and len(records) >= len(acknowledged)
    log.close()


def test_binding_beyond_loopback_without_a_token_refuses_to_start(run_cli, monkeypatch, tmp_path):
    monkeypatch.delenv("FRIST_SERVE_TOKEN", raising=False)
    code, _, err = run_cli("serve", "--host", "0.0.0.0", "--log", str(tmp_path / "log.sqlite"))
    assert code == 2 and "needs a bearer token" in err and not (tmp_path / "log.sqlite").exists()


def test_a_log_that_cannot_be_opened_refuses_to_start(run_cli, tmp_path):
    (tmp_path / "not-a-db").write_bytes(b"this is not SQLite" * 100)
    code, _, err = run_cli("serve", "--log", str(tmp_path / "not-a-db"))
    assert code == 2 and "cannot open the decision log" in err


def test_a_missing_extra_is_one_message_with_the_install_line(run_cli, monkeypatch):
    import builtins
    real = builtins.__import__

    def without_uvicorn(name, *args, **kwargs):
        if name == "uvicorn":
            raise ModuleNotFoundError("No module named 'uvicorn'", name="uvicorn")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_uvicorn)
    code, _, err = run_cli("serve")
    assert code == 2 and "pip install 'frist-inkasso[serve]'" in err and "Traceback" not in err


def test_concurrent_requests_for_different_cases_get_the_clis_decisions(service, run_cli):
    """The engine shared by the worker threads: each answer is the CLI's for that case."""
    import random
    cases = sorted((ROOT / "tests/cases").glob("*/*.yaml"))[::9][:8]
    expected = {}
    for case in cases:
        code, out, _ = run_cli("decide", str(case), "--no-trace")
        if code in (0, 1):
            expected[case] = json.loads(out)
    assert len(expected) >= 6
    mismatches: list = []

    def work(seed: int) -> None:
        order = list(expected)
        random.Random(seed).shuffle(order)
        for case in order:
            status, _, body = post(service.url + "/v1/decide", case.read_bytes())
            if status != 200 or json.loads(body) != expected[case]:
                mismatches.append((case.name, status))

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not mismatches


def test_bad_limits_and_a_busy_port_are_usage_errors(run_cli, tmp_path):
    import socket
    for option, value in (("--max-body", "0"), ("--time-limit", "0"), ("--port", "70000")):
        code, _, err = run_cli("serve", option, value, "--log", str(tmp_path / "log.sqlite"))
        assert code == 2 and option in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli("serve", "--port", str(port), "--log", str(tmp_path / "log.sqlite"))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err


def test_a_body_that_trickles_in_is_cut_off(tmp_path):
    import socket
    running = Service("--time-limit", "1", log=str(tmp_path / "log.sqlite"))
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as conn:
            conn.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000\r\n\r\n{\"case_id\": ")
            answer = conn.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 408") and "application/problem+json" in answer
    finally:
        running.stop()
