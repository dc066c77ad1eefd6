"""`frin timeline`: a case projected forward across policy versions.

The fixture policy tests/fixtures/review/policies/ladder has a 2025-07-01 and a
2026-01-01 version whose fees differ (reminder 35 → 38, inkassovarsel 70 → 76), so a
ladder started in December 2025 must charge the inkassovarsel at the 2026 figure.
Expected figures are hand-computed in the comments; the rendered outputs are snapshots.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

LADDER = "tests/fixtures/review/policies"
NEW_YEAR = "tests/fixtures/review/cases/crosses-new-year.yaml"


def test_a_step_after_1_january_uses_the_new_years_figures(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER)
    steps = [(r["date"], r["policy"], r["action"], r["fee"], r["payment_deadline"]) for r in t["rows"]]
    # reminder on 2025-12-20 (35 NOK, 2025 figures); deadline 2026-01-03 is a Saturday → Monday 2026-01-05;
    # the next decision is the day after: 2026-01-06, under the 2026-01-01 version (76 NOK, not 70);
    # its deadline 2026-01-20 (a Tuesday) passes, so 2026-01-21 is the legal review, and the ladder ends.
    assert steps == [
        ("2025-12-20", "ladder@2025-07-01", "send_reminder", "35.00", "2026-01-05"),
        ("2026-01-06", "ladder@2026-01-01", "send_inkassovarsel", "76.00", "2026-01-20"),
        ("2026-01-21", "ladder@2026-01-01", "legal_review", None, None),
    ]
    assert [r["version_changes"] for r in t["rows"]] == [
        [], ["ladder@2026-01-01 from 2026-01-06 (was ladder@2025-07-01)"], []]
    assert [r["step"] for r in t["rows"]] == ["reminder", "inkassovarsel", None]
    # the fees the total includes, before each row's fee: none, then the reminder's 35, then 35 + 76 = 111
    assert [r["fees_so_far"] for r in t["rows"]] == ["0.00", "35.00", "111.00"]
    # 1000 NOK from 2025-11-20: 30 days at 12.25 % = 10.07; by 2026-01-21 the days 21 Nov–31 Dec (41) at
    # 12.25 % and 1–21 Jan (21) at 12 %: 13.760 + 6.904 = 20.66
    assert t["rows"][0]["amounts"]["interest"] == "10.07"
    assert t["rows"][2]["amounts"] == {"principal": "1000.00", "interest": "20.66", "fees": "111.00", "total": "1131.66"}
    assert t["end"].startswith("`legal_review` (rule `legal`) takes no step")


def test_the_same_case_decided_entirely_in_2026_never_sees_2025_figures(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER, "--as-of", "2026-01-02")
    assert {r["policy"] for r in t["rows"]} == {"ladder@2026-01-01"}
    assert [r["fee"] for r in t["rows"] if r["step"]] == ["38.00", "76.00"]


def test_a_payment_in_full_closes_the_case_on_its_date(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER, "--pays", "1000@2026-01-10")
    assert [(r["date"], r["action"]) for r in t["rows"]] == [
        ("2025-12-20", "send_reminder"), ("2026-01-06", "send_inkassovarsel"), ("2026-01-10", "close")]
    assert t["rows"][2]["payments"] == [{"date": "2026-01-10", "amount": "1000.00"}]
    assert t["pays"] == [{"date": "2026-01-10", "amount": "1000.00"}]


def test_a_part_payment_leaves_the_ladder_running(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER, "--pays", "500.00@2026-01-10")
    assert [r["action"] for r in t["rows"]] == ["send_reminder", "send_inkassovarsel", "wait", "legal_review"]
    assert t["rows"][2]["not_before"] == "2026-01-21"
    assert t["rows"][3]["amounts"]["principal"] == "1000.00"


def test_until_stops_the_projection(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER, "--until", "2026-01-01")
    assert [r["date"] for r in t["rows"]] == ["2025-12-20"]
    assert t["end"] == "reached --until 2026-01-01"


def test_the_loop_guard_stops_after_max_steps(run_json):
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER, "--max-steps", "2")
    assert len(t["rows"]) == 2 and t["end"] == "stopped after 2 decisions (--max-steps)"


def test_a_wait_moves_to_its_not_before_date(run_json):
    # L-4 is 8 days overdue on 2026-01-10: wait until due + 14 days = 2026-01-16, then the reminder
    t = run_json("timeline", "tests/fixtures/review/cases/fresh.yaml", "--policies", LADDER)
    assert [(r["date"], r["action"]) for r in t["rows"]][:2] == [("2026-01-10", "wait"), ("2026-01-16", "send_reminder")]
    assert t["rows"][0]["step"] is None and t["rows"][0]["fees_so_far"] == "0.00"


@pytest.mark.parametrize("pays", ["500", "x@2026-01-01", "-5@2026-01-01", "500@2026-13-01", "500.005@2026-01-01"])
def test_a_bad_payment_is_a_usage_error(run_cli, pays):
    code, out, err = run_cli("timeline", NEW_YEAR, "--policies", LADDER, f"--pays={pays}")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --pays `{pays}` is not AMOUNT@DATE")


@pytest.mark.parametrize("argv, message", [
    (("--as-of", "2026-01-10", "--until", "2026-01-09"), "error: --until 2026-01-09 is before the start date 2026-01-10\n"),
    (("--max-steps", "0"), "error: --max-steps 0: at least one decision is needed\n"),
])
def test_an_empty_projection_is_a_usage_error(run_cli, argv, message):
    assert run_cli("timeline", NEW_YEAR, "--policies", LADDER, *argv) == (2, "", message)


def test_an_event_after_the_start_date_is_a_case_error(run_cli):
    code, _, err = run_cli("timeline", "examples/demo-consumer.yaml", "--as-of", "2026-02-01")
    assert code == 2 and "error[after-decision-date]" in err


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_rendered_timeline(run_cli, snapshot, fmt):
    code, out, err = run_cli("timeline", NEW_YEAR, "--policies", LADDER, "--pays", "500.00@2026-01-10", "--format", fmt)
    assert (code, err) == (0, "")
    assert out == snapshot


def test_demo_timeline_text(run_cli, snapshot):
    code, out, err = run_cli("timeline", "tests/fixtures/cases/easter.yaml", "--as-of", "2026-03-02")
    assert (code, err) == (0, "")
    assert out == snapshot


def test_timeline_json_fields(run_json):
    # the values are checked above; this is the JSON format's shape, which scripts depend on
    t = run_json("timeline", NEW_YEAR, "--policies", LADDER)
    assert list(t) == ["case_id", "policy", "start", "until", "pays", "rows", "end"]
    assert list(t["rows"][0]) == [
        "date", "policy", "sha256", "versions", "version_changes", "action", "rule", "step", "fee", "salaer",
        "payment_deadline", "not_before", "next_review", "payments", "fees_so_far", "amounts"]
    assert len(t["rows"][0]["sha256"]) == 64 and t["rows"][0]["sha256"] != t["rows"][1]["sha256"]


class _Tables(HTMLParser):
    """Cell texts of every table row, plus the stylesheet and any external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.external: list[str] = []
        self.styles = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "style":
            self.styles += 1
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_timeline_html_is_self_contained_and_shows_each_step(run_cli):
    code, out, _ = run_cli("timeline", NEW_YEAR, "--policies", LADDER, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    parsed = _Tables()
    parsed.feed(out)
    assert parsed.styles == 1 and parsed.external == []
    head, *rows = parsed.rows
    assert head[:4] == ["date", "version", "action (rule)", "fee"]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("2025-12-20", "ladder@2025-07-01", "35.00"), ("2026-01-06", "ladder@2026-01-01", "76.00"),
        ("2026-01-21", "ladder@2026-01-01", "")]
    assert "new version: ladder@2026-01-01 from 2026-01-06" in rows[1][-1]


