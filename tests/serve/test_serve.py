"""`frin serve` through Starlette's test client: the endpoints, problem documents for every
client mistake, the OpenAPI document's schemas, the token, reload, limits, and the decision
log written before each answer (docs/service.md)."""
from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from support import ROOT

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install 'frist-inkasso[serve]'")
from starlette.testclient import TestClient  # noqa: E402

from engine.audit.chain import verify_chain  # noqa: E402
from engine.audit.record import sha256_hex  # noqa: E402
from engine.audit.store import open_log  # noqa: E402
from engine.serve.app import ServiceConfig, create_app  # noqa: E402
from engine.serve.catalog_holder import CatalogHolder  # noqa: E402

CASE = ROOT / "examples/consumer-inkassovarsel.yaml"
YAML = {"content-type": "application/yaml"}
TOKEN = "s3cret-token-of-enough-length"


@pytest.fixture(scope="module")
def holder():
    return CatalogHolder(str(ROOT / "policies"))


@pytest.fixture
def service(holder, tmp_path):
    """(client, log) over the repository's catalog and a fresh SQLite log."""
    log = open_log(str(tmp_path / "log.sqlite"))
    client = TestClient(create_app(ServiceConfig(holder, log)), raise_server_exceptions=False)
    yield client, log
    log.close()


def schema(name: str) -> dict:
    return json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))


def test_decide_answers_the_cli_decision_and_logs_it_first(service, run_cli):
    client, log = service
    body = CASE.read_bytes()
    r = client.post("/v1/decide", content=body, headers=YAML)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    decision = r.json()
    jsonschema.validate(decision, schema("decision.schema.json"))
    _, out, _ = run_cli("decide", str(CASE), "--no-trace")
    assert decision == json.loads(out)                       # the CLI's decision, byte for byte as data
    versions = r.headers["frist-versions"]
    assert f"kravia@2024-01-01 sha256={decision['policy']['sha256']}" in versions
    assert all(f"{u['name']}@{u['version']} sha256={u['sha256']}" in versions for u in decision["policy"]["uses"])
    record = log.get(r.headers["frist-log-id"])
    assert record.case_sha256 == sha256_hex(body) and record.case_document == body.decode()
    assert json.loads(record.decision) == decision and record.source == "serve"
    assert json.loads(record.versions)[0] == {"name": "kravia", "version": "2024-01-01",
                                              "sha256": decision["policy"]["sha256"]}
    assert verify_chain(log.records()).ok


def test_trace_on_request(service):
    client, _ = service
    r = client.post("/v1/decide?trace=true", content=CASE.read_bytes(), headers=YAML)
    assert "trace" in r.json() and "trace" not in client.post("/v1/decide", content=CASE.read_bytes(),
                                                                 headers=YAML).json()


@pytest.mark.parametrize("fmt, media, marker", [("text", "text/plain", "C-1001"), ("markdown", "text/markdown", "# "),
                                                ("html", "text/html", "<h1>")])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_explain_in_each_format_and_language(service, run_cli, fmt, media, marker, lang):
    client, log = service
    r = client.post(f"/v1/explain?format={fmt}&lang={lang}", content=CASE.read_bytes(), headers=YAML)
    assert r.status_code == 200 and r.headers["content-type"].startswith(media) and marker in r.text
    if fmt != "html":
        _, out, _ = run_cli("explain", str(CASE), "--lang", lang, "--format", fmt)
        assert r.text == out
    else:
        assert f'<html lang="{lang}">' in r.text
    assert log.get(r.headers["frist-log-id"]) is not None


def test_explain_html_does_not_pass_case_text_through_as_markup(service):
    client, _ = service
    data = CASE.read_text().replace("case_id: C-1001", 'case_id: "<script>alert(1)</script>"')
    r = client.post("/v1/explain?format=html", content=data.encode(), headers=YAML)
    assert r.status_code == 200 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text


