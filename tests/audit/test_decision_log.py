"""The decision log: the hash chain finds the first edited, removed or inserted record; the
schema is migrated once and a newer one refused; `frin decide --log`, `frin log verify`,
`frin log export` and `frin replay` (identical, from git history, field by field)."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest

from support import ROOT
from engine.audit.append import log_decision
from engine.audit.chain import verify_chain
from engine.audit.record import GENESIS, record_hash, sha256_hex
from engine.audit.store import open_log

CASE = ROOT / "examples/demo-consumer.yaml"


def _decision(n: int) -> dict:
    return {"format": 1, "case_id": f"C-{n}", "as_of": "2026-03-02", "action": "wait", "warnings": [f"w{n}"],
            "policy": {"name": "demo", "version": "2026-01-01", "sha256": "a" * 64, "status": "published",
                       "uses": [{"name": "law", "version": "2026-01-01", "sha256": "b" * 64}]}}


@pytest.fixture
def log(tmp_path):
    opened = open_log(str(tmp_path / "log.sqlite"))
    for n in range(1, 6):
        log_decision(opened, _decision(n), f"case {n}".encode(), source="test", request={"n": n},
                     keep_case=n % 2 == 1)
    yield opened
    opened.close()


def test_records_chain_from_genesis_and_keep_what_was_decided(log):
    records = list(log.records())
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in zip(records, records[1:]))
    assert all(record_hash(r.as_row()) == r.hash for r in records)
    first, second = records[0], records[1]
    assert first.case_sha256 == sha256_hex(b"case 1") and first.case_document == "case 1"
    assert second.case_document is None and second.case_sha256 == sha256_hex(b"case 2")   # hash only
    assert json.loads(first.versions) == [{"name": "demo", "version": "2026-01-01", "sha256": "a" * 64},
                                          {"name": "law", "version": "2026-01-01", "sha256": "b" * 64}]
    assert json.loads(first.warnings) == ["w1"] and first.policy == "demo@2026-01-01"
    assert first.engine.startswith("frist-inkasso ") and verify_chain(records).ok


def _tamper(log, sql: str) -> None:
    db = sqlite3.connect(log.address)
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize("sql, seq, words", [
    ("UPDATE decision_log SET decision = replace(decision, 'wait', 'sue') WHERE seq = 3", 3, "edited"),
    ("UPDATE decision_log SET case_document = 'case X' WHERE seq = 5", 5, "edited"),
    ("DELETE FROM decision_log WHERE seq = 2", 3, "missing"),
    ("DELETE FROM decision_log WHERE seq = 1", 2, "missing"),
    ("UPDATE decision_log SET prev_hash = hash WHERE seq = 4", 4, "removed or replaced"),
])
def test_verify_reports_the_first_broken_record(log, sql, seq, words):
    _tamper(log, sql)
    verdict = verify_chain(log.records())
    assert not verdict.ok and verdict.broken_seq == seq and words in verdict.reason


def test_a_rewritten_tail_with_recomputed_hashes_still_breaks_at_the_first_change(log):
    """An editor who recomputes the edited record's own hash still breaks the next record's link."""
    records = list(log.records())
    row = records[2].as_row()
    row["decision"] = row["decision"].replace("wait", "sue")
    row["hash"] = record_hash(row)
    _tamper(log, f"UPDATE decision_log SET decision = '{row['decision']}', hash = '{row['hash']}' WHERE seq = 3")
    verdict = verify_chain(log.records())
    assert verdict.broken_seq == 4 and "prev_hash" in verdict.reason


def test_the_schema_is_migrated_once_and_a_newer_one_refused(tmp_path, log):
    from engine.audit.backend import LogUnavailable
    again = open_log(log.address)                                # opening again migrates nothing
    assert len(list(again.records())) == 5
    again.close()
    _tamper(log, "INSERT INTO frist_log_schema VALUES (99, 'later')")
    with pytest.raises(LogUnavailable, match="schema version 99"):
        open_log(log.address)


def test_cli_decide_log_verify_and_export(run_cli, tmp_path):
    target = tmp_path / "decisions.sqlite"
    code, out, err = run_cli("decide", str(CASE), "--no-trace", "--log", str(target))
    assert code == 0 and "logged: record" in err
    record_id = err.split("logged: record ")[1].split()[0]
    record = open_log(str(target)).get(record_id)
    assert json.loads(record.decision) == {k: v for k, v in json.loads(out).items()}
    assert record.case_sha256 == sha256_hex(CASE.read_bytes())
    run_cli("decide", str(CASE), "--no-trace", "--log", str(target))
    code, out, _ = run_cli("log", "verify", "--log", str(target), "--format", "json")
    last = list(open_log(str(target)).records())[-1].hash
    assert code == 0 and json.loads(out) == {"log": str(target), "ok": True, "records": 2, "last_hash": last,
                                             "first_broken": None}
    pl = pytest.importorskip("polars")
    code, out, _ = run_cli("log", "export", "--log", str(target), "-o", str(tmp_path / "log.parquet"))
    frame = pl.read_parquet(tmp_path / "log.parquet")
    assert code == 0 and frame.height == 2 and frame["id"][0] == record_id and frame["seq"].to_list() == [1, 2]
    _tamper(open_log(str(target)), "UPDATE decision_log SET warnings = '[\"x\"]' WHERE seq = 2")
    code, out, _ = run_cli("log", "verify", "--log", str(target))
    assert code == 1 and out.startswith("BROKEN: record 2")


def test_log_commands_refuse_a_log_that_is_not_there(run_cli, tmp_path):
    code, _, err = run_cli("log", "verify", "--log", str(tmp_path / "typo.sqlite"))
    assert code == 2 and "no decision log" in err and not (tmp_path / "typo.sqlite").exists()


def _git(folder, *args):
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin", "HOME": str(folder)})


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the demo policy (with jurisdictions and locales), committed."""
    for part in ("demo", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "policies")
    return tmp_path


