"""Version resolution by effective date, drafts, and `uses` bound by the decision date.

Fixture: `tests/fixtures/versions/`
  law   2025-01-01 (sats 700) · 2025-07-01 (720) · 2026-01-01 (750) · 2027-01-01 draft (800)
  proc  2025-01-01 uses law; fee = min(35 NOK, law.reminder_cap), commission = 5 % of law.sats
        2027-01-01 draft; fee = min(40 NOK, law.reminder_cap)
"""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from support import TESTS
from engine.policy.case import load_case
from engine.decide.decision import decide_case
from engine.core.errors import UsageError
from engine.check.pipeline import load_catalog
from engine.policy.model import PolicySet
from engine.policy.versions import duplicate_dates, in_force, overlapping, uses_order, valid_until

FIXTURE = TESTS / "fixtures" / "versions"
CASE = TESTS / "fixtures" / "cases" / "proc.yaml"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def catalog():
    catalog, problems = load_catalog([FIXTURE])
    assert [d for d in problems if d.is_error] == []
    return catalog


@pytest.fixture(scope="module")
def law(catalog):
    return catalog.versions("law")


def dates(versions) -> list[str]:
    return [v.effective.isoformat() for v in versions]


def test_versions_are_sorted_by_effective_date(law):
    assert dates(law) == ["2025-01-01", "2025-07-01", "2026-01-01", "2027-01-01"]
    assert [v.is_draft for v in law] == [False, False, False, True]


@pytest.mark.parametrize("on, published, with_drafts", [
    ("2024-12-31", None, None),
    ("2025-01-01", "2025-01-01", "2025-01-01"),
    ("2025-06-30", "2025-01-01", "2025-01-01"),
    ("2025-07-01", "2025-07-01", "2025-07-01"),
    ("2025-12-31", "2025-07-01", "2025-07-01"),
    ("2026-01-01", "2026-01-01", "2026-01-01"),
    ("2026-12-31", "2026-01-01", "2026-01-01"),
    ("2027-01-01", "2026-01-01", "2027-01-01"),     # the draft only when asked for
    ("2030-01-01", "2026-01-01", "2027-01-01"),
])
def test_in_force(law, on, published, with_drafts):
    def effective(v):
        return v.effective.isoformat() if v is not None else None
    assert effective(in_force(law, day(on))) == published
    assert effective(in_force(law, day(on), include_drafts=True)) == with_drafts


def test_valid_until(law):
    until = {v.effective.isoformat(): valid_until(law, v) for v in law}
    assert until == {
        "2025-01-01": day("2025-06-30"),
        "2025-07-01": day("2025-12-31"),
        "2026-01-01": None,          # drafts do not end a published version
        "2027-01-01": None,
    }


@pytest.mark.parametrize("start, end, drafts, expected", [
    ("2025-03-01", "2025-08-01", False, ["2025-01-01", "2025-07-01"]),
    ("2025-07-01", "2025-12-31", False, ["2025-07-01"]),
    ("2025-06-30", "2025-07-01", False, ["2025-01-01", "2025-07-01"]),
    ("2025-01-01", None, False, ["2025-01-01", "2025-07-01", "2026-01-01"]),
    ("2026-06-01", None, True, ["2026-01-01", "2027-01-01"]),
    ("2024-01-01", "2024-12-31", False, []),
])
def test_overlapping(law, start, end, drafts, expected):
    assert dates(overlapping(law, day(start), day(end) if end else None, include_drafts=drafts)) == expected


def test_overlapping_with_drafts_ends_a_version_at_the_next_draft(law):
    assert dates(overlapping(law, day("2027-01-01"), None, include_drafts=True)) == ["2027-01-01"]


def test_a_draft_cap_is_checked_only_against_versions_it_can_run_with(run_cli):
    code, out, _ = run_cli("validate", "tests/fixtures/versions/law", "tests/fixtures/draft-cap/proc",
                           "--today", "2026-06-01")
    assert code == 0, out


def test_uses_order_puts_used_policies_first(catalog):
    order, problems = uses_order(catalog.policies)
    assert problems == [] and order == ["law", "proc"]


def test_a_draft_and_a_published_version_may_share_a_date():
    def version(effective, draft):
        return SimpleNamespace(effective=day(effective), is_draft=draft, document=None)
    policies = PolicySet({"p": [version("2026-01-01", False), version("2026-01-01", True)]})
    assert duplicate_dates(policies) == []


# --- Catalog.resolve and Catalog.bind ------------------------------------------------------

def test_resolve_by_date(catalog):
    assert catalog.resolve("law", day("2025-03-01")).version.key == "law@2025-01-01"
    assert catalog.resolve("law", day("2025-12-31")).version.key == "law@2025-07-01"
    assert catalog.resolve("law", day("2027-03-01")).version.key == "law@2026-01-01"
    assert catalog.resolve("law", day("2027-03-01"), include_drafts=True).version.key == "law@2027-01-01-draft"


def test_resolve_pinned(catalog):
    assert catalog.resolve("law", day("2030-01-01"), pinned="2025-07-01").version.key == "law@2025-07-01"
    with pytest.raises(UsageError, match=r"policy `law` has no version 2024-01-01 \(versions: 2025-01-01, "):
        catalog.resolve("law", day("2030-01-01"), pinned="2024-01-01")


