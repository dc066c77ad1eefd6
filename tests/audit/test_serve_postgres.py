"""The decision log on PostgreSQL: the same schema and chain as SQLite, two replicas appending
to one chain, and a database restart under load answered with 503s and recovered from without
restarting the service. Runs against the throw-away server `.ci/with-postgres` starts
(FRIST_TEST_POSTGRES); skips, saying why, without one."""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading
import time
import uuid

import pytest

from support import ROOT

URL = os.environ.get("FRIST_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not URL, reason="no PostgreSQL: run under .ci/with-postgres (as .ci/run does), "
                                                "which sets FRIST_TEST_POSTGRES")
psycopg = pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install 'frist-inkasso[postgres]'")

from engine.audit.append import log_decision  # noqa: E402
from engine.audit.chain import verify_chain  # noqa: E402
from engine.audit.schema import MIGRATIONS  # noqa: E402
from engine.audit.store import open_log  # noqa: E402

CASE = ROOT / "examples/consumer-inkassovarsel.yaml"


@pytest.fixture
def database():
    """A fresh database on the test server, dropped afterwards; its URL."""
    name = "frist_" + uuid.uuid4().hex[:12]
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _decision(n: int) -> dict:
    return {"format": 1, "case_id": f"C-{n}", "as_of": "2026-03-02", "action": "wait", "warnings": [],
            "policy": {"name": "demo", "version": "2026-01-01", "sha256": "a" * 64, "uses": []}}


def test_same_schema_and_chain_as_sqlite(database, tmp_path):
    pg = open_log(database)
    lite = open_log(str(tmp_path / "log.sqlite"))
    for n in range(3):
        for log in (pg, lite):
            log_decision(log, _decision(n), f"case {n}".encode(), source="test", request={"n": n})
    assert verify_chain(pg.records()).ok and [r.seq for r in pg.records()] == [1, 2, 3]
    with psycopg.connect(database) as conn:
        pg_columns = [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                 "table_name = 'decision_log' ORDER BY ordinal_position")]
        versions = [r[0] for r in conn.execute("SELECT version FROM frist_log_schema")]
    lite_columns = [r[1] for r in lite._db.execute("PRAGMA table_info(decision_log)")]
    assert pg_columns == lite_columns and versions == [v for v, _ in MIGRATIONS]
    with psycopg.connect(database) as conn:
        conn.execute("UPDATE decision_log SET warnings = '[\"x\"]' WHERE seq = 2")
    assert verify_chain(pg.records()).broken_seq == 2
    pg.close()
    lite.close()


def test_a_log_of_schema_1_is_migrated_and_its_records_still_verify(database):
    """Schema 2 adds `inputs` to a PostgreSQL log written before it; its records hash as before."""
    from engine.audit.record import GENESIS, new_record
    record = new_record(1, GENESIS, source="test", document=b"case 1", keep_case=True, decision=_decision(1), request={})
    row = {k: v for k, v in record.as_row().items() if k != "inputs"}
    with psycopg.connect(database) as conn:
        conn.execute("CREATE TABLE frist_log_schema (version BIGINT PRIMARY KEY, applied TEXT NOT NULL)")
        for statement in MIGRATIONS[0][1]:
            conn.execute(statement)
        conn.execute("INSERT INTO frist_log_schema VALUES (1, 'then')")
        conn.execute(f"INSERT INTO decision_log ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})",
                     list(row.values()))
    log = open_log(database)
    log_decision(log, _decision(2), b"case 2", source="test", request={})
    records = list(log.records())
    assert verify_chain(records).ok and [r.inputs for r in records] == [None, None]
    with psycopg.connect(database) as conn:
        assert [r[0] for r in conn.execute("SELECT version FROM frist_log_schema ORDER BY version")] == [1, 2]
    log.close()


def test_a_password_in_the_address_is_never_shown():
    from engine.audit.backend import LogUnavailable
    with pytest.raises(LogUnavailable) as caught:
        open_log("postgresql://frist:hunter2-secret@127.0.0.1:1/none")
    assert "hunter2" not in str(caught.value) and "frist:***@" in str(caught.value)


def test_log_commands_read_a_postgresql_log(database, run_cli, tmp_path):
    log = open_log(database)
    for n in range(3):
        log_decision(log, _decision(n), f"case {n}".encode(), source="test", request={})
    log.close()
    code, out, _ = run_cli("log", "verify", "--log", database)
    assert code == 0 and out.startswith("ok: 3 record(s)") and "postgresql://" in out
    pytest.importorskip("pyarrow")
    code, out, _ = run_cli("log", "export", "--log", database, "-o", str(tmp_path / "log.parquet"))
    import pyarrow.parquet as pq
    assert code == 0 and pq.read_table(tmp_path / "log.parquet").column("seq").to_pylist() == [1, 2, 3]


def test_two_replicas_append_to_one_unbroken_chain(database):
    replicas = [open_log(database), open_log(database)]

    def append(log, start):
        for n in range(start, start + 40):
            log_decision(log, _decision(n), f"case {n}".encode(), source="test", request={})

    threads = [threading.Thread(target=append, args=(log, i * 100)) for i, log in enumerate(replicas) for _ in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = list(replicas[0].records())
    assert [r.seq for r in records] == list(range(1, 161)) and verify_chain(records).ok
    for log in replicas:
        log.close()


def _pg_ctl(action: str) -> None:
    control = os.environ.get("FRIST_TEST_PG_CTL")
    if not control:
        pytest.skip("FRIST_TEST_PG_CTL is not set: .ci/with-postgres sets it to restart the server")
    subprocess.run(shlex.split(control) + [action] + (["-m", "fast"] if action == "stop" else []), check=True,
                   capture_output=True, timeout=60)


def test_a_database_restart_under_load_gives_503s_and_recovers(database, tmp_path):
    from support.live_service import Service, get, post
    service = Service(log=database, stderr=tmp_path / "serve.stderr")
    statuses: list[int] = []
    acknowledged: list[str] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            status, headers, body = post(service.url + "/v1/decide", CASE.read_bytes(), timeout=30)
            statuses.append(status)
            if status == 200:
                acknowledged.append(headers["frist-log-id"])
            else:
                doc = json.loads(body)
                assert headers["content-type"] == "application/problem+json" and doc["status"] == 503, doc
            time.sleep(0.01)

    clients = [threading.Thread(target=load) for _ in range(4)]
    try:
        for c in clients:
            c.start()
        time.sleep(0.5)
        _pg_ctl("stop")
        time.sleep(0.3)
        down = post(service.url + "/v1/decide", CASE.read_bytes())
        not_ready = get(service.url + "/readyz")[0]
        _pg_ctl("start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and post(service.url + "/v1/decide", CASE.read_bytes())[0] != 200:
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        stop.set()
        for c in clients:
            c.join(30)
        service.stop()
    assert down[0] == 503 and json.loads(down[2])["type"].endswith("log-unavailable")
    assert not_ready == 503
    assert 503 in statuses and 500 not in statuses and set(statuses) <= {200, 503}
    recovered = statuses[len(statuses) - statuses[::-1].index(503):]      # the answers after the last 503
    assert recovered and set(recovered) == {200}
    log = open_log(database)
    records = list(log.records())
    assert set(acknowledged) <= {r.id for r in records} and verify_chain(records).ok
    log.close()
