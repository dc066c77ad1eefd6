"""Catalogs for review: the policy folder with candidate files standing in for their versions.

A candidate is a policy file given on the command line (an edited copy, an uncommitted
change, a file as committed in git). It replaces the version of the same policy and
effective date in the folder, so its `uses` resolve against everything else, and it may
live anywhere under any name (its file-name check is waived).
"""
from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check.pipeline import Catalog, load_catalog
from ..check.scope import candidate_files
from ..core.errors import PolicyError, UsageError
from ..policy.loader import find_policy_files

__all__ = ["PinnedCatalog", "candidate_catalog", "git_file"]


@dataclass
class PinnedCatalog(Catalog):
    """A catalog that always resolves the pinned policies to one version (main or used).

    A pin wins over a case's own `policy: name@version`: a diff decides every case under
    each compared version.
    """

    pins: dict[str, str] = field(default_factory=dict)      # policy name → effective date (ISO)

    def resolve(self, name: str, day: dt.date, include_drafts: bool = False, pinned: str | None = None):
        return super().resolve(name, day, include_drafts, self.pins.get(name) or pinned)


def candidate_catalog(policies: str | Path, candidates: Sequence[str | Path]) -> Catalog:
    """Load `policies` with each candidate file (or folder of files) replacing its namesake.

    Raises:
        PolicyError: the resulting set of policies has errors.
    """
    extra, missing = find_policy_files(candidates)
    if missing:
        raise UsageError(missing[0].message)
    catalog, problems = load_catalog(candidate_files(policies, extra))
    errors = [d for d in problems if d.is_error
              and not (d.code == "file-name-mismatch" and d.span is not None and _is_candidate(d.span.path, extra))]
    if errors:
        raise PolicyError(errors)
    return catalog


def _is_candidate(shown_path: str, extra: list[Path]) -> bool:
    return any(Path(shown_path).resolve() == e.resolve() for e in extra)


def git_file(spec: str, workdir: Path) -> Path | None:
    """`REV:path` (a policy file as committed in git) written to a temporary file, else None."""
    rev, sep, path = spec.partition(":")
    if not sep or not rev or not path or Path(spec).exists():
        return None
    if rev.startswith("-"):
        raise UsageError(f"`{spec}`: a git revision cannot start with `-`")
    try:
        # `--end-of-options`: whatever the user typed is a revision, never an option to git
        text = subprocess.run(["git", "show", "--end-of-options", f"{rev}:{path}"],
                              capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        raise UsageError(f"cannot read `{spec}` from git: {detail.strip()}") from None
    folder = Path(tempfile.mkdtemp(prefix="frist-", dir=workdir)) / "".join(c if c.isalnum() or c in "-_." else "_" for c in rev)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / Path(path).name
    out.write_text(text, encoding="utf-8")
    return out
