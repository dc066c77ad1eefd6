"""The output registry (engine/policy/outputs.py) is the one list of decision outputs.

The schemas' output parts are generated from it (and must be current); every output has
its words in every explanation language; and an output added to a copy of the registry —
nothing else changed — is checked, decided by all three evaluators, printed in the decision
JSON and its schema, batched, explained, diffed, projected by the timeline and expected by
an example.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import polars as pl
import pytest

from engine.core import schema_check
from engine.policy import locale as locales
from engine.lang import types as T
from engine.policy import outputs as registry
from engine.review.output_files import render

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schemas_and_page_describe_the_registry():
    for path, text in render(ROOT / "schemas", ROOT / "docs").items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.relative_to(ROOT)} is stale: regenerate with `python -m engine.review.output_files`"


def test_every_output_has_words_in_every_language():
    found, _, problems = locales.load_locales(["policies"])
    assert problems == [] and {"en", "nb"} <= set(found)
    for lang, locale in found.items():
        missing = [o.label for o in registry.all_outputs() if o.label not in locale.words["outputs"]]
        assert not missing, (lang, missing)


def test_the_law_reads_single_values_and_timeline_kinds_are_known():
    for o in registry.all_outputs():
        assert o.law in (None, "charge", "value") and o.timeline in (None, "field", "cost", "when"), o
        assert o.law is None or o.form == registry.VALUE, o
        assert o.law != "charge" or o.type == T.MONEY, o
        assert o.type in (T.MONEY, T.DATE, T.PERCENT), o     # the types every reader renders


def test_every_rule_key_in_the_policies_is_an_output_or_fixed():
    """A rule key the registry does not know would be refused by the generated schema."""
    rule = json.loads((ROOT / "schemas" / "policy.schema.json").read_text())["$defs"]["rule"]["properties"]
    assert set(rule) == set(registry.RULE_FIXED) | set(registry.rule_outputs())
    # docs/review.md: an example may expect every output, the step and the claims set aside
    expect = json.loads((ROOT / "schemas" / "policy.schema.json").read_text())["$defs"]["example"]["properties"]["expect"]
    assert set(expect["properties"]) == set(registry.EXPECT_FIXED) | {o.name for o in registry.all_outputs()}


POLICY = """\
policy: post
effective: {effective}
title: {{nb: "Post", en: "Post"}}
parameters:
  letter_days: {{value: {days} days, source: "house rule"}}
  postage: {{value: 12.50 NOK, source: "price list"}}
definitions:
  principal: sum(c.amount for c in claims)
amounts:
  principal: principal
rules:
  - id: letter
    when: principal > 100 NOK
    action: send_letter
    postage: postage
    vat_rate: 25 %
    letter_date: as_of + letter_days
    explain: {{nb: "Send brev.", en: "Send a letter."}}
  - id: wait
    when: true
    action: wait
    explain: {{nb: "Vent.", en: "Wait."}}
examples:
  - name: a letter
    as_of: 2026-03-02
    case: {{case_id: E-1, creditor: {{vat_registered: true}}, debtor: {{kind: consumer}},
           claims: [{{invoice: "1", amount: "500.00", due: 2026-01-15}}]}}
    expect: {{action: send_letter, postage: "12.50", vat_rate: "25 %", letter_date: "{letter}"}}
