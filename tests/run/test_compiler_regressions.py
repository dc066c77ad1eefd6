"""Regressions from issue 13: the fast path decided differently from the reference, or crashed.

Each policy here is written out as a person would write it; each test decides on every
path (reference with trace, compiled `--no-trace`, columnar batch) and compares every
field, or checks that validate refuses what no evaluator could run.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from engine.batch.api import decide_table
from engine.batch.io import flat_row
from engine.batch.output import row_json
from engine.policy.case import case_from_data
from engine.run.compiler import _Emitter
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from engine.verify.parity import columnar_fields

DAY = dt.date(2026, 3, 2)
CASE = {"case_id": "R-1", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
        "claims": [{"invoice": "1", "amount": "5000.00", "due": "2026-01-15"},
                   {"invoice": "2", "amount": "50.00", "due": "2026-01-15"}],
        "payments": [{"date": "2026-02-01", "amount": "200.00"}]}
_COLUMNAR = columnar_fields()


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "policies" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "policies"


def policy(name: str, body: str, effective: str = "2026-01-01") -> str:
    return f'policy: {name}\neffective: {effective}\ntitle: {{nb: "t", en: "t"}}\n{body}'


def every_path(folder: Path, name: str, doc: dict = CASE) -> list[dict]:
    """The decision of `doc` by the reference, compiled and columnar evaluators (compared keys)."""
    catalog, problems = load_catalog([folder])
    assert not [d for d in problems if d.is_error], problems
    ref = decide_case(catalog, case_from_data(doc), DAY, policy=name, trace=True).to_dict(include_trace=False)
    fast = decide_case(catalog, case_from_data(doc), DAY, policy=name, fast=True).to_dict(include_trace=False)
    assert fast == ref                                           # every field
    decisions, rejects = decide_table(pl.DataFrame([flat_row(doc)]), name, DAY, folder)
    assert rejects.height == 0, rejects.to_dicts()
    row = row_json(decisions.row(0, named=True))
    assert {k: row[k] for k in _COLUMNAR} == {k: ref[k] for k in _COLUMNAR}
    return ref


MID = """definitions:
{pay}  n_disputed: count(c for c in claims where c.disputed)
  n_mid: count(x for x in claims where x.amount > 100 NOK and x.amount < 1000 NOK)
rules:
  - id: has-mid
    when: {when}n_disputed >= 0 and n_mid > 0
    action: has_mid
    explain: {{nb: "m", en: "m"}}
  - id: no-mid
    when: true
    action: no_mid
    explain: {{nb: "m", en: "m"}}
