"""`frin diff`: the changes between two policy versions and the decisions they change.

The fixture ladder's two versions differ in three fees and the interest schedule; the
kravia tests review an edited copy of the real policy against the committed version.
"""
from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import re

import pytest

LADDER = "tests/fixtures/review/policies"
CASES = "tests/fixtures/review/cases"
KRAVIA = "policies/kravia/2024-01-01.yaml"


def ladder_diff(run_json, *extra: str) -> dict:
    return run_json("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER, *extra)


def test_parameter_changes_are_listed_old_to_new(run_json):
    d = ladder_diff(run_json)
    values = {c["name"]: [(f["field"], f["old"], f["new"]) for f in c["fields"]] for c in d["changes"]}
    assert values["reminder_fee"] == [("value", "35 NOK", "38 NOK"), ("source", "price list 2025", "price list 2026")]
    # a schedule compares entry by entry: the new half-year is one added entry, the rest unchanged
    assert values["rate"] == [("from 2026-01-01", None, "12.00 % (FOR-2025-12-18-2658)")]
    assert [c["kind"] for c in d["changes"]] == ["parameter"] * 4
    assert d["changes"][0]["where"] == "tests/fixtures/review/policies/ladder/2026-01-01.yaml:9:3"


def test_changed_cases_are_grouped_with_the_responsible_rule_and_figure(run_json):
    d = ladder_diff(run_json)
    assert d["summary"] | {"by_action": None} == {"cases": 4, "changed": 3, "unchanged": 1, "errors": 0,
                                                  "not_affected": 0, "invalid": 0, "by_action": None}
    groups = {g["kind"]: g["cases"] for g in d["groups"]}
    assert set(groups) == {"send_reminder: fee changed", "wait: amounts.interest, amounts.total changed"}
    (reminder,) = groups["send_reminder: fee changed"]
    # on 2025-12-20 the new rate (from 2026-01-01) is not yet in force: only the fee is responsible
    assert (reminder["case_id"], reminder["rule"], reminder["figures"]) == (
        "L-1", {"old": "remind", "new": "remind"}, ["reminder_fee"])
    assert reminder["fields"] == [{"field": "fee", "old": "35.00", "new": "38.00"}]
    business = next(c for c in groups["wait: amounts.interest, amounts.total changed"] if c["case_id"] == "L-2")
    # 5400 NOK from 2026-01-05 to 2026-02-02 (28 days): 12.25 % → 50.75, 12.00 % → 49.71
    assert business["fields"][0] == {"field": "amounts.interest", "old": "50.75", "new": "49.71"}
    assert business["figures"] == ["rate"]
    assert d["unchanged"] == [{"path": "tests/fixtures/review/cases/paid.yaml", "case_id": "L-3",
                               "action": "close", "rule": "paid"}]


def test_as_of_decides_every_case_on_that_date(run_json):
    d = ladder_diff(run_json, "--as-of", "2026-03-02")
    assert {c["as_of"] for g in d["groups"] for c in g["cases"]} == {"2026-03-02"}


def test_fail_on_change(run_cli):
    argv = ("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER)
    assert run_cli(*argv)[0] == 0
    assert run_cli(*argv, "--fail-on-change")[0] == 1
    same = ("diff", "ladder@2026-01-01", "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER, "--fail-on-change")
    code, out, _ = run_cli(*same)
    assert code == 0 and "4 cases, 0 changed, 4 unchanged" in out and "policy changes: none" in out


def test_an_edited_copy_anywhere_stands_in_for_its_version(run_json, tmp_path):
    edited = tmp_path / "my-edit.yaml"
    edited.write_text(Path(LADDER, "ladder", "2026-01-01.yaml").read_text(encoding="utf-8").replace(
        "business_varsel_fee: {value: 114 NOK", "business_varsel_fee: {value: 120 NOK"), encoding="utf-8")
    d = run_json("diff", "ladder@2026-01-01", str(edited), "--cases", CASES, "--policies", LADDER, "--as-of", "2026-02-10")
    assert [(c["name"], c["fields"][0]["old"], c["fields"][0]["new"]) for c in d["changes"]] == [
        ("business_varsel_fee", "114 NOK", "120 NOK")]
    assert d["new"]["path"] == str(edited)
    # on 2026-02-10 only L-2 (a business, reminder due 2026-02-03) gets its inkassovarsel
    (group,) = d["groups"]
    assert group["kind"] == "send_inkassovarsel: fee changed"
    assert [(c["case_id"], c["rule"]["new"], c["figures"], c["fields"]) for c in group["cases"]] == [
        ("L-2", "varsel-business", ["business_varsel_fee"], [{"field": "fee", "old": "114.00", "new": "120.00"}])]


def test_a_committed_file_can_be_compared_with_the_working_tree(run_json):
    path = "tests/fixtures/review/policies/ladder/2026-01-01.yaml"
    d = run_json("diff", f"HEAD:{path}", path, "--cases", CASES, "--policies", LADDER)
    assert d["old"]["path"] == f"HEAD:{path}" and d["changes"] == [] and d["summary"]["changed"] == 0


@pytest.mark.parametrize("spec, message", [
    ("ladder", "error: `ladder` is neither NAME@VERSION nor a policy file"),
    ("ladder@2024-01-01", "error: policy `ladder` has no version 2024-01-01"),
    ("nosuch@2026-01-01", "error: unknown policy `nosuch`"),
    ("HEAD:no/such/file.yaml", "error: cannot read `HEAD:no/such/file.yaml` from git"),
])
def test_bad_specs_are_usage_errors(run_cli, spec, message):
    code, out, err = run_cli("diff", spec, "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER)
    assert (code, out) == (2, "") and err.startswith(message)


def test_kravia_commission_edit_changes_exactly_the_commissioned_cases(run_json, tmp_path):
    edited = tmp_path / "kravia.yaml"
    text = Path(KRAVIA).read_text(encoding="utf-8")
    assert text.count("value: 10 %") == 1
    edited.write_text(text.replace("value: 10 %", "value: 12 %"), encoding="utf-8")
    d = run_json("diff", "kravia@2024-01-01", str(edited), "--cases", "tests/cases/kravia")
    assert [(c["name"], c["fields"]) for c in d["changes"]] == [
        ("commission_rate", [{"field": "value", "old": "10 %", "new": "12 %"}])]
    changed = [c for g in d["groups"] for c in g["cases"]]
    assert changed and d["summary"]["changed"] == len(changed)
    for case in changed:
        (field,) = case["fields"]
        assert field["field"] == "commission" and case["figures"] == ["commission_rate"]
        assert Decimal(field["new"]) == (Decimal(field["old"]) * Decimal("1.2")).quantize(Decimal("0.01"))


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_rendered_diff(run_cli, snapshot, fmt):
    code, out, err = run_cli("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES,
                             "--policies", LADDER, "--format", fmt)
    assert (code, err) == (0, "")
    assert out == snapshot


def test_diff_json_fields(run_json):
    # the values are checked above; this is the JSON format's shape and its counts by action
    d = ladder_diff(run_json)
    assert list(d) == ["old", "new", "cases_dir", "as_of", "summary", "changes", "users", "groups", "unchanged",
                       "not_affected", "invalid"]
    assert d["users"] == []          # nothing uses the ladder
    assert d["old"] | {"sha256": None} == {"spec": "ladder@2025-07-01", "policy": "ladder", "version": "2025-07-01",
                                          "key": "ladder@2025-07-01", "status": "published", "sha256": None,
                                          "path": "tests/fixtures/review/policies/ladder/2025-07-01.yaml"}
    assert d["summary"]["by_action"] == {"close": {"old": 1, "new": 1}, "send_reminder": {"old": 1, "new": 1},
                                         "wait": {"old": 2, "new": 2}}
    assert [c["anchor"] for c in d["changes"]] == [
        "parameter-reminder_fee", "parameter-varsel_fee", "parameter-business_varsel_fee", "parameter-rate"]
    assert (d["not_affected"], d["invalid"]) == ([], [])


class _Page(HTMLParser):
    """Headings, table rows (cell texts with their links) and any external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[list[tuple[str, list[str]]]] = []
        self.ids: set[str] = set()
        self.external: list[str] = []
        self._text: list[str] | None = None
        self._links: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])
        if tag == "a" and self._text is not None:
            self._links.append(attrs["href"])
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th", "h2", "h3"):
            self._text, self._links, self._in = [], [], tag

    def handle_endtag(self, tag):
        if tag == self._in:
            text = " ".join("".join(self._text).split())
            if tag in ("h2", "h3"):
                self.headings.append(text)
            else:
                self.rows[-1].append((text, self._links))
            self._text, self._in = None, None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def test_html_is_self_contained_changed_cases_first_and_linked(run_cli):
    code, out, _ = run_cli("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES,
                           "--policies", LADDER, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    page = _Page()
    page.feed(out)
    assert page.external == []
    # the cause first (walker report item 11): the summary, the file's changes, then the decisions
    assert page.headings.index("Summary") < page.headings.index("Changes in the policy file") < page.headings.index("Changed decisions")
    reminder = next(row for row in page.rows if row and row[0][0].startswith("L-1"))
    assert [text for text, _ in reminder[1:4]] == ["fee", "35.00", "38.00"]      # the registry's word; English keeps the machine amounts
    links = reminder[4][1]
    assert links == ["#parameter-reminder_fee"] and "parameter-reminder_fee" in page.ids
    figure = next(row for row in page.rows if row and row[0][0] == "value" and row[1][0] == "35 NOK")
    assert figure[2][0] == "38 NOK"


@pytest.mark.parametrize("spec", ["--output={out}:x", "-o{out}:x", "--no-index:{out}"])
def test_a_rev_path_argument_is_never_an_option_to_git(run_cli, tmp_path, spec):
    """issue 13 item 5: `git show --output=PATH:x` wrote a file; the spec is a revision or an error."""
    out = tmp_path / "written-by-git"
    code, stdout, err = run_cli("diff", "--cases", CASES, "--policies", LADDER, "--", spec.format(out=out),
                                  "ladder@2026-01-01")
    assert code == 2 and stdout == "" and "internal error" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_review_page_is_in_the_readers_language(run_cli):
    """--lang nb: the Markdown and HTML pages compliance staff review name fields by the output
    registry's nb words and amount names, write amounts and dates as CLDR nb does, and use the
    locale's phrases; no JSON path (`amounts.total`) and no English heading is left."""
    args = ("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER, "--lang", "nb")
    code, markdown, err = run_cli(*args, "--format", "markdown")
    assert (code, err) == (0, "")
    # the ladder's reminder fee: 35 NOK before, 38 NOK after (the two versions' own figures)
    assert re.search(r"\| `L-1[^`]*` \| gebyr \| `35,00\u00a0kr` \| `38,00\u00a0kr` \| regel `", markdown)
    assert markdown.startswith("### Endring av policy: ")
    for english in ("amounts.", "Changed decisions", "Changes in the policy file", "| fee |"):
        assert english not in markdown, english
    decisions = markdown.split("#### Endrede avgjørelser")[1]      # above it: the file's text, as written
    assert " NOK`" not in decisions
    code, html, err = run_cli(*args, "--format", "html")
    assert (code, err) == (0, "") and '<html lang="nb">' in html
    page = _Page()
    page.feed(html)
    assert "Endrede avgjørelser" in page.headings and "Endringer i policyfilen" in page.headings
    reminder = next(row for row in page.rows if row and row[0][0].startswith("L-1"))
    assert [text for text, _ in reminder[1:4]] == ["gebyr", "35,00 kr", "38,00 kr"]     # _Page folds white space
    assert "<td><span class=\"old\">35,00\u00a0kr</span></td>" in html
    assert re.search(r"\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) "
                     r"\d{4}", reminder[0][0])                               # the case's date in nb prose


def test_a_language_the_jurisdiction_does_not_write_is_a_usage_error(run_cli):
    code, _, err = run_cli("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", CASES, "--policies", LADDER,
                           "--lang", "nl", "--format", "markdown")
    assert code == 2 and "met teksten in en, nb, niet `nl`: gebruik --lang en" in err, err     # said in Dutch


def test_a_computed_value_on_the_page_is_written_as_the_language_writes_amounts(run_cli, tmp_path):
    """A figure given by an expression shows the value it computes (`(= 114.00 NOK)` in English);
    the nb page writes that value as nb writes amounts (it stayed `114.00 NOK`)."""
    edited = tmp_path / "my-edit.yaml"
    edited.write_text(Path(LADDER, "ladder", "2026-01-01.yaml").read_text(encoding="utf-8").replace(
        "business_varsel_fee: {value: 114 NOK", "business_varsel_fee: {value: varsel_fee * 3 / 2"), encoding="utf-8")
    args = ("diff", "ladder@2026-01-01", str(edited), "--cases", CASES, "--policies", LADDER, "--as-of", "2026-02-10")
    # 76 NOK × 3 / 2 = 114 NOK: the same fee, written as an expression
    code, markdown, err = run_cli(*args, "--format", "markdown", "--lang", "nb")
    assert code == 0, err
    assert "| `114 NOK` | `varsel_fee * 3 / 2 (= 114,00\xa0kr)` |" in markdown, markdown
    code, text, _ = run_cli(*args, "--lang", "nb")
    assert "verdi: 114 NOK → varsel_fee * 3 / 2 (= 114,00\xa0kr)" in text, text
    code, text, _ = run_cli(*args)
    assert "value: 114 NOK → varsel_fee * 3 / 2 (= 114.00 NOK)" in text, "English keeps the machine form"


def test_the_text_summary_counts_one_case_in_the_singular(run_cli, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    one = sorted(Path(CASES).glob("*.yaml"))[0]
    (cases / one.name).write_text(one.read_text(encoding="utf-8"), encoding="utf-8")
    args = ("diff", "ladder@2025-07-01", "ladder@2026-01-01", "--cases", cases, "--policies", LADDER)
    _, nb, err = run_cli(*args, "--lang", "nb")
    assert nb.splitlines()[1].startswith("1 sak, "), nb + err
    _, en, _ = run_cli(*args)
    assert en.splitlines()[1].startswith("1 case, "), en
