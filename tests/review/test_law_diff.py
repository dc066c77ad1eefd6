"""`frin diff` for every policy, the law first (issue 11, problem 1).

Every pair of consecutive bundled versions of every policy is diffed (the pairs are found
in the catalog, never listed here) in all four formats; a law diff names the changed
figures, the process policies that read them, and the decisions they change over the
whole corpus (`tests/cases`, every process's cases, by default).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from support.catalogs import bundled_catalog
from engine.review.diff_render import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
CATALOG, _ = bundled_catalog(ROOT / "policies")


def _pairs() -> list:
    out = []
    for name in CATALOG.policies.names():
        published = [v for v in CATALOG.versions(name) if not v.is_draft]
        for old, new in zip(published, published[1:]):
            out.append(pytest.param(old.key, new.key, id=f"{old.key}..{new.effective}"))
        drafts = [v for v in CATALOG.versions(name) if v.is_draft]
        for draft in drafts:   # a draft is reviewed against the published version it would follow
            before = [v for v in published if v.effective <= draft.effective]
            if before:
                out.append(pytest.param(before[-1].key, draft.key, id=f"{before[-1].key}..draft-{draft.effective}"))
    return out


def test_the_law_has_consecutive_versions_to_diff():
    assert sum(1 for p in _pairs() if p.values[0].startswith("no-regulation@")) >= 2


def test_the_reported_law_diff_no_longer_crashes(run_cli):
    # issue 11 #1: this ended in "internal error: TypeError: Object of type Decimal ..." (exit 101)
    code, out, err = run_cli("diff", "no-regulation@2026-01-01", "no-regulation@2026-07-01", "--cases", "tests/cases/kravia")
    assert (code, err) == (0, "") and "changed parameter `late_interest`" in out


@pytest.mark.parametrize("old, new", _pairs())
def test_every_consecutive_pair_diffs_in_every_format(run_cli, old, new):
    # one run (a diff decides the whole corpus under both versions): the JSON report, and the
    # exit code `--fail-on-change` gives it (checked against the report's own count below)
    code, out, err = run_cli("diff", old, new, "--format", "json", "--fail-on-change")
    assert code in (0, 1) and err == "", err
    data = json.loads(out)
    assert data["cases_dir"] == "tests/cases"            # the whole corpus by default
    assert data["changes"], f"{old} and {new} are different versions, yet no change is listed"
    s = data["summary"]
    assert s["cases"] == s["changed"] + s["unchanged"]
    assert s["cases"] + s["not_affected"] == sum(1 for f in (ROOT / "tests/cases").rglob("*.yaml"))
    text, markdown, html = (RENDERERS[f](data) for f in ("text", "markdown", "html"))
    assert text.startswith(f"diff {old} → {new}")
    assert "<h4>Changes in the policy file</h4>" in MarkdownIt("commonmark").enable("table").render(markdown)
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    if new.startswith("no-regulation@"):                  # the law: every process that uses it is listed
        assert {u["policy"] for u in data["users"]} == {"conta", "egeninkasso", "fiken-kravia", "kravia"}
    assert code == (1 if s["changed"] else 0)


def test_a_sats_change_names_the_figure_its_readers_and_the_fees_it_changes(run_json):
    d = run_json("diff", "no-regulation@2025-07-01", "no-regulation@2026-01-01", "--as-of", "2026-03-02")
    (sats,) = [c for c in d["changes"] if c["name"] == "inkassosats"]
    assert ("value", "700 NOK", "750 NOK") in [(f["field"], f["old"], f["new"]) for f in sats["fields"]]
    users = {u["policy"]: u["reads"] for u in d["users"]}
    # kravia caps its salær with law.salaer_lett_cap, which reads the sats (a definition that changed with it)
    assert {"inkassovarsel_fee", "salaer_lett_cap"} <= set(users["kravia"])
    # fiken-kravia reaches the law through kravia's definitions
    assert "kravia.varsel_fee" in users["fiken-kravia"]
    k01 = next(c for g in d["groups"] for c in g["cases"] if c["case_id"] == "K01-FRESH-CONSUMER")
    # inkassoforskriften § 1-2: the inkassovarsel fee is 1/20 of the sats.
    #   2025-07-01: 700 / 20 = 35.00;  2026-01-01: 750 / 20 = 37.50, rounded to whole kroner
    #   since FOR-2025-12-19-2709 -> 38.00
    assert {"field": "fee", "old": "35.00", "new": "38.00"} in k01["fields"]
    assert "inkassovarsel_fee" in k01["figures"] and k01["policy"] == "kravia@2024-01-01"


def test_a_schedule_is_compared_entry_by_entry(run_json):
    d = run_json("diff", "no-regulation@2026-01-01", "no-regulation@2026-07-01")
    (rate,) = [c for c in d["changes"] if c["name"] == "late_interest"]
    assert {"field": "from 2026-07-01", "old": None, "new": "12.25 % (FOR-2026-06-25-1372)"} in rate["fields"]
    assert not any(f["field"] == "from 2026-01-01" for f in rate["fields"])   # unchanged entries are not listed
