"""The diff page compliance staff review (walker report item 11): the cause first.

A law version that changes figures changes most decisions with them; the page opens with a
summary (the changed figures, the decisions by field and by policy, links to each section),
then the file's changes, then the decisions. Warnings the same on both sides and the old
version's review-date warnings the new one resolves are folded as counts, never dropped;
a warning on one side only otherwise stays visible.
"""
from __future__ import annotations

import html
import json
import re

from engine.review.diff_summary import fold_warnings
from support.shared_run import shared_run

LAW_DIFF = ("diff", "no-regulation@2026-07-01", "no-regulation@2027-01-01", "--as-of", "2027-01-04")


def law_diff(form: str) -> tuple[int, str, str]:
    """The law diff in one format: each format is run once (it decides the whole corpus under
    both versions) and read by every test below that checks it."""
    return shared_run(*LAW_DIFF, "--format", form)


def test_summary_then_figures_then_decisions_and_every_link_resolves():
    code, page, err = law_diff("html")
    assert (code, err) == (0, "")
    order = [page.index(f'id="{a}"') for a in ("summary", "changes", "users", "decisions", "by-action")]
    assert order == sorted(order)
    assert page.index("<h3>Changed figures</h3>") < page.index('id="changes"')
    ids = set(re.findall(r'id="([^"]+)"', page))
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links and links <= ids, f"links to nowhere: {sorted(links - ids)}"
    for policy in ("conta@2024-01-01", "egeninkasso@2024-01-01"):      # by policy, linked to its section
        assert f'href="#policy-{policy.replace("@", "-").replace(".", "-")}"' in page


def test_a_warning_on_one_side_only_is_shown():
    code, out, _ = law_diff("json")
    assert code == 0
    data = json.loads(out)
    _, page, _ = law_diff("html")
    _, text, _ = law_diff("markdown")
    shown = 0
    for case in (c for g in data["groups"] for c in g["cases"]):
        for f in (f for f in case["fields"] if f["field"] == "warnings"):
            folded = fold_warnings(f["old"], f["new"])
            for warning in folded.old + folded.new:
                assert html.escape(warning) in page and warning.replace("|", "\\|") in text
                shown += 1
    assert shown, "the law diff no longer has a one-sided warning to check"


def test_review_warnings_the_new_version_resolves_fold_others_stay():
    due = "no-regulation.inkassosats (no-regulation@2026-07-01) was due for review on 2027-01-01"
    still = "no-regulation.late_interest (no-regulation@2026-07-01) was due for review on 2027-01-01"
    still_new = "no-regulation.late_interest (no-regulation@2027-01-01) was due for review on 2027-07-01"
    fee = "events[0] (purring 2026-01-18, fee 70.00 NOK) is not owed: too high [rule, source]"
    folded = fold_warnings("; ".join([due, still, fee]), "; ".join([still_new, fee]))
    assert folded.resolved == [due]                 # the new side no longer warns of inkassosats
    assert folded.same == [fee]
    assert folded.old == [still] and folded.new == [still_new]   # still due on the new side: shown
    assert fold_warnings(None, fee).new == [fee]    # a warning only the new side has is shown


def test_a_changed_decision_shows_its_changed_fields_and_opens_to_the_whole_decision():
    data = json.loads(law_diff("json")[1])
    _, page, _ = law_diff("html")
    case = next(c for g in data["groups"] for c in g["cases"] if any(f["field"] == "rule" for f in c["fields"]))
    row_start = page.index(f'id="case-{case["case_id"]}"')
    row = page[row_start:page.index("</tr>", row_start)]
    hidden, _, visible = row.partition("</details>")
    unchanged = [f for f in case["decision"] if f["old"] == f["new"] and f["field"] != "warnings"]
    assert unchanged and all(f["old"] != f["new"] for f in case["fields"])
    whole = hidden.split("<ul>", 1)[1].split("</ul>", 1)[0]
    assert whole.count("<li>") == len(case["decision"])        # the whole decision: only in the collapsed part
    assert "<li>" not in visible


def test_the_summary_names_each_changed_figure_with_its_source():
    data = json.loads(law_diff("json")[1])
    _, page, _ = law_diff("html")
    summary = page[page.index('id="summary"'):page.index('id="changes"')]
    figures = [c for c in data["changes"] if c["kind"] == "parameter"]
    assert figures
    for c in figures:
        assert f'href="#{c["anchor"]}"' in summary and html.escape(c["source"]) in summary