"""

CASE = """\
case_id: C-1
policy: post
as_of: 2026-03-02
creditor: {vat_registered: true}
debtor: {kind: consumer}
claims: [{invoice: "1", amount: "500.00", due: "2026-01-15"}]
"""

# The outputs added: a Date the law does not read, a Money, a Percent.
NEW = (registry.Output("letter_date", T.DATE, "letter_date", "When the letter is sent.", timeline="when",
                       when_prefix="letter "),
       registry.Output("postage", T.MONEY, "postage", "What the letter costs to post."),
       registry.Output("vat_rate", T.PERCENT, "vat_rate", "The VAT rate on the fee.", diff=False))


@pytest.fixture
def added(tmp_path, monkeypatch):
    """The registry with three more outputs (and their words), the schemas regenerated into tmp."""
    monkeypatch.setattr(registry, "OUTPUTS", registry.OUTPUTS + NEW)
    new_words = {lang: dict(zip((o.label for o in NEW), words))
                 for lang, words in (("en", ("letter date", "postage", "VAT rate")), ("nb", ("brevdato", "porto", "mva-sats")))}
    real = locales._load

    def with_new_words(path, shown):               # the locale files as if they had the new labels
        found, problems = real(path, shown)
        if found is not None and found.code in new_words:
            found.words["outputs"] = {**found.words["outputs"], **new_words[found.code]}
        return found, problems
    monkeypatch.setattr(locales, "_load", with_new_words)
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    from engine.review.output_files import main
    (tmp_path / "docs").mkdir()
    main([str(schemas), str(tmp_path / "docs")])
    monkeypatch.setattr(schema_check, "SCHEMA_DIR", schemas)
    _forget_schemas()
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    policies = tmp_path / "policies" / "post"
    policies.mkdir(parents=True)
    for effective, days, letter in (("2026-01-01", 7, "2026-03-09"), ("2026-02-01", 10, "2026-03-12")):
        (policies / f"{effective}.yaml").write_text(POLICY.format(effective=effective, days=days, letter=letter))
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "c1.yaml").write_text(CASE)
    yield tmp_path
    _forget_schemas()


def _forget_schemas() -> None:
    schema_check.load_schema.cache_clear()
    schema_check._validator.cache_clear()


def test_an_output_added_to_the_registry_reaches_every_reader(added, run_cli):
    from engine.batch.api import decide_table
    from engine.batch.io import flat_row
    from engine.batch.output import row_json
    from engine.check.pipeline import load_catalog
    from engine.decide.decision import decide_case
    from engine.policy.case import load_case

    schemas = added / "schemas"
    decision_schema = json.loads((schemas / "decision.schema.json").read_text())
    policy_schema = json.loads((schemas / "policy.schema.json").read_text())
    for o in NEW:
        assert o.name in decision_schema["properties"]
        assert o.name not in decision_schema["required"]        # stored format-1 decisions stay valid
        assert o.name in policy_schema["$defs"]["rule"]["properties"]
        assert o.name in policy_schema["$defs"]["example"]["properties"]["expect"]["properties"]

    catalog, problems = load_catalog([added / "policies"])
    assert not [d for d in problems if d.is_error], [d.message for d in problems]
    case = load_case(str(added / "cases" / "c1.yaml"))
    day = dt.date(2026, 3, 2)
    reference = decide_case(catalog, case, day, trace=True).to_dict(include_trace=False)
    compiled = decide_case(catalog, case, day, fast=True).to_dict(include_trace=False)
    # 2026-03-02 + 10 days (the 2026-02-01 version) = 2026-03-12
    want = {"letter_date": "2026-03-12", "postage": "12.50", "vat_rate": "25 %"}
    assert {k: reference[k] for k in want} == want
    assert compiled == reference
    jsonschema.Draft202012Validator(decision_schema).validate(reference)
    checked = catalog.checked["post@2026-02-01"].rules[0].outputs
    assert (checked["letter_date"].type, checked["postage"].type, checked["vat_rate"].type) == (T.DATE, T.MONEY, T.PERCENT)

    frame = pl.DataFrame([flat_row({**case.data, "as_of": "2026-03-02", "claims": [
        {"invoice": "1", "amount": "500.00", "due": "2026-01-15"}]})], infer_schema_length=None)
    decided, rejected = decide_table(frame, "post", day, catalog)
    assert rejected.height == 0
    assert {"letter_date", "postage", "vat_rate"} <= set(decided.columns)
    row = decided.row(0, named=True)
    assert (row["letter_date"], str(row["postage"]), row["vat_rate"]) == (dt.date(2026, 3, 12), "12.50", "25 %")
    assert {k: row_json(row)[k] for k in want} == want

    code, out, _ = run_cli("explain", added / "cases" / "c1.yaml", "--policies", added / "policies", "--lang", "nb")
    assert code == 0 and "brevdato" in out and "porto" in out and "mva-sats" in out

    code, out, err = run_cli("diff", "post@2026-01-01", "post@2026-02-01", "--cases", added / "cases",
                             "--policies", added / "policies", "--format", "json")
    assert code == 0, err
    (group,) = json.loads(out)["groups"]
    (changed,) = group["cases"]
    assert changed["fields"] == [{"field": "letter_date", "old": "2026-03-09", "new": "2026-03-12"}]

    code, out, err = run_cli("timeline", added / "cases" / "c1.yaml", "--policies", added / "policies",
                             "--until", "2026-03-03", "--format", "json")
    assert code == 0, err
    first = json.loads(out)["rows"][0]
    assert (first["letter_date"], first["postage"]) == ("2026-03-12", "12.50")
    code, out, err = run_cli("timeline", added / "cases" / "c1.yaml", "--policies", added / "policies",
                             "--until", "2026-03-03")
    assert "letter 2026-03-12" in out, out

    code, out, err = run_cli("test", added / "policies")
    assert code == 0, out + err