def test_why_not_and_timeline(service, run_cli):
    client, log = service
    r = client.post("/v1/why-not?action=send_betalingsoppfordring", content=CASE.read_bytes(), headers=YAML)
    assert r.status_code == 200
    _, out, _ = run_cli("explain", str(CASE), "--why-not", "send_betalingsoppfordring", "--format", "json")
    assert r.json()["why_not"] == json.loads(out)["why_not"]
    r = client.post("/v1/timeline", content=CASE.read_bytes(), headers=YAML)
    _, out, _ = run_cli("timeline", str(CASE), "--format", "json")
    assert r.status_code == 200 and r.json() == json.loads(out)
    assert "frist-log-id" not in r.headers                   # a projection is not a decision made on the case
    named = r.headers["frist-versions"]
    assert all(f"{row['policy']} sha256={row['sha256']}" in named for row in r.json()["rows"])
    assert "no-regulation@" in named                         # the law each row used, with its sha256


def test_policies_lists_versions_with_sha256_and_lock_state(service, holder):
    client, _ = service
    listing = client.get("/v1/policies").json()
    assert listing["lock"]["state"] == "ok"
    kravia = next(p for p in listing["policies"] if p["name"] == "kravia")
    version = next(v for v in kravia["versions"] if v["version"] == "2024-01-01")
    assert version["sha256"] == sha256_hex((ROOT / "policies/kravia/2024-01-01.yaml").read_bytes())
    assert version["locked"] is True and version["effective"] == "2024-01-01"


def test_the_desk_page_runs_only_its_own_script(service):
    page = service[0].get("/")
    assert page.status_code == 200 and '<script src="desk.js" defer></script>' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert service[0].get("/desk.js").headers["content-type"].startswith("text/javascript")


def test_health_and_readiness(service):
    client, _ = service
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"