def test_fees_agree_with_the_total_on_every_row(run_json):
    """issue 20: "fees so far" counted the creditor's own purring (38.00), which kravia's total
    leaves out, and the row's own fee, which its total does not yet include. Now each row
    adds up: principal + interest + fees = total."""
    from decimal import Decimal
    t = run_json("timeline", "examples/consumer-inkassovarsel.yaml")
    for r in t["rows"]:
        a = r["amounts"]
        assert Decimal(a["principal"]) + Decimal(a["interest"]) + Decimal(r["fees_so_far"]) == Decimal(a["total"]), r
    # the inkassovarsel's 38.00 is in the next row's fees, and the purring's is in none
    assert [r["fees_so_far"] for r in t["rows"][:3]] == ["0.00", "38.00", "262.00"]     # 38 + 224 = 262


@pytest.mark.parametrize("case, outputs", [
    ("tests/cases/kravia/k01-fresh-consumer.yaml", {"fee", "salaer"}),
    ("tests/cases/nl-incasso/n01-not-yet-due.yaml", {"fee"}),
    ("tests/cases/se-inkassobyra/s01-not-yet-due.yaml", {"fee"}),
])
def test_a_row_carries_only_its_jurisdictions_outputs(run_json, case, outputs):
    """Outputs by role: a Dutch or Swedish decision has no `salaer`, and neither has its timeline row
    (the row once indexed every output of every jurisdiction and crashed on them)."""
    rows = run_json("timeline", case)["rows"]
    assert rows and all(outputs <= set(r) for r in rows)
    assert all(("salaer" in r) == ("salaer" in outputs) for r in rows)


def test_timeline_in_dutch_writes_amounts_and_dates_as_explain_does(run_cli):
    """`--lang nl` through Babel's nl_NL, as nb and sv: `€ 1.000,19`, `4 juni 2024` (it printed
    `1000.19` and ISO dates while explain printed `€ 3.016,11`)."""
    case = "tests/cases/nl-incasso/n02-reminder.yaml"
    code, out, err = run_cli("timeline", case, "--lang", "nl", "--policies", "policies")
    assert code == 0, err
    # n02 (its file's hand computation): 1000.00 × 7 % × 1 day / 365 = 0.1917… → 0.19; total 1000.19
    first = out.splitlines()[3]
    assert first.startswith("4 juni 2024 ") and first.rstrip().endswith("€\xa01.000,19"), first
    assert "vanaf 4 juni 2024" in out.splitlines()[0]
    _, explained, _ = run_cli("explain", case, "--lang", "nl", "--policies", "policies")
    assert "totaal            €\xa01.000,19" in explained and "Zaak N02-REMINDER op 4 juni 2024" in explained
