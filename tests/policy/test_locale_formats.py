"""A locale phrase's placeholders are plain `{name}`: a format (`{day:d}`) is refused where the
locale is loaded. The engine gives every value already written; before this check a
`notices.stale_figure: "{day:d}"` passed `frin validate` and then stopped every decision with a
stale figure with an internal error (the phrase is written when the decision is held back).
"""
from __future__ import annotations

import shutil

import pytest

from support import ROOT


@pytest.fixture
def nb(tmp_path):
    for part in ("locales", "jurisdictions"):
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    path = tmp_path / "policies" / "locales" / "nb.yaml"
    text = path.read_text(encoding="utf-8")
    start = next(i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("stale_figure:"))
    old = next(line for line in text.splitlines() if line.lstrip().startswith("stale_figure:"))
    path.write_text(text.replace(old, old.split("stale_figure:")[0] + 'stale_figure: "`{figure}` {day:d}"'),
                    encoding="utf-8")
    return path, start


def test_a_formatted_placeholder_is_an_error_at_its_line(nb, run_cli):
    path, line = nb
    code, out, _ = run_cli("validate", path)
    assert code == 1, out
    assert f"nb.yaml:{line}:19: error[invalid-value]: `stale_figure` uses a placeholder it is not given" in out
    assert "each plain, without a format such as `:d`" in out


def test_the_error_is_written_in_norwegian_under_lang_nb(nb, run_cli):
    path, _ = nb
    code, out, _ = run_cli("validate", path, "--lang", "nb")
    assert code == 1, out
    assert "feil[invalid-value]: `stale_figure` bruker en plassholder den ikke får" in out
    assert "hver for seg uten format som `:d`" in out