"""


@pytest.mark.parametrize("with_payments", [True, False])
def test_aggregates_fused_over_one_list_read_their_own_item(tmp_path, with_payments):
    """5000.00 and 50.00 are not between 100 and 1000: `no_mid` (the compiled path said `has_mid`,
    reading the payment's amount; without `n_pay` it raised UnboundLocalError)."""
    body = MID.format(pay="  n_pay: count(x for x in payments)\n" if with_payments else "",
                      when="n_pay >= 0 and " if with_payments else "")
    folder = write(tmp_path, {"mid/2026-01-01.yaml": policy("mid", body)})
    assert every_path(folder, "mid")["action"] == "no_mid"
    inside = json.loads(json.dumps(CASE))
    inside["claims"][1]["amount"] = "500.00"
    assert every_path(folder, "mid", inside)["action"] == "has_mid"


def test_generated_names_cannot_collide(tmp_path):
    """Policy `q-` with parameter `a` and policy `q` with parameter `_a` were both `k_q___a`."""
    used = policy("q-", "parameters:\n  a: {value: 10 NOK, source: src}\n  _a: {value: 30 NOK, source: src}\n"
                        "definitions:\n  b: a + 1 NOK\n  _b: _a + 1 NOK\n")
    main = policy("q", 'uses: {u: q-}\nparameters:\n  _a: {value: 20 NOK, source: src}\n  a: {value: 40 NOK, source: src}\n'
                       "definitions:\n  b: _a + 2 NOK\n  _b: a + 2 NOK\n"
                       "amounts:\n  x: u.a + 100 * _a + 10000 * u._a + 1000000 * a\n"
                       "  y: u.b + 100 * b + 10000 * u._b + 1000000 * _b\n"
                       "rules:\n  - id: distinct\n    when: _a != u.a and u.b != b\n    action: ok\n"
                       '    explain: {nb: "x", en: "x"}\n  - id: same\n    when: true\n    action: wrong\n'
                       '    explain: {nb: "x", en: "x"}\n')
    folder = write(tmp_path, {"q-/2026-01-01.yaml": used, "q/2026-01-01.yaml": main})
    decision = every_path(folder, "q")
    assert decision["action"] == "ok"
    # 10 + 100·20 + 10000·30 + 1000000·40; 11 + 100·22 + 10000·31 + 1000000·42
    assert decision["amounts"] == {"x": "40302010.00", "y": "42312211.00"}


ADVERSARIAL = ["a", "_a", "a_", "__a", "a__b", "a_b", "q", "q-", "q--", "q-_", "-", "_", "", "q\n", "ø", "q_2d_",
               "k1_a", "d1_a", "x" * 60, "x" * 61, "a.b", "a b", "1"]


def test_the_symbol_table_is_injective_over_adversarial_names():
    emitter = _Emitter({})
    keys = [(kind, p, n) for kind in ("d", "k", "cal") for p in ADVERSARIAL for n in ADVERSARIAL]
    names = [emitter.symbol(*key) for key in keys]
    assert len(set(names)) == len(keys)
    assert all(n.isidentifier() for n in names)
    assert [emitter.symbol(*key) for key in keys] == names          # stable: one name per key


@pytest.mark.parametrize("field,value", [("policy", "mid\\n"), ("rule id", "has-mid\\n"),
                                         ("definition", "n_mid\\n"), ("parameter", "k\\n")])
def test_names_ending_in_a_newline_are_refused(tmp_path, run_cli, field, value):
    text = ('policy: "mid"\neffective: 2026-01-01\ntitle: {nb: "t", en: "t"}\n'
            'parameters:\n  "k": {value: 1 NOK, source: src}\ndefinitions:\n  "n_mid": "1"\n'
            'rules:\n  - id: "has-mid"\n    when: true\n    action: a\n    explain: {nb: "x", en: "x"}\n')
    original = {"policy": '"mid"', "rule id": '"has-mid"', "definition": '"n_mid"', "parameter": '"k"'}[field]
    text = text.replace(original, f'"{value}"', 1)
    folder = write(tmp_path, {"mid/2026-01-01.yaml": text})
    code, out, err = run_cli("validate", str(folder))
    assert code == 1, out
    assert "error[invalid-value]" in out or "error[schema-violation]" in out, out
    assert "Traceback" not in out + err


def test_a_used_figure_whose_unit_changes_between_versions_is_a_type_error(tmp_path, run_cli):
    """`14 days` in one version and `1 month` in the next: validate passed, then decide crashed
    (TypeError … Months) once the second version was in force."""
    law = "parameters:\n  wait: {{value: {v}, source: src}}\n"
    proc = policy("proc", "uses: {law: lw}\nrules:\n  - id: late\n    when: as_of >= 2026-01-01 + law.wait\n"
                          '    action: act\n    explain: {nb: "x", en: "x"}\n'
                          '  - id: wait\n    when: true\n    action: wait\n    explain: {nb: "x", en: "x"}\n')
    folder = write(tmp_path, {"lw/2026-01-01.yaml": policy("lw", law.format(v="14 days")),
                              "lw/2026-07-01.yaml": policy("lw", law.format(v="1 month"), "2026-07-01"),
                              "proc/2026-01-01.yaml": proc})
    code, out, err = run_cli("validate", str(folder))
    assert code == 1
    assert "proc/2026-01-01.yaml:7:33: error[type-differs-between-versions]" in out
    assert "lw@2026-01-01 but Duration(months) with lw@2026-07-01" in out


def test_rule_ids_reach_generated_code_only_as_literals(tmp_path):
    folder = write(tmp_path, {"mid/2026-01-01.yaml": policy("mid", MID.format(pay="", when=""))})
    catalog, _ = load_catalog([folder])
    from engine.decide.decision import compiled_for
    checked = catalog.checked["mid@2026-01-01"]
    source = compiled_for(catalog, catalog.bind(checked, DAY), "mid").source
    assert "# rule 0: 'has-mid'" in source


def _examples_checked_again(monkeypatch) -> None:
    """The engine's files are unchanged, so the record that this catalog's examples passed would be
    reused: name it differently, so every example goes through every evaluator again. (Not
    FRIST_NO_CACHE: that would also redo the law search over every process, which runs no example
    and which the records of the first, clean run keep.)"""
    import engine.verify.cache as verified
    real = verified.catalog_key
    monkeypatch.setattr(verified, "catalog_key", lambda catalog, check: real(catalog, f"{check} (checked again)"))


def _bug_in(monkeypatch, evaluator: str) -> None:
    """Simulate a bug in one evaluator: it reports every fee one krone higher."""
    from decimal import Decimal

    import engine.batch.output as output
    import engine.decide.decision as decision
    _examples_checked_again(monkeypatch)
    if evaluator == "compiled":
        real = decision._run_compiled

        def wrong(*args):
            rule, outputs, amounts = real(*args)
            return rule, {k: v + 1 if k == "fee" else v for k, v in outputs.items()}, amounts
        monkeypatch.setattr(decision, "_run_compiled", wrong)
    else:
        real_row = output.row_json

        def wrong_row(row):
            got = real_row(row)
            got["fee"] = None if got["fee"] is None else f"{Decimal(got['fee']) + 1:.2f}"
            return got
        monkeypatch.setattr(output, "row_json", wrong_row)


@pytest.mark.parametrize("evaluator", ["compiled", "columnar"])
def test_validate_runs_every_example_through_every_evaluator(monkeypatch, run_cli, evaluator):
    code, out, _ = run_cli("validate", "policies/demo")
    assert code == 0, out
    _bug_in(monkeypatch, evaluator)
    code, out, _ = run_cli("validate", "policies/demo")
    assert code == 1
    # the planted bug adds 1 NOK to the fee: the columnar evaluator reports the fee; the compiled
    # one's 39.00 breaks the law's purring fee cap first, so its decision is held (legal_review)
    assert (f"error[evaluator-mismatch]: example `consumer, 45 days overdue, nothing sent`: "
            f"the {evaluator} evaluator gives ") in out
    assert ("fee `39.00`, the reference `38.00`" in out) or ("action `legal_review`, the reference `send_reminder`" in out)


def test_an_evaluator_that_crashes_on_an_example_is_reported_not_raised(monkeypatch, run_cli):
    import engine.decide.decision as decision

    def crash(*args):
        raise NameError("name 'v_x' is not defined")
    monkeypatch.setattr(decision, "_run_compiled", crash)
    _examples_checked_again(monkeypatch)                # (as in `_bug_in`)
    code, out, err = run_cli("validate", "policies/demo")
    assert code == 1, err
    assert "the compiled evaluator crashed: NameError: name 'v_x' is not defined" in out
