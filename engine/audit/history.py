"""A policy version's text by its sha256: in the policy folder now, else in the folder's git history.

A published version never changes (the lock), but a decision may be replayed after a
correction (`frin lock --rewrite`) or from a checkout of another date; git keeps every text a
file ever had. One `git log --raw` lists every blob the policy's folder has held and one
`git cat-file --batch` reads them, so the search costs two processes however long the history.
"""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from ..core.errors import UsageError

__all__ = ["version_text"]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _from_git(folder: Path, sha256: str) -> bytes | None:
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        return None
    root = Path(top.decode().strip())
    listing = _git(["log", "--all", "--no-renames", "--format=", "--raw", "--no-abbrev", "--", "."], folder)
    if not listing:
        return None
    blobs = []
    for line in listing.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if line.startswith(":") and len(parts) >= 5:
            blobs += [b for b in parts[2:4] if set(b) != {"0"}]
    if not blobs:
        return None
    out = _git(["cat-file", "--batch"], root, ("\n".join(dict.fromkeys(blobs)) + "\n").encode())
    at = 0
    while out and at < len(out):
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) < 3:             # "<id> missing"
            at = header_end + 1
            continue
        size = int(header[2])
        body = out[header_end + 1: header_end + 1 + size]
        at = header_end + 1 + size + 1
        if _sha256(body) == sha256:
            return body
    return None


def version_text(folder: str | Path, name: str, sha256: str) -> tuple[bytes, str]:
    """The bytes of `name`'s version with this sha256, and where they were found."""
    base = Path(folder) / name
    for file in sorted(base.rglob("*.yaml")) if base.is_dir() else []:
        data = file.read_bytes()
        if _sha256(data) == sha256:
            return data, str(file)
    found = _from_git(base if base.is_dir() else Path(folder), sha256)
    if found is not None:
        return found, f"git history of {base}"
    raise UsageError(f"no version of `{name}` with sha256 {sha256[:12]} in {base} or its git history: "
                     "replay needs the policy folder the decision was made with (a checkout of its repository)")