def test_openapi_schemas_are_the_projects_json_schemas(service):
    doc = service[0].get("/openapi.json").json()
    assert doc["components"]["schemas"]["Case"] == schema("case.schema.json")
    assert doc["components"]["schemas"]["Decision"] == schema("decision.schema.json")
    ok = doc["paths"]["/v1/decide"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Decision"}
    assert doc["paths"]["/v1/decide"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Case"}


def test_openapi_documents_every_route(service):
    doc = service[0].get("/openapi.json").json()
    app = service[0].app
    routes = {(r.path, m.lower()) for r in app.routes for m in r.methods - {"HEAD"}}
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    desk = {("/", "get"), ("/desk.js", "get"), ("/desk.css", "get"), ("/favicon.ico", "get"), ("/openapi.json", "get")}
    assert routes - desk == documented


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert doc["status"] == status and doc["type"].startswith("https://") and doc["title"] and doc["detail"]
    return doc


def test_an_invalid_case_names_each_field_with_the_clis_message_and_hint(service, run_cli, tmp_path):
    client, log = service
    body = b'{"case_id": "x", "creditor": {}, "debtor": {"kind": "alien"}, "claims": []}'
    doc = _problem(client.post("/v1/decide", content=body), 422)
    errors = {e["field"]: e for e in doc["errors"]}
    assert errors["debtor.kind"]["message"] == "`alien` is not allowed for debtor.kind"
    assert errors["debtor.kind"]["hint"] == "one of: consumer, business"
    assert errors["debtor.kind"]["line"] == 1 and errors["debtor.kind"]["column"] == 53
    assert "creditor" in errors and "claims" in errors
    (tmp_path / "bad.json").write_bytes(body)
    _, _, err = run_cli("decide", str(tmp_path / "bad.json"))
    assert all(e["message"] in err and (e["hint"] is None or e["hint"] in err) for e in doc["errors"])
    assert list(log.records()) == []                          # nothing decided, nothing logged


@pytest.mark.parametrize("body, headers, status, kind", [
    (b"", {}, 400, "empty-body"),
    (b'{"case_id": ', {}, 400, "invalid-case"),
    (b"\xff\xfe", {}, 400, "invalid-case"),
    (b"- a\n- b\n", YAML, 422, "invalid-case"),
    (b"<case/>", {"content-type": "application/xml"}, 415, "unsupported-media-type"),
])
def test_malformed_bodies_are_problems(service, body, headers, status, kind):
    assert _problem(service[0].post("/v1/decide", content=body, headers=headers), status)["type"].endswith(kind)


@pytest.mark.parametrize("query, needle", [
    ("as_of=2026-13-01", "as_of"), ("policy=nobody", "unknown policy"), ("lang=fr", "fr"),
    ("trace=maybe", "trace"), ("frobnicate=1", "frobnicate"), ("format=pdf", "format"),
])
def test_bad_options_are_400s_naming_the_option(service, query, needle):
    path = "/v1/explain" if query.startswith(("lang", "format")) else "/v1/decide"
    doc = _problem(service[0].post(f"{path}?{query}", content=CASE.read_bytes(), headers=YAML), 400)
    assert needle in doc["detail"]


def test_hints_name_query_parameters_not_cli_options(service):
    """A stage's message written for the terminal (`use --lang en`, `(--as-of)`, `pass --policy`)
    names the query parameter in a problem document."""
    client, _ = service
    doc = _problem(client.post("/v1/explain?lang=xx", content=CASE.read_bytes(), headers=YAML), 400)
    assert "the query parameter `lang=en`" in doc["detail"] and "--" not in doc["detail"]
    late = CASE.read_text().replace("as_of: 2026-03-02", "as_of: 2026-01-20")       # the purring is after it
    doc = _problem(client.post("/v1/decide", content=late.encode(), headers=YAML), 422)
    hints = [e["hint"] for e in doc["errors"] if e["hint"]]
    assert hints and any("the query parameter `as_of`" in h for h in hints) and not any("--" in h for h in hints)
    nameless = CASE.read_text().replace("policy: kravia\n", "")
    doc = _problem(client.post("/v1/decide", content=nameless.encode(), headers=YAML), 400)
    assert "the query parameter `policy`" in doc["detail"] and "--" not in doc["detail"]


def test_http_wording_leaves_what_is_no_query_parameter():
    from engine.serve.problems import http_wording
    assert http_wording("pass --policy NAME or give") == "pass the query parameter `policy=NAME` or give"
    assert http_wording("see --lang or --as-of 2026-01-01") == \
        "see the query parameter `lang` or the query parameter `as_of=2026-01-01`"
    assert http_wording("pass --ignore-unknown to decide") == "pass --ignore-unknown to decide"
    assert http_wording("run `frin explain` on the case") == "run `POST /v1/explain` on the case"


def test_why_not_without_an_action_and_with_an_unknown_one(service):
    client, _ = service
    assert "action" in _problem(client.post("/v1/why-not", content=CASE.read_bytes(), headers=YAML), 400)["detail"]
    assert "fly_to_mars" in _problem(client.post("/v1/why-not?action=fly_to_mars", content=CASE.read_bytes(),
                                                 headers=YAML), 400)["detail"]


def test_unknown_paths_and_methods_are_problems(service):
    _problem(service[0].get("/v1/nothing"), 404)
    wrong = service[0].get("/v1/decide")
    assert _problem(wrong, 405) and wrong.headers["allow"] == "POST"


def test_size_and_time_limits(holder, tmp_path):
    log = open_log(str(tmp_path / "log.sqlite"))
    small = TestClient(create_app(ServiceConfig(holder, log, max_body=100)), raise_server_exceptions=False)
    assert "100" in _problem(small.post("/v1/decide", content=CASE.read_bytes(), headers=YAML), 413)["detail"]
    hasty = TestClient(create_app(ServiceConfig(holder, log, time_limit=0.0)), raise_server_exceptions=False)
    _problem(hasty.post("/v1/decide", content=CASE.read_bytes(), headers=YAML), 503)
    assert list(log.records()) == []


def test_a_token_is_required_when_set_and_compared_whole(holder, tmp_path):
    log = open_log(str(tmp_path / "log.sqlite"))
    client = TestClient(create_app(ServiceConfig(holder, log, token=TOKEN)), raise_server_exceptions=False)
    r = client.post("/v1/decide", content=CASE.read_bytes(), headers=YAML)
    assert _problem(r, 401) and r.headers["www-authenticate"].startswith("Bearer")
    for wrong in (TOKEN[:-1], TOKEN + "x", "", TOKEN.upper()):
        _problem(client.post("/v1/decide", content=CASE.read_bytes(),
                             headers={**YAML, "authorization": f"Bearer {wrong}"}), 401)
    ok = client.post("/v1/decide", content=CASE.read_bytes(), headers={**YAML, "authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert client.get("/healthz").status_code == 200         # probes need no token


def test_binding_beyond_loopback_needs_a_token(monkeypatch, tmp_path):
    from engine.core.errors import UsageError
    from engine.serve.auth import TOKEN_ENV, load_token
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert load_token(None, "127.0.0.1") is None and load_token(None, "::1") is None
    with pytest.raises(UsageError, match="needs a bearer token"):
        load_token(None, "0.0.0.0")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert load_token(None, "0.0.0.0") == TOKEN
    (tmp_path / "token").write_text("short\n")
    with pytest.raises(UsageError, match="at least"):
        load_token(str(tmp_path / "token"), "0.0.0.0")


DEMO_CASE = ROOT / "examples/demo-consumer.yaml"


def _locked_copy(tmp_path):
    """The demo policy (with the jurisdictions and locales) and its lock line, copied: a small
    catalog the test may change."""
    for part in ("demo", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    lines = [line for line in (ROOT / "policies.lock").read_text().splitlines(True) if "  policies/demo/" in line]
    (tmp_path / "policies.lock").write_text("".join(lines))
    return tmp_path / "policies"


def test_reload_swaps_the_catalog_whole_and_refuses_one_that_breaks_the_lock(tmp_path):
    folder = _locked_copy(tmp_path)
    holder = CatalogHolder(str(folder))
    log = open_log(str(tmp_path / "log.sqlite"))
    client = TestClient(create_app(ServiceConfig(holder, log)), raise_server_exceptions=False)
    before = holder.current
    assert client.post("/v1/reload").json()["generation"] == 2
    in_flight = before.catalog                                 # what a request that started before holds
    assert holder.current.catalog is not in_flight and in_flight.checked     # still whole, still usable
    published = folder / "demo" / "2026-01-01.yaml"
    published.write_text(published.read_text() + "\n# edited after publishing\n")
    doc = _problem(client.post("/v1/reload"), 503)
    assert any(e["code"] == "locked-version-changed" for e in doc["errors"])
    assert holder.current.generation == 2                      # still serving the last sound catalog
    r = client.post("/v1/decide", content=DEMO_CASE.read_bytes(), headers=YAML)
    assert r.status_code == 200 and r.headers["frist-catalog-generation"] == "2"
    assert "changed after it was locked" in client.get("/readyz").json()["last_reload_error"]


def test_the_service_refuses_to_start_on_a_catalog_that_fails_the_lock(tmp_path):
    from engine.core.errors import PolicyError
    folder = _locked_copy(tmp_path)
    (tmp_path / "policies.lock").write_text("")
    with pytest.raises(PolicyError) as caught:
        CatalogHolder(str(folder))
    assert [d.code for d in caught.value.diagnostics] == ["not-locked"]


def test_a_full_log_refuses_the_decision(holder, tmp_path):
    from engine.audit.sqlite_log import SqliteLog
    log = SqliteLog(str(tmp_path / "log.sqlite"))
    pages = log._db.execute("PRAGMA page_count").fetchone()[0]
    log.close()
    full = SqliteLog(str(tmp_path / "log.sqlite"), max_pages=pages)     # the file may not grow: a full disk
    client = TestClient(create_app(ServiceConfig(holder, full)), raise_server_exceptions=False)
    answered = [client.post("/v1/decide", content=CASE.read_bytes(), headers=YAML) for _ in range(3)]
    assert all(r.status_code in (200, 503) for r in answered) and answered[-1].status_code == 503
    doc = answered[-1].json()
    assert doc["type"].endswith("log-unavailable") and "full" in doc["detail"]
    assert answered[-1].headers["retry-after"]
    logged = {r.id for r in full.records()}
    assert {r.headers["frist-log-id"] for r in answered if r.status_code == 200} == logged


def test_hash_only_logging_keeps_no_case(holder, tmp_path, monkeypatch):
    from argparse import Namespace

    from engine.core.errors import UsageError
    from engine.serve.command import log_options
    log = open_log(str(tmp_path / "log.sqlite"))
    client = TestClient(create_app(ServiceConfig(holder, log, keep_case=False)), raise_server_exceptions=False)
    r = client.post("/v1/decide", content=CASE.read_bytes(), headers=YAML)
    record = log.get(r.headers["frist-log-id"])
    assert record.case_document is None and record.case_sha256 == sha256_hex(CASE.read_bytes())
    monkeypatch.setenv("FRIST_LOG_CASE", "hash")
    monkeypatch.setenv("FRIST_LOG", str(tmp_path / "env.sqlite"))
    assert log_options(Namespace(log=None, log_case=None)) == (str(tmp_path / "env.sqlite"), False)
    assert log_options(Namespace(log="x.sqlite", log_case="full")) == ("x.sqlite", True)
    monkeypatch.setenv("FRIST_LOG_CASE", "some")
    with pytest.raises(UsageError, match="FRIST_LOG_CASE"):
        log_options(Namespace(log=None, log_case=None))


def test_a_served_decision_replays_identical(service):
    from engine.audit.replay import replay
    client, log = service
    body = CASE.read_text().replace("as_of: 2026-03-02", "as_of: 2026-03-20").encode()
    r = client.post("/v1/explain?lang=nb&policy=kravia@2024-01-01", content=body, headers=YAML)
    result = replay(log, r.headers["frist-log-id"], str(ROOT / "policies"))
    assert result.identical and result.record.as_of == "2026-03-20"
    assert json.loads(result.record.request) == {"endpoint": "/v1/explain", "policy": "kravia@2024-01-01",
                                                 "as_of": None, "include_drafts": False}
    inputs = json.loads(result.record.inputs)                  # what else decided it (audit/inputs.py)
    assert inputs["jurisdiction"] == {"code": "NO", "sha256": sha256_hex((ROOT / "policies/jurisdictions/NO.yaml")
                                                                         .read_bytes())}
    assert set(inputs["versions"]) == {"kravia", "no-regulation"} and len(inputs["versions"]["no-regulation"]) == len(
        list((ROOT / "policies/no-regulation").glob("*.yaml")))    # not its draft
    assert result.sources["jurisdiction NO"] == str(ROOT / "policies/jurisdictions/NO.yaml") and not result.notes


def test_a_really_full_disk_refuses_the_decision(holder, tmp_path):
    """The same on a real file system that fills: a 256 KiB tmpfs (needs root to mount; skipped otherwise)."""
    import os
    import subprocess
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    log = None
    try:
        log = open_log(str(disk / "log.sqlite"))
        client = TestClient(create_app(ServiceConfig(holder, log)), raise_server_exceptions=False)
        answers = []
        for _ in range(400):
            answers.append(client.post("/v1/decide", content=CASE.read_bytes(), headers=YAML))
            if answers[-1].status_code != 200:
                break
        refused = answers[-1]
        assert refused.status_code == 503 and "full" in refused.json()["detail"], refused.text
        given = {r.headers["frist-log-id"] for r in answers if r.status_code == 200}
        records = list(log.records())
        assert given == {r.id for r in records} and given and verify_chain(records).ok
    finally:
        if log is not None:
            log.close()
        subprocess.run(["umount", str(disk)], check=False)


def test_serve_says_its_start_line_in_the_language_of_lang(run_cli, monkeypatch, tmp_path):
    """`frin serve --lang nb`: the line it starts with (catalog, lock, log, address) in nb; the
    server itself is left out (uvicorn.run returns at once), the line is what is checked."""
    import uvicorn
    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options["port"]))
    log = tmp_path / "log.sqlite"
    code, _, err = run_cli("serve", "--policies", ROOT / "policies", "--log", log, "--port", "18099", "--lang", "nb")
    assert (code, served) == (0, [18099]), err
    line = err.splitlines()[0]
    assert line.startswith("frin serve: ") and " policyer, " in line and "låst(e)" in line, line
    assert f"beslutningslogg {log} (sakene lagres); http://127.0.0.1:18099/" in line, line
    code, _, err = run_cli("serve", "--policies", ROOT / "policies", "--log", log, "--port", "18099", "--lang", "xx")
    assert code == 2 and "--lang `xx`" in err and served == [18099], "an unknown language: refused before serving"
