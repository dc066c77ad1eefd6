"""Drafts live in `<policy>/drafts/` and never change a decision by where they live (issue 11, #5).

The scenario: the draft of the new act is dated 2027-01-01 and the officer adds the
routine 2027-01-01 version (a new inkassosats). Both must exist side by side, and what
`--include-drafts` decides must not depend on where the draft's file is or in which order
the files are read. Which version is a draft is read from the catalog (`status`), never
from a file name written here.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine.policy.case import load_case
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "tests" / "cases").rglob("*.yaml"))
ON = dt.date(2027, 3, 1)


def _law_draft(catalog):
    return _law_draft_of(catalog.versions("no-regulation"))


def _law_draft_of(versions):
    (draft,) = [v for v in versions if v.is_draft]
    return draft


BASE = "2026-07-01"     # the layouts hold the published law up to this version (its text is locked)


def _published_780(policies: Path) -> None:
    """A routine published 2027-01-01 law version: the 2026-07-01 text with sats 780 NOK (a published
    version's file is named by its effective date, the layout validate enforces)."""
    text = (policies / "no-regulation" / f"{BASE}.yaml").read_text(encoding="utf-8")
    assert text.count("value: 750 NOK") == 1 and text.count(f"effective: {BASE}") == 1
    text = text.replace(f"effective: {BASE}", "effective: 2027-01-01").replace("value: 750 NOK", "value: 780 NOK")
    (policies / "no-regulation" / "2027-01-01.yaml").write_text(text, encoding="utf-8")


def _decisions(policies: Path, drafts: bool) -> dict:
    catalog, problems = load_catalog([policies])
    assert not [d for d in problems if d.is_error], problems
    out = {}
    for path in CASES:
        d = decide_case(catalog, load_case(path), ON, None, drafts, fast=True).to_dict(include_trace=False)
        for v in d.get("violations") or ():
            v.pop("at", None)       # where the held figure is written: the file's place differs by layout
        out[path.name] = d
    return out


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """Three copies of the policies: the draft in `drafts/`; the draft in the policy folder (the
    old place) with the published 780 version in `drafts/`' sibling; the draft in `drafts/` with it.
    Made once for the module (three copies and four catalog loads); a test that edits one copies it first."""
    tmp_path = tmp_path_factory.mktemp("layouts")
    base = tmp_path / "a" / "policies"
    shutil.copytree(ROOT / "policies", base)
    law = load_catalog([base])[0].versions("no-regulation")     # read once: removing later published files leaves the draft
    for v in law:     # the law as of BASE
        if not v.is_draft and v.effective.isoformat() > BASE:
            Path(v.path).unlink()
    draft = _law_draft_of(law)
    old_place = tmp_path / "b" / "policies"
    shutil.copytree(base, old_place)
    moved = old_place / "no-regulation" / "moved-draft.yaml"     # anywhere but its drafts/ place
    shutil.move(old_place / Path(draft.path).relative_to(base), moved)
    # the old place is the policy folder itself: only possible while no published version takes its name
    shutil.move(moved, old_place / "no-regulation" / f"{draft.effective}.yaml")
    both = tmp_path / "c" / "policies"
    shutil.copytree(base, both)
    _published_780(both)
    return base, old_place, both


def test_the_bundled_drafts_are_in_drafts_folders():
    catalog, _ = bundled_catalog(ROOT / "policies")
    drafts = [v for v in catalog.policies.all() if v.is_draft]
    assert drafts
    for v in drafts:     # so the published version of the same date can take `<name>/<date>.yaml`
        assert Path(v.path).parent.name == "drafts" and Path(v.path).parent.parent.name == v.name


def test_moving_the_draft_does_not_change_what_include_drafts_decides(layouts):
    base, old_place, both = layouts
    with_draft = _decisions(base, drafts=True)
    assert _decisions(old_place, drafts=True) == with_draft
    # a published version of the same date next to it: the draft still decides with --include-drafts
    assert _decisions(both, drafts=True) == with_draft


def test_a_published_version_beside_a_draft_of_its_date_decides_without_drafts(layouts):
    _, _, both = layouts
    catalog, _ = load_catalog([both])
    keys = {v.key for v in catalog.versions("no-regulation") if v.effective == dt.date(2027, 1, 1)}
    assert keys == {"no-regulation@2027-01-01", "no-regulation@2027-01-01-draft"}
    published = catalog.resolve("no-regulation", ON)
    assert published.version.key == "no-regulation@2027-01-01" and not published.version.is_draft
    # inkassoforskriften § 1-2: the inkassovarsel fee is 1/20 of the sats, in whole kroner:
    # 780 / 20 = 39.00 under the new published version; 750 / 20 = 37.50 -> 38.00 under the draft
    assert published.params["inkassovarsel_fee"] == 39
    assert catalog.resolve("no-regulation", ON, include_drafts=True).params["inkassovarsel_fee"] == 38


def test_a_draft_outside_drafts_is_a_warning_and_a_published_file_inside_an_error(run_cli, layouts, tmp_path):
    shared, old_place, _ = layouts
    code, out, _ = run_cli("validate", str(old_place), "--format", "concise", "--today", "2026-08-01")
    assert code == 0 and "warning[draft-folder-mismatch]" in out
    # the layouts are the module's: edit a copy, of the law and one cheap process only (validate
    # searches the law over every process under the draft now published, though the error is the load's)
    base = tmp_path / "policies"
    for part in ("jurisdictions", "locales", "no-regulation", "demo"):
        shutil.copytree(shared / part, base / part)
    draft = Path(_law_draft(load_catalog([base])[0]).path)
    text = draft.read_text(encoding="utf-8").replace("status: draft", "status: published")
    draft.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("validate", str(base), "--format", "concise", "--today", "2026-08-01")
    assert code == 1 and "error[draft-folder-mismatch]: a file in `drafts/` must be a draft" in out
