"""`Catalog.bound`/`resolved` keep `bind`/`resolve` answers per catalog (a history, the law search
and a batch ask the same days thousands of times); a catalog whose version table is replaced (as
some tests do) is asked again, never answered from the old table; an error is raised each time."""
from __future__ import annotations

import datetime as dt

import pytest
from support import ROOT

from engine.batch.api import catalog_for
from engine.core.errors import UsageError


def test_a_catalog_is_asked_once_per_question_and_again_once_its_tables_change(monkeypatch):
    catalog = catalog_for(ROOT / "policies")
    day = dt.date(2025, 8, 1)
    main = catalog.resolved("kravia", day)
    assert main is catalog.resolve("kravia", day) and catalog.resolved("kravia", day) is main
    first = catalog.bound(main, day)
    assert catalog.bound(main, day) is first
    assert {k: b.version.key for k, b in first.items()} == {k: b.version.key for k, b in catalog.bind(main, day).items()}
    monkeypatch.setattr(catalog, "checked", dict(catalog.checked))
    assert catalog.bound(main, day) is not first


def test_an_error_is_raised_again_not_kept():
    catalog = catalog_for(ROOT / "policies")
    for _ in range(2):
        with pytest.raises(UsageError, match="no version of `kravia` is in force"):
            catalog.resolved("kravia", dt.date(1990, 1, 1))
