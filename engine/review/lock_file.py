"""The lock file's format: `policies.lock`, one `sha256  path` line per published version.

The format is sha256sum's, so `grep -v '^#' policies.lock | sha256sum -c` checks it too.
Its own module so that both readers of a lock, `lock.py` (the command and the changed-file
check) and `lock_checks.py` (vanished, moved and back-dated versions), stand on it without
needing each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.diagnostics import relative
from ..core.errors import UsageError
from ..core.source import Span

if TYPE_CHECKING:
    from ..policy.model import PolicyVersion

__all__ = ["LOCK_NAME", "Entry", "Lock"]

LOCK_NAME = "policies.lock"
_HEADER = """\
# sha256 of every published policy version: published versions are immutable.
# `frin validate` fails when a locked file changes; `frin lock` adds new versions.
# The format is sha256sum's, so `grep -v '^#' policies.lock | sha256sum -c` checks it too.
"""


@dataclass(frozen=True, slots=True)
class Entry:
    key: str            # name@effective
    path: str           # relative to the lock file's folder, with forward slashes
    sha256: str


@dataclass
class Lock:
    """The parsed lock file: entries by path, and where each stands (for diagnostics)."""

    file: Path
    entries: dict[str, Entry]
    lines: dict[str, int]

    @property
    def root(self) -> Path:
        return self.file.parent

    @classmethod
    def read(cls, file: Path) -> Lock:
        """Parse a lock file. Raises `UsageError` when it cannot be read or is not a lock."""
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read the policy lock {relative(file)}: {getattr(err, 'strerror', None) or err}") from None
        entries, lines = {}, {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            sha, sep, path = line.partition("  ")
            if not sep or len(sha) != 64 or not path.strip():
                raise UsageError(f"{relative(file)}:{number}:1: not a policy lock line (`{line[:40]}`, expected "
                                 "`SHA256  PATH`); restore the file from version control or delete it and run `frin lock`")
            path = path.strip()
            entries[path] = Entry(_key(path), path, sha)
            lines[path] = number
        return cls(file, entries, lines)

    def path_of(self, version: PolicyVersion) -> str:
        """The version's file as the lock names it (relative to the lock's folder)."""
        file = Path(version.path).resolve()
        try:
            return file.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return file.as_posix()

    def file_of(self, entry: Entry) -> Path:
        return self.root / entry.path

    def governs(self, file: str | Path) -> bool:
        """Whether `file` lies in a policy folder this lock has entries in (`<folder>/<name>/<date>.yaml`)."""
        here = Path(file).resolve()
        return any(here.is_relative_to(folder) for folder in self.folders())

    def folders(self) -> set[Path]:
        root = self.root.resolve()
        return {(root / e.path).parent.parent for e in self.entries.values()}

    def span(self, path: str) -> Span | None:
        line = self.lines.get(path)
        if line is None:
            return None
        return Span(relative(self.file), line, 1, line, 65)     # the hash

    def render(self) -> str:
        """The lock's text: a header, then `sha256  path` per version, sorted by path."""
        rows = [f"{e.sha256}  {e.path}" for e in sorted(self.entries.values(), key=lambda e: e.path)]
        return _HEADER + "\n".join(rows) + "\n"


def _key(path: str) -> str:
    """`policies/demo/2026-01-01.yaml` → `demo@2026-01-01` (the layout the loader enforces)."""
    p = Path(path)
    return f"{p.parent.name}@{p.stem}"