def test_replay_is_identical_and_finds_a_corrected_version_in_git_history(run_cli, repo):
    log = str(repo / "log.sqlite")
    policies = str(repo / "policies")
    code, _, err = run_cli("decide", str(CASE), "--policies", policies, "--no-trace", "--log", log)
    record_id = err.split("logged: record ")[1].split()[0]
    code, out, _ = run_cli("replay", record_id, "--log", log, "--policies", policies)
    assert code == 0 and out.startswith("identical")
    version = repo / "policies/demo/2026-01-01.yaml"             # a correction after the decision, committed
    text = version.read_text()
    version.write_text(text.replace("title:", "# corrected after the decision\ntitle:", 1))
    _git(repo, "commit", "-qam", "correct")
    code, out, _ = run_cli("replay", record_id, "--log", log, "--policies", policies, "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["identical"] and result["versions_from"]["demo@2026-01-01"].startswith("git history")


def test_replay_reports_each_field_that_differs(run_cli, repo):
    log_file = str(repo / "log.sqlite")
    policies = str(repo / "policies")
    _, out, err = run_cli("decide", str(CASE), "--policies", policies, "--no-trace", "--log", log_file)
    record_id = err.split("logged: record ")[1].split()[0]
    logged = json.loads(out)
    forged = dict(logged, action="close_case", step="forged")
    db = sqlite3.connect(log_file)
    db.execute("UPDATE decision_log SET decision = ? WHERE id = ?", (json.dumps(forged), record_id))
    db.commit()
    code, out, _ = run_cli("replay", record_id, "--log", log_file, "--policies", policies)
    assert code == 1 and out.startswith("DIFFERENT")
    assert f'action: logged "close_case", replayed "{logged["action"]}"' in out
    assert 'step: logged "forged"' in out


def test_replay_of_a_hash_only_record_needs_the_case_file(repo):
    from engine.audit.replay import replay
    from engine.core.errors import UsageError
    from engine.decide.decision import decide_case
    from engine.policy.case import load_case
    from engine.check.pipeline import load_catalog
    catalog, _ = load_catalog([str(repo / "policies")])
    case = load_case(CASE)
    decision = decide_case(catalog, case, case.data["as_of"], fast=True)
    log = open_log(str(repo / "log.sqlite"))
    record = log_decision(log, decision.to_dict(include_trace=False), CASE.read_bytes(), source="test",
                          request={}, keep_case=False)
    with pytest.raises(UsageError, match="--case"):
        replay(log, record.id, str(repo / "policies"))
    other = repo / "other.yaml"
    other.write_text(CASE.read_text() + "\n# another file\n")
    with pytest.raises(UsageError, match="not the case logged"):
        replay(log, record.id, str(repo / "policies"), str(other))
    assert replay(log, record.id, str(repo / "policies"), str(CASE)).identical


def test_batch_log_records_every_decided_row_and_replays_it(run_cli, tmp_path):
    pytest.importorskip("polars")
    import yaml
    cases = sorted((ROOT / "tests/cases/kravia").glob("*.yaml"))[:3]
    (tmp_path / "cases.jsonl").write_text("".join(json.dumps(yaml.safe_load(c.read_text()), default=str) + "\n"
                                                  for c in cases))
    target = str(tmp_path / "log.sqlite")
    code, _, _ = run_cli("batch", str(tmp_path / "cases.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--log", target,
                         "--no-progress")
    outputs = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    records = list(open_log(target).records())
    assert code == 0 and len(records) == len(cases) == len(outputs) and verify_chain(records).ok
    for record, output in zip(records, outputs):
        assert record.source == "batch" and json.loads(record.request)["row"] == output["row"]
        assert json.loads(record.decision)["action"] == output["action"]
        inputs = json.loads(record.inputs)                     # the batch's catalog told what else decided it
        assert inputs["jurisdiction"]["code"] == "NO" and "no-regulation" in inputs["versions"]
    code, out, _ = run_cli("replay", records[1].id, "--log", target)
    assert code == 0 and out.startswith("identical")


def test_concurrent_appends_share_commits_and_keep_one_chain(tmp_path):
    import threading
    log = open_log(str(tmp_path / "log.sqlite"))
    commits = []
    real = log.append_all

    def counted(makes):
        commits.append(len(makes))
        return real(makes)

    from engine.audit.group_commit import GroupCommit
    log._group = GroupCommit(counted)
    ids: list[str] = []

    def work(k):
        for n in range(25):
            ids.append(log_decision(log, _decision(k * 100 + n), b"case", source="test", request={}).id)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = list(log.records())
    assert sum(commits) == len(records) == 200 and {r.id for r in records} == set(ids)
    assert [r.seq for r in records] == list(range(1, 201)) and verify_chain(records).ok
    assert len(commits) < 200                    # some appends shared a commit
    log.close()


def test_a_failed_group_commit_fails_every_appender_in_it():
    import threading
    from engine.audit.group_commit import GroupCommit
    entered, release = threading.Event(), threading.Event()
    calls = []

    def append_all(makes):
        calls.append(len(makes))
        if len(calls) == 1:                      # the first commit holds the others back until they queue
            entered.set()
            release.wait(5)
            return [f"r{i}" for i in range(len(makes))]
        raise OSError("disk full")

    group = GroupCommit(append_all)
    outcomes: list = []

    def append():
        try:
            outcomes.append(group.append(lambda seq, prev: None))
        except OSError as err:
            outcomes.append(err)

    first = threading.Thread(target=append)
    first.start()
    entered.wait(5)
    others = [threading.Thread(target=append) for _ in range(3)]
    for t in others:
        t.start()
    while len(group._queue) < 3:
        threading.Event().wait(0.01)
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert calls == [1, 3] and outcomes.count("r0") == 1
    assert sum(isinstance(o, OSError) for o in outcomes) == 3


def test_decide_prints_nothing_when_the_log_cannot_take_the_decision(run_cli, tmp_path):
    (tmp_path / "not-a-db").write_bytes(b"this is not SQLite" * 100)
    code, out, err = run_cli("decide", str(CASE), "--no-trace", "--log", str(tmp_path / "not-a-db"))
    assert code == 2 and out == "" and "cannot open the decision log" in err


def test_replay_says_when_a_logged_version_is_nowhere(run_cli, tmp_path):
    for part in ("demo", "jurisdictions", "locales"):              # a copy that is not a git repository
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    policies, log_file = str(tmp_path / "policies"), str(tmp_path / "log.sqlite")
    _, _, err = run_cli("decide", str(CASE), "--policies", policies, "--no-trace", "--log", log_file)
    record_id = err.split("logged: record ")[1].split()[0]
    version = tmp_path / "policies/demo/2026-01-01.yaml"
    version.write_text(version.read_text() + "\n# changed, and no history to find the old text in\n")
    code, _, err = run_cli("replay", record_id, "--log", log_file, "--policies", policies)
    assert code == 2 and "no version of `demo` with sha256" in err and "git history" in err


# A case the demo policy answers with a reminder whose deadline rolls to a business day
# (rule `remind`: payment_deadline = next_business_day(as_of + 14 days)).
_UNREMINDED = """case_id: C-2001
as_of: 2026-03-02
policy: demo
creditor: {vat_registered: true}
debtor: {id: D-78, kind: consumer, vat_registered: false}
claims:
  - {invoice: "2001", amount: "1250.00", issued: 2026-01-01, due: 2026-01-15}
"""
# 2026-03-02 + 14 days = Monday 2026-03-16, a working day in Norway (no public holiday), so the
# deadline is 2026-03-16. With the jurisdiction's weekend changed to Saturday, Sunday and Monday
# the next business day on or after it is Tuesday 2026-03-17.
_WEEKEND = '  country: "NO"\n  weekend: [saturday, sunday, monday]\n'


def _calendar_folder(tmp_path):
    """demo, jurisdictions, locales; demo without its own calendar, so the jurisdiction's decides;
    NO.yaml differs from the bundled one, so only this folder (or its history) holds it."""
    for part in ("demo", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    demo = tmp_path / "policies/demo/2026-01-01.yaml"
    demo.write_text("".join(line for line in demo.read_text().splitlines(keepends=True)
                            if not line.startswith("calendar:")))
    no = tmp_path / "policies/jurisdictions/NO.yaml"        # not the bundled file's text: found only here
    no.write_text(no.read_text() + "# this folder's copy\n")
    (tmp_path / "case.yaml").write_text(_UNREMINDED)
    return tmp_path / "policies"


def _decide_logged(run_cli, tmp_path, policies):
    code, out, err = run_cli("decide", str(tmp_path / "case.yaml"), "--policies", str(policies), "--no-trace",
                             "--log", str(tmp_path / "log.sqlite"))
    assert code == 0, err
    return err.split("logged: record ")[1].split()[0], json.loads(out)


def test_a_record_keeps_the_jurisdiction_file_every_version_and_the_holidays_release(run_cli, tmp_path):
    from importlib.metadata import version
    policies = _calendar_folder(tmp_path)
    record_id, decision = _decide_logged(run_cli, tmp_path, policies)
    assert decision["payment_deadline"] == "2026-03-16"
    log = open_log(str(tmp_path / "log.sqlite"))
    inputs = json.loads(log.get(record_id).inputs)
    log.close()
    assert inputs["jurisdiction"] == {"code": "NO", "sha256": sha256_hex((policies / "jurisdictions/NO.yaml").read_bytes())}
    assert inputs["versions"] == {"demo": {"2026-01-01": sha256_hex((policies / "demo/2026-01-01.yaml").read_bytes())}}
    assert inputs["calendar"] == {"library": "holidays", "release": version("holidays")}


def test_replay_uses_the_jurisdiction_file_from_git_history(run_cli, tmp_path):
    policies = _calendar_folder(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "policies")
    record_id, _ = _decide_logged(run_cli, tmp_path, policies)
    no = policies / "jurisdictions/NO.yaml"
    no.write_text(no.read_text().replace('  country: "NO"\n', _WEEKEND, 1))
    _git(tmp_path, "commit", "-qam", "a three-day weekend")
    _, out, _ = run_cli("decide", str(tmp_path / "case.yaml"), "--policies", str(policies), "--no-trace")
    assert json.loads(out)["payment_deadline"] == "2026-03-17"          # today's file decides otherwise
    code, out, err = run_cli("replay", record_id, "--log", str(tmp_path / "log.sqlite"), "--policies", str(policies),
                             "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["identical"], (out, err)
    assert result["versions_from"]["jurisdiction NO"] == f"git history of {no.parent.resolve()}"
    assert result["notes"] == []


def test_replay_names_the_jurisdiction_file_that_changed_when_no_history_holds_it(run_cli, tmp_path):
    policies = _calendar_folder(tmp_path)                 # not a git repository
    record_id, _ = _decide_logged(run_cli, tmp_path, policies)
    no = policies / "jurisdictions/NO.yaml"
    logged = sha256_hex(no.read_bytes())
    no.write_text(no.read_text().replace('  country: "NO"\n', _WEEKEND, 1))
    code, out, err = run_cli("replay", record_id, "--log", str(tmp_path / "log.sqlite"), "--policies", str(policies))
    assert code == 2 and out == ""
    assert f"the jurisdiction file NO the decision was made with (sha256 {logged[:12]})" in err
    assert f"{no.resolve()} has changed since (its sha256 is now {sha256_hex(no.read_bytes())[:12]})" in err
    assert "git log --" in err and "Traceback" not in err


def test_replay_leaves_out_a_version_published_after_the_decision(run_cli, tmp_path):
    """The law's versions then, not now: a version added later of a bound policy is not in the replay."""
    policies = _calendar_folder(tmp_path)
    record_id, _ = _decide_logged(run_cli, tmp_path, policies)
    later = policies / "demo/2026-02-01.yaml"             # in force on the case's date, published afterwards
    later.write_text((policies / "demo/2026-01-01.yaml").read_text().replace("effective: 2026-01-01", "effective: 2026-02-01")
                     .replace("next_business_day(as_of + 14 days)", "next_business_day(as_of + 21 days)"))
    code, out, err = run_cli("decide", str(tmp_path / "case.yaml"), "--policies", str(policies), "--no-trace")
    assert code == 0 and json.loads(out)["policy"]["version"] == "2026-02-01", err
    code, out, err = run_cli("replay", record_id, "--log", str(tmp_path / "log.sqlite"), "--policies", str(policies),
                             "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["identical"] and "demo@2026-02-01" not in result["versions_from"], (out, err)


def test_a_log_of_schema_1_is_migrated_and_its_records_still_verify_and_replay(run_cli, tmp_path):
    from engine.audit.record import new_record
    from engine.audit.schema import MIGRATIONS
    policies = _calendar_folder(tmp_path)
    _, decision = _decide_logged(run_cli, tmp_path, policies)
    old = tmp_path / "old.sqlite"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE frist_log_schema (version BIGINT PRIMARY KEY, applied TEXT NOT NULL)")
    for statement in MIGRATIONS[0][1]:
        db.execute(statement)
    db.execute("INSERT INTO frist_log_schema VALUES (1, 'then')")
    record = new_record(1, GENESIS, source="decide", document=_UNREMINDED.encode(), keep_case=True,
                        decision=decision, request={})
    row = {k: v for k, v in record.as_row().items() if k != "inputs"}
    db.execute(f"INSERT INTO decision_log ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    db.commit()
    db.close()
    log = open_log(str(old))                               # migrates to schema 2: adds `inputs`
    assert verify_chain(log.records()).ok and log.get(record.id).inputs is None
    log.close()
    code, out, err = run_cli("replay", record.id, "--log", str(old), "--policies", str(policies))
    assert code == 0 and out.startswith("identical")
    assert "note: the record was written before frist logged a decision's inputs" in err


def test_replay_says_when_the_holidays_release_differs(run_cli, tmp_path, monkeypatch):
    """Public holidays come from the `holidays` library, not the policy folder: replay notes another release."""
    import engine.audit.inputs as inputs
    from engine.audit.replay import replay
    policies = _calendar_folder(tmp_path)
    record_id, _ = _decide_logged(run_cli, tmp_path, policies)
    logged = inputs.holidays_release()
    monkeypatch.setattr(inputs, "holidays_release", lambda: "0.0.1")
    log = open_log(str(tmp_path / "log.sqlite"))
    result = replay(log, record_id, str(policies))
    log.close()
    assert result.identical and result.notes == [
        f"the public holidays come from holidays 0.0.1 here; the decision was made with holidays {logged} "
        f"(pip install 'holidays=={logged}' to replay with the same calendars)"]