def test_resolve_refuses_unknown_policies_and_early_dates(catalog):
    with pytest.raises(UsageError, match=r"unknown policy `lawz`: did you mean `law`\? \(known: law, proc\)"):
        catalog.resolve("lawz", day("2026-01-01"))
    with pytest.raises(UsageError, match=r"no version of `law` is in force on 2024-12-31 \(the first takes effect 2025-01-01\)"):
        catalog.resolve("law", day("2024-12-31"))


@pytest.mark.parametrize("on, drafts, proc, law", [
    ("2025-03-01", False, "proc@2025-01-01", "law@2025-01-01"),
    ("2025-09-01", False, "proc@2025-01-01", "law@2025-07-01"),
    ("2026-03-01", False, "proc@2025-01-01", "law@2026-01-01"),
    ("2027-03-01", False, "proc@2025-01-01", "law@2026-01-01"),
    ("2027-03-01", True, "proc@2027-01-01-draft", "law@2027-01-01-draft"),
])
def test_bind_picks_the_used_version_in_force_on_the_decision_date(catalog, on, drafts, proc, law):
    main = catalog.resolve("proc", day(on), include_drafts=drafts)
    bindings = catalog.bind(main, day(on), include_drafts=drafts)
    assert {name: b.checked.version.key for name, b in bindings.items()} == {"proc": proc, "law": law}


@pytest.mark.parametrize("on, drafts, rule, fee, commission, law", [
    ("2025-03-01", False, "remind", "35.00", "35.00", "2025-01-01"),       # cap 35 = 700 / 20
    ("2025-09-01", False, "remind", "35.00", "36.00", "2025-07-01"),       # 720 / 20
    ("2026-03-01", False, "remind", "35.00", "37.50", "2026-01-01"),       # 750 / 20; the cap rounds to 38
    ("2027-03-01", False, "remind", "35.00", "37.50", "2026-01-01"),       # the drafts are ignored
    ("2027-03-01", True, "remind-2027", "40.00", "40.00", "2027-01-01"),   # both drafts in force
])
def test_decisions_use_the_figures_in_force(catalog, on, drafts, rule, fee, commission, law):
    case = load_case(CASE)
    decision = decide_case(catalog, case, day(on), include_drafts=drafts).to_dict(include_trace=False)
    assert (decision["rule"], decision["fee"], decision["commission"]["amount"]) == (rule, fee, commission)
    assert [(u["name"], u["version"]) for u in decision["policy"]["uses"]] == [("law", law)]


def test_decide_cli_reports_the_used_versions(run_cli):
    code, out, err = run_cli("decide", "tests/fixtures/cases/proc.yaml", "--policies", "tests/fixtures/versions",
                             "--as-of", "2025-09-01", "--no-trace")
    assert code == 0, err
    policy = json.loads(out)["policy"]
    assert (policy["name"], policy["version"], policy["status"]) == ("proc", "2025-01-01", "published")
    assert [(u["name"], u["version"]) for u in policy["uses"]] == [("law", "2025-07-01")]


def test_decide_cli_uses_drafts_only_when_asked(run_cli):
    argv = ["decide", "tests/fixtures/cases/proc.yaml", "--policies", "tests/fixtures/versions",
            "--as-of", "2027-03-01", "--no-trace"]
    _, without, _ = run_cli(*argv)
    _, with_drafts, _ = run_cli(*argv, "--include-drafts")
    assert json.loads(without)["policy"]["status"] == "published"
    assert json.loads(with_drafts)["policy"]["status"] == "draft"
    assert json.loads(with_drafts)["fee"] == "40.00"


def test_decide_cli_pinned_version(run_cli):
    code, out, _ = run_cli("decide", "tests/fixtures/cases/proc.yaml", "--policies", "tests/fixtures/versions",
                           "--as-of", "2027-03-01", "--policy", "proc@2027-01-01", "--no-trace")
    assert code == 0
    assert json.loads(out)["rule"] == "remind-2027"


def test_decide_before_any_version_is_a_usage_error(run_cli):
    code, _, err = run_cli("decide", "tests/fixtures/cases/proc.yaml", "--policies", "tests/fixtures/versions",
                           "--as-of", "2024-06-01")
    assert code == 2
    assert err == "error: no version of `proc` is in force on 2024-06-01 (the first takes effect 2025-01-01)\n"


def test_draft_examples_run_with_drafts(run_cli):
    code, out, _ = run_cli("validate", "tests/fixtures/versions", "--today", "2026-06-01")
    assert code == 0, out
    # the one warning: the fixture's process is Norwegian and the catalog holds no no-regulation
    assert "6 policy version(s), 2 example(s) checked; 0 error(s), 1 warning(s)" in out
    assert "warning[unbound-by-law]" in out


def test_a_used_policy_must_cover_the_whole_validity_of_its_user(run_cli):
    code, out, _ = run_cli("validate", "tests/fixtures/uses-gap", "--today", "2026-06-01")
    assert code == 1
    assert "unknown-policy-version" in out
