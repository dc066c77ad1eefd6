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

__all__ = ["DRAFTS", "DATA_FOLDERS", "KINDS", "expected_path", "policy_root", "file_kind"]

DRAFTS = "drafts"
# Folders beside the policy folders that hold the catalog's data files: jurisdiction files
# (policy/jurisdiction.py) and locales (policy/locale.py), not policy versions.
DATA_FOLDERS = ("jurisdictions", "locales")
# The kinds of file a catalog holds, each named by the top-level key its schema requires
# (`policy:`, `jurisdiction:`, `locale:`), and the data folder each data kind lives in.
KINDS = {"policy": None, "jurisdiction": "jurisdictions", "locale": "locales"}


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


def file_kind(file: Path) -> str:
    """What a catalog file is: "jurisdiction" or "locale" when it lives in a data folder
    (`<root>/jurisdictions/`, `<root>/locales/`) or, elsewhere, when its first top-level key
    says so (an edited copy); else "policy" (whose loader reports whatever else is wrong).

    Why not only by folder: `frin validate ~/edits/NO.yaml` must not load a jurisdiction as a
    policy version. The first key is read from the text's first lines, without parsing YAML.
    """
    folder = Path(file).parent.name
    for kind, data_folder in KINDS.items():
        if data_folder is not None and folder == data_folder:
            return kind
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            head = [handle.readline() for _ in range(64)]
    except OSError:
        return "policy"
    for line in head:
        if line[:1].isalpha():          # the first top-level key (comments, blanks, `---` skipped)
            key = line.partition(":")[0].strip()
            return key if key in KINDS else "policy"
    return "policy"
