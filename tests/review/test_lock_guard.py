"""A version edited after it was locked never decides silently, and never into the decision log.

`frin lock --check` and `frin serve` refuse such a folder; `decide` and `explain` (an officer
trying a fix) still decide, with the `locked-version-changed` warning on stderr, and with
`--log` refuse: a logged decision must rest on the reviewed figures.
"""
from __future__ import annotations

import json
import shutil

import pytest

from support import ROOT

DEMO = ROOT / "policies" / "demo" / "2026-01-01.yaml"
CASE = ROOT / "examples" / "demo-consumer.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch, run_cli):
    (tmp_path / "policies" / "demo").mkdir(parents=True)
    shutil.copy(DEMO, tmp_path / "policies" / "demo" / "2026-01-01.yaml")
    monkeypatch.chdir(tmp_path)
    assert run_cli("lock")[0] == 0
    return tmp_path


def _tamper(project):
    version = project / "policies" / "demo" / "2026-01-01.yaml"
    text = version.read_text(encoding="utf-8")
    assert "max: 38 NOK" in text
    version.write_text(text.replace("max: 38 NOK", "max: 40 NOK"), encoding="utf-8")


def test_an_untouched_locked_version_decides_without_a_lock_warning(project, run_cli):
    code, out, err = run_cli("decide", CASE, "--policies", "policies", "--no-trace")
    assert "locked-version-changed" not in err
    assert json.loads(out)["action"]


def test_an_edited_locked_version_decides_with_a_warning(project, run_cli):
    _tamper(project)
    code, out, err = run_cli("decide", CASE, "--policies", "policies", "--no-trace")
    assert json.loads(out)["action"]                        # still decided: an officer may be trying a fix
    assert "policies/demo/2026-01-01.yaml:5:12: warning[locked-version-changed]" in err, err
    code, out, err = run_cli("explain", CASE, "--policies", "policies")
    assert "warning[locked-version-changed]" in err and out


def test_an_edited_locked_version_is_never_logged(project, run_cli, tmp_path):
    _tamper(project)
    log = tmp_path / "decisions.sqlite"
    code, out, err = run_cli("decide", CASE, "--policies", "policies", "--no-trace", "--log", log)
    assert code == 1 and out == ""
    assert "error[locked-version-changed]" in err and "logged only on locked versions" in err
    assert "nothing was decided" in err
    assert not log.exists()                             # refused before the log was opened


def test_batch_warns_and_refuses_to_log_on_an_edited_locked_version(project, run_cli, tmp_path):
    import yaml
    _tamper(project)
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(yaml.safe_load(CASE.read_text(encoding="utf-8")), default=str) + "\n", encoding="utf-8")
    out_file = tmp_path / "out.csv"
    code, out, err = run_cli("batch", cases, "-o", out_file, "--policies", "policies", "--no-progress")
    assert code == 0 and "warning[locked-version-changed]" in err, err
    log = tmp_path / "decisions.sqlite"
    out_file.unlink()
    code, out, err = run_cli("batch", cases, "-o", out_file, "--policies", "policies", "--no-progress", "--log", log)
    assert code == 1 and "error[locked-version-changed]" in err, err
    assert not log.exists() and not out_file.exists()


def test_the_warning_and_the_refusal_speak_the_language_of_lang(project, run_cli, tmp_path):
    _tamper(project)
    code, out, err = run_cli("decide", CASE, "--policies", "policies", "--no-trace", "--lang", "nb")
    assert json.loads(out)["action"]
    assert ("policies/demo/2026-01-01.yaml:5:12: advarsel[locked-version-changed]: den publiserte versjonen "
            "`demo@2026-01-01` er endret etter at den ble låst") in err, err
    assert "= hjelp: publiserte versjoner kan ikke endres: sett filen tilbake" in err, err
    log = tmp_path / "decisions.sqlite"
    code, _, err = run_cli("decide", CASE, "--policies", "policies", "--no-trace", "--log", log, "--lang", "nb")
    assert code == 1 and "; en avgjørelse loggføres bare med låste versjoner" in err, err
    assert "ingenting ble avgjort" in err and not log.exists()
