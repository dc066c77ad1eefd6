"""What decided a case besides the versions that bound it, logged so that replay can use it again.

A decision depends on more than the versions in its `policy` block (the record's `versions`):
- the jurisdiction's file: the currency, the calendar's country and weekend, which law binds
  and how the law's own view reads a case (`law.view`);
- every version of each bound policy, not only the one in force: a recorded fee is judged by
  the law's version in force on the letter's date (decide/history.py), and a figure past its
  review date holds a decision only while no later version exists (decide/stale.py);
- the public holidays, which come from the `holidays` library, not from the policy folder.
So a record keeps, in its `inputs` column: the jurisdiction file's code and sha256, the sha256
of every version (by label) of each bound policy, and the `holidays` release. Replay
(replay.py) fetches those texts from the policy folder or its git history and says when the
installed `holidays` is another release. Locale files are not logged: they word explanations,
never a decision (a decision's warnings are English, decide/notice.py).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["decision_inputs", "holidays_release", "catalog_of"]


@lru_cache(maxsize=1)
def holidays_release() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("holidays")
    except PackageNotFoundError:
        return "(not installed)"


def catalog_of(catalog_or_folder: Any) -> Catalog | None:
    """A loaded catalog as given, or the (memoised) catalog of a policy folder."""
    if catalog_or_folder is None or hasattr(catalog_or_folder, "versions"):
        return catalog_or_folder
    from ..batch.api import catalog_for
    return catalog_for(Path(catalog_or_folder))


def decision_inputs(catalog: Catalog, decision: dict, include_drafts: bool = False) -> dict:
    """The `inputs` of the record of `decision` (its JSON) decided with `catalog`; drafts only
    when the request included them (a draft decides nothing otherwise, and may change unlocked)."""
    policy = decision["policy"]
    names = [policy["name"], *(u["name"] for u in policy.get("uses") or ())]
    found = catalog.jurisdiction(policy["name"])
    return {
        "jurisdiction": {"code": found.code, "sha256": found.sha256} if found is not None else None,
        "versions": {name: {v.label: v.sha256 for v in catalog.versions(name) if include_drafts or not v.is_draft}
                     for name in sorted(set(names))},
        "calendar": {"library": "holidays", "release": holidays_release()},
    }
