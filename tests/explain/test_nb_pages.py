"""Every page for people in norsk bokmål is Norwegian: explain, why-not, timeline, graph,
diff for bundled examples with `--lang nb` hold none of the English words the
engine's own phrases are made of. What is not the engine's prose is left out first: code in
backticks, the policy's cited sources (`kilde: ...`, a warning's `[constraint; source]`: data written by
the policy's authors),
a definition's or condition's expression, a graph edge's condition. (`validate --lang nb`:
tests/check/test_validate_lang.py, on every deliberately broken policy.)"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# Words of the engine's English phrases (explain, timeline, graph, diff, validate), none Norwegian.
ENGLISH = ("the", "is", "was", "are", "rule", "step", "takes", "ladder", "decided", "because", "holds", "reached",
           "set aside", "every claim", "used policy", "from", "review", "warnings", "ends", "none", "deadline",
           "fee", "total", "interest", "principal", "costs", "earliest", "Why", "Decision", "Amounts", "Rules",
           "Case", "first", "checked", "error", "changed", "unchanged", "cases", "version", "policy version")
_MARKER = re.compile(r"(?<![\w.\\-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w(\\-])")   # not in a name
_NOT_PROSE = (re.compile(r"`[^`\n]*`"),                       # code
              re.compile(r"kilde: .*$", re.MULTILINE),        # the policy's sources
              re.compile(r"\[[\w-]+/[\w-]+; [^\]]*\]"),        # a warning's constraint and its cited source
              re.compile(r" {4}\(.*\)\s*$", re.MULTILINE),    # a definition's expression
              re.compile(r"[✗✓·] .*?⇒", re.MULTILINE),        # a condition's expression (its values follow)
              re.compile(r'\|"[^":|]*: ([^"·]*)', re.MULTILINE),    # a graph edge's condition (Mermaid)
              re.compile(r'label="[^":]*: ([^"·]*)', re.MULTILINE))  # (DOT)


def english_words(text: str) -> set[str]:
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    return {m.group(1) for m in _MARKER.finditer(text)}


def _pages(run_cli, tmp_path: Path, lang: str) -> dict[str, str]:
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    for name in ("k13-renew-bo.yaml",):
        shutil.copy(ROOT / "tests" / "cases" / "kravia" / name, cases / name)
    consumer, business = EXAMPLES / "consumer-inkassovarsel.yaml", EXAMPLES / "business-betalingsoppfordring.yaml"
    runs = {
        "explain": ("explain", consumer), "explain markdown": ("explain", business, "--format", "markdown"),
        "why-not": ("explain", consumer, "--why-not", "send_betalingsoppfordring"),
        "timeline": ("timeline", business), "timeline markdown": ("timeline", consumer, "--format", "markdown"),
        "graph": ("graph", "kravia"), "graph dot": ("graph", "kravia", "--format", "dot"),
        "diff": ("diff", "no-regulation@2026-01-01", "no-regulation@2026-07-01", "--cases", cases, "--format", "markdown"),
    }
    out = {}
    for name, argv in runs.items():
        code, text, err = run_cli(*argv, "--lang", lang)
        assert code == 0, (name, err)
        out[name] = text
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    import io

    import cli

    def run_cli(*argv):
        out, err = io.StringIO(), io.StringIO()
        return int(cli.run([str(a) for a in argv], out, err)), out.getvalue(), err.getvalue()
    tmp = tmp_path_factory.mktemp("nb-pages")
    return _pages(run_cli, tmp, "nb"), _pages(run_cli, tmp, "en")


@pytest.mark.parametrize("page", ["explain", "explain markdown", "why-not", "timeline", "timeline markdown", "graph",
                                  "graph dot", "diff"])
def test_no_english_left_on_a_norwegian_page(pages, page):
    norwegian, english = pages
    assert english_words(english[page]), f"the English {page} page shows none of the markers: the check proves nothing"
    assert english_words(norwegian[page]) == set(), norwegian[page]
