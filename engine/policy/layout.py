"""Where policy files live: one place for the folder layout.

    policies/<name>/<effective>.yaml            a published version (locked once published)
    policies/<name>/drafts/<effective>.yaml     a draft (`status: draft`), e.g. a new act

A draft lives in `drafts/` so it never takes the file name a published version of the
same date needs (the routine 1 January change next to the draft of a new act). Where a
file lives never changes what it decides: versions are told apart by `status`, and with
`--include-drafts` a draft wins over a published version of the same date (versions.py).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

__all__ = ["DRAFTS", "expected_path", "policy_root"]

DRAFTS = "drafts"


def expected_path(name: str, effective: dt.date, draft: bool) -> str:
    """The file a version belongs in, relative to the policy folder.

    >>> expected_path("no-regulation", dt.date(2027, 1, 1), True)
    'no-regulation/drafts/2027-01-01.yaml'
    """
    return f"{name}/{DRAFTS + '/' if draft else ''}{effective.isoformat()}.yaml"


def policy_root(file: Path, name: str) -> Path | None:
    """The policy folder holding `file` when it sits where a version of policy `name` belongs
    (`<root>/<name>/<date>.yaml` or `<root>/<name>/drafts/<date>.yaml`), else None."""
    folder = file.resolve().parent
    if folder.name == DRAFTS:
        folder = folder.parent
    return folder.parent if folder.name == name else None
