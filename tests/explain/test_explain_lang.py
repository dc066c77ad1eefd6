"""Explanations for a case handler (issue 11 #8): Markdown that renders as CommonMark, and
`--lang nb` Norwegian throughout with Norwegian number formatting (JSON unchanged)."""
from __future__ import annotations

import json
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from support import ROOT

CONSUMER = "examples/consumer-inkassovarsel.yaml"     # principal 1 250.00, paid 200.00 on account


class _Blocks(HTMLParser):
    """Top-level block tags in order, and the text of each paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.paragraphs: list[str] = []
        self.items = 0
        self._depth = 0
        self._p: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self._depth == 0:
            self.tags.append(tag)
        if tag in ("ul", "ol", "p", "h1", "h2"):
            self._depth += 1
        if tag == "li":
            self.items += 1
        if tag == "p":
            self._p = []

    def handle_endtag(self, tag):
        if tag in ("ul", "ol", "p", "h1", "h2"):
            self._depth -= 1
        if tag == "p" and self._p is not None:
            self.paragraphs.append("".join(self._p))
            self._p = None

    def handle_data(self, data):
        if self._p is not None:
            self._p.append(data)


def test_markdown_renders_as_headings_and_lists(run_cli):
    code, out, _ = run_cli("explain", CONSUMER, "--format", "markdown")
    assert code == 0
    page = _Blocks()
    page.feed(MarkdownIt("commonmark").render(out))
    sections = [t for t in page.tags if t == "h2"]
    assert page.tags[0] == "h1" and len(sections) >= 5
    # every section is a list, one item per line of the text form: no section runs into one paragraph
    assert all(t in ("h1", "h2", "p", "ul") for t in page.tags)
    assert len(page.paragraphs) <= 2 and all("\n" not in p.strip() or "uses" in p for p in page.paragraphs)
    _, text, _ = run_cli("explain", CONSUMER)
    body = [line for line in text.splitlines()[3:] if line.startswith("  ")]
    assert page.items == len(body)


def test_markdown_keeps_expressions_literal(run_cli):
    _, out, _ = run_cli("explain", CONSUMER, "--format", "markdown")
    html = MarkdownIt("commonmark").render(out)
    assert "<em>" not in html and "<strong>" not in html          # `*` and `_` in expressions stay as written
    import re
    assert re.search(r"<li>✗ <code>[^<]*(==|&lt;=|&lt;|&gt;)[^<]*</code>", html)     # conditions as code spans


def test_norwegian_text_formats_amounts_the_norwegian_way(run_cli):
    code, out, _ = run_cli("explain", CONSUMER, "--lang", "nb")
    assert code == 0
    # amounts: principal 1 250.00 - 200.00 paid to the creditor = 1 050.00 (the example's own figures),
    # as CLDR nb writes them: a no-break space between digit groups and before `kr`
    assert "hovedstol         1\u00a0050,00\u00a0kr" in out
    assert "betalt            200,00\u00a0kr" in out
    # dates in prose as Norwegian writes them: the case's as_of 2026-03-02, the rule's deadline
    # 2026-03-02 + 14 days = 2026-03-16 (inkassoloven § 9)
    assert out.startswith("Sak C-1001 per 2. mars 2026\n")
    assert "betalingsfrist    16. mars 2026" in out
    for english in ("principal ", "not evaluated", "schedule of", "review by", "interest accrued", "⇒ false"):
        assert english not in out, english
    # `NOK` only inside the policy's own expressions, as written (`balance <= 0 NOK`), never in a value
    for line in out.splitlines():
        if "NOK" in line:
            shown = line.split("⇒")[-1] if "⇒" in line else line.split("    (")[0]
            assert "NOK" not in shown, line


def test_json_keeps_the_machine_format(run_json):
    d = run_json("explain", CONSUMER, "--lang", "nb")
    assert d["amounts"]["principal"] == "1050.00" and d["fee"] == "38.00"
    import re
    assert not re.search(r"\d kr\b|\d,\d\d", json.dumps(d))


def test_norwegian_warnings_are_the_constraints_own_words_with_norwegian_amounts(run_cli):
    """c12: a third 1/20 fee within six months (inkassoforskriften § 1-3) is not owed; under
    --lang nb the warning is the constraint's nb text, the fee 38,00 kr and the date 2. mars 2026."""
    case = "tests/cases/conta/c12-third-letter-fee.yaml"
    code, out, _ = run_cli("explain", case, "--lang", "nb")
    assert code == 0
    warning = out.split("Advarsler\n", 1)[1]
    assert "(inkassovarsel 2. mars 2026, gebyr 38,00\u00a0kr) skyldes ikke: Det er allerede krevd to purre- eller " \
           "varselgebyrer uten seks måneders opphold. [no-regulation/two-fee-limit;" in warning
    for english in ("is not owed", "fee 38", "NOK", "Two purring"):
        assert english not in warning, english
    code, out, _ = run_cli("decide", case, "--no-trace")          # the decision JSON keeps the English text
    assert "events[2] (inkassovarsel 2026-03-02, fee 38.00 NOK) is not owed: Two purring" in json.loads(out)["warnings"][0]


def test_a_figure_past_its_review_date_is_a_norwegian_warning(run_cli, tmp_path):
    case = tmp_path / "late.yaml"
    case.write_text((ROOT / CONSUMER).read_text(encoding="utf-8").replace("as_of: 2026-03-02", "as_of: 2027-01-04"),
                    encoding="utf-8")
    code, out, _ = run_cli("explain", case, "--lang", "nb")
    assert code == 1            # the figures are stale and no later version exists: the law holds the case
    assert "skulle vært vurdert innen 1. januar 2027" in out.split("Advarsler\n", 1)[1]


def test_the_timeline_in_norwegian(run_cli):
    """--lang nb on `timeline`: the page's words, amounts and dates as CLDR nb writes them.
    The first row is the consumer example's inkassovarsel on its as_of 2026-03-02: fee 1/20 of
    the 750 NOK sats = 37.50, rounded to 38 kr (inkassoforskriften § 1-2), deadline + 14 days."""
    code, out, err = run_cli("timeline", CONSUMER, "--lang", "nb", "--until", "2026-03-03")
    assert (code, err) == (0, "")
    assert out.startswith("Tidslinje for sak C-1001 (kravia) fra 2. mars 2026, forutsatt ingen innbetaling\n")
    first = out.splitlines()[3]
    assert first.startswith("2. mars 2026") and "38,00\u00a0kr" in first and "16. mars 2026" in first
    for english in ("Timeline", "fees so far", "assuming", " NOK"):
        assert english not in out, english
    code, out, err = run_cli("timeline", CONSUMER, "--lang", "nb", "--format", "html", "--until", "2026-03-03")
    assert (code, err) == (0, "") and '<html lang="nb">' in out and "<h1>Tidslinje for sak C-1001</h1>" in out


def test_the_ladder_graph_in_norwegian(run_cli):
    code, out, err = run_cli("graph", "kravia@2024-01-01", "--lang", "nb")
    assert (code, err) == (0, "")
    assert out.startswith("%% kravia@2024-01-01: inndrivingstrappen (frin graph)\n")
    assert 'start(["ny sak"])' in out and "· gebyr " in out and "· fee " not in out
    code, out, err = run_cli("graph", "kravia@2024-01-01", "--lang", "nb", "--format", "dot")
    assert (code, err) == (0, "") and 'label="ny sak"' in out
