"""The bundled examples (README demo): decide JSON and explain in nb and en, as snapshots.

The CLI is called as a user would (`frin decide`, `frin explain`), so the snapshots
hold exactly what a user sees. Regenerate with `pytest tests/corpus/test_examples.py
--snapshot-update` and review the diff like code.
"""
from pathlib import Path

import pytest

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.yaml"))


def test_there_are_enough_realistic_examples():
    assert len([p for p in EXAMPLES if not p.name.startswith("demo-")]) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_decide_json(run_cli, path, snapshot):
    code, out, err = run_cli("decide", f"examples/{path.name}", "--no-trace")
    assert (code, err) == (0, "")
    assert out == snapshot


@pytest.mark.parametrize("lang", ["en", "nb"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_explain(run_cli, path, lang, snapshot):
    code, out, err = run_cli("explain", f"examples/{path.name}", "--lang", lang)
    assert (code, err) == (0, "")
    assert out == snapshot
