"""`explain --why-not ACTION` for a case handler (issue 11 #8; issue 13 items 8-9).

It says what must happen first (the ladder projected as `frin timeline` does) and the
earliest date the action can be decided if those steps are taken on time; "by time alone"
is found by deciding only on the dates the conditions mention, never every day; a far
decision date answers instead of crashing.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

import engine.decide.decision
from engine.policy.case import case_from_data, load_case, pin_decision_date_defaults
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from engine.explain.why_not import why_not

CONSUMER = "examples/consumer-inkassovarsel.yaml"


def test_why_not_says_what_must_happen_first_and_the_earliest_date(run_cli):
    code, out, err = run_cli("explain", CONSUMER, "--why-not", "send_betalingsoppfordring")
    assert (code, err) == (0, "")
    section = out[out.index("Why not"):]
    # inkassoloven § 9: the inkassovarsel (sent 2026-03-02, the decision date) gives at least 14 days:
    # deadline 2026-03-16; § 10: the betalingsoppfordring only after it ran out, so 2026-03-17 at the earliest.
    assert "2026-03-02  send_inkassovarsel (rule `inkassovarsel`), fee 38.00 NOK, payment deadline 2026-03-16" in section
    assert "Earliest date it can be decided: 2026-03-17 (rule `betalingsoppfordring`), if the steps above are taken on time." in section
    assert "time alone does not make it" not in section


def test_why_not_json_lists_the_steps(run_json):
    d = run_json("explain", CONSUMER, "--why-not", "send_betalingsoppfordring")["why_not"]
    assert d["steps_first"] == [{"date": "2026-03-02", "action": "send_inkassovarsel", "rule": "inkassovarsel",
                                 "fee": "38.00", "payment_deadline": "2026-03-16"}]
    assert (d["earliest_with_steps"], d["earliest_with_steps_rule"]) == ("2026-03-17", "betalingsoppfordring")
    assert d["earliest"] is None


def test_why_not_in_norwegian_has_no_english_and_norwegian_amounts(run_cli):
    code, out, _ = run_cli("explain", CONSUMER, "--why-not", "legal_review", "--lang", "nb")
    section = out[out.index("Hvorfor ikke"):]
    assert code == 0 and "gebyr 38,00\u00a0kr" in section and "Tidligste dato det kan avgjøres: " in section
    for english in ("rule ", "fee ", "Earliest", "time alone", "not reached", " NOK"):
        assert english not in section, english


def test_why_not_at_a_far_date_answers(run_cli):
    # issue 13 #8: `--why-not` with `--as-of 9998-01-01` was an OverflowError (exit 101); the
    # search three years on is clamped to the last day Frist decides in
    from engine.values.time import DATE_MAX
    near = (DATE_MAX.replace(month=1, day=1)).isoformat()
    code, out, err = run_cli("explain", CONSUMER, "--why-not", "send_betalingsoppfordring", "--as-of", near)
    assert (code, err) == (1, ""), out      # 1: the law holds it (its figures' review dates passed long ago)
    assert "legal_review" in out and "stale" not in err
    assert f"up to {DATE_MAX}" in out
    code, out, err = run_cli("explain", CONSUMER, "--why-not", "send_betalingsoppfordring", "--as-of", "9998-01-01")
    assert code in (0, 2) and "internal error" not in err


def _count_decisions(monkeypatch) -> list:
    calls = []
    real = engine.decide.decision.decide_case

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)
    monkeypatch.setattr(engine.decide.decision, "decide_case", counting)
    return calls


def test_time_alone_jumps_between_the_dates_the_conditions_mention(monkeypatch):
    # issue 13 #9: the search decided every day for three years (1 098 decisions when the action never comes)
    catalog, _ = load_catalog(["policies"])
    case = load_case(CONSUMER)
    decision = decide_case(catalog, case, case.data["as_of"], None, trace=True)
    calls = _count_decisions(monkeypatch)
    result = why_not(decision, catalog, case, "send_betalingsoppfordring")
    assert result.earliest is None
    assert len(calls) < 60, len(calls)


def _day_by_day(catalog, case, decision, action, horizon):
    pinned = case_from_data(pin_decision_date_defaults(case.raw, decision.as_of), case.path)
    day = decision.as_of
    while day < horizon:
        day += dt.timedelta(days=1)
        if decide_case(catalog, pinned, day, decision.main, fast=True).action == action:
            return day
    return None


@pytest.mark.parametrize("path, action", [
    ("tests/cases/kravia/k03-varsel-running.yaml", "send_betalingsoppfordring"),   # after the varsel deadline
    ("tests/cases/kravia/k02-too-early.yaml", "send_inkassovarsel"),               # after the hand-over wait
    ("tests/cases/kravia/k07-tungt-day-28.yaml", "send_betalingsoppfordring_tungt"),
    ("tests/cases/fiken-kravia/f14-legal-consumer.yaml", "send_betalingsoppfordring"),   # the BO renewed, months on
])
def test_time_alone_finds_the_day_a_daily_search_finds(path, action):
    catalog, _ = load_catalog(["policies"])
    case = load_case(path)
    decision = decide_case(catalog, case, case.data["as_of"], None, trace=True)
    result = why_not(decision, catalog, case, action)
    assert result.earliest == _day_by_day(catalog, case, decision, action, result.horizon)
    assert result.earliest is not None


def test_why_not_markdown_renders_as_a_section(run_cli):
    from markdown_it import MarkdownIt
    code, out, _ = run_cli("explain", CONSUMER, "--why-not", "send_betalingsoppfordring", "--format", "markdown")
    html = MarkdownIt("commonmark").render(out)
    assert code == 0 and re.search(r"<h2>Why not <code>send_betalingsoppfordring</code>\?</h2>\s*<ul>", html)


def test_a_thousand_claims_answer_quickly(tmp_path, run_cli):
    import time
    claims = "\n".join(f'  - {{invoice: "{i}", amount: "100.00", issued: 2026-01-01, due: 2026-01-15, '
                       f'credited: "0.00", disputed: false}}' for i in range(1000))
    text = open(CONSUMER, encoding="utf-8").read()
    text = text[:text.index("claims:")] + "claims:\n" + claims + "\n" + text[text.index("payments:"):]
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    code, out, err = run_cli("explain", str(path), "--why-not", "send_betalingsoppfordring", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["why_not"]["earliest_with_steps"] == "2026-03-17"
    assert time.perf_counter() - started < 15      # was 19 s for the daily search alone
