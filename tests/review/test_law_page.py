"""docs/law-enforces.md is generated from the policies and must be current."""
from pathlib import Path

from engine.review.law_page import render
from support.catalogs import bundled_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_lists_what_the_policies_enforce():
    catalog, _ = bundled_catalog(ROOT / "policies")
    page = (ROOT / "docs" / "law-enforces.md").read_text(encoding="utf-8")
    assert page == render(catalog), "regenerate: python -m engine.review.law_page"


def test_every_constraint_is_on_the_page_with_its_source():
    catalog, _ = bundled_catalog(ROOT / "policies")
    page = (ROOT / "docs" / "law-enforces.md").read_text(encoding="utf-8")
    constraints = [c for v in catalog.policies.all() for c in v.constraints]
    assert constraints
    for c in constraints:
        assert f"`{c.id}`" in page and c.source in page, c.id


def test_a_constraint_is_shown_in_every_language_it_is_written_in_english_first():
    """A law of any jurisdiction: English (the page's language) first, the others in italics after it."""
    from engine.review.law_page import _texts
    assert _texts({"nb": "norsk", "en": "English"}) == ("English", "norsk")
    assert _texts({"nl": "Nederlands", "en": "English"}) == ("English", "Nederlands")
    assert _texts({"en": "English"}) == ("English",)
