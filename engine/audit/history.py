"""A policy version's or jurisdiction file's text by its sha256: in the folder now, else in its git history.

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

__all__ = ["version_text", "blob_with_sha256", "data_file_text"]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def blob_with_sha256(folder: Path, sha256: str) -> bytes | None:
    """A text `folder` held at some commit of its repository whose sha256 is `sha256`, else None."""
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


def version_text(folder: str | Path, name: str, sha256: str, label: str | None = None) -> tuple[bytes, str]:
    """The bytes of `name`'s version with this sha256, and where they were found.

    Raises UsageError naming what changed (today's file of that version, if any) and how to get
    the text back."""
    base = Path(folder) / name
    for file in sorted(base.rglob("*.yaml")) if base.is_dir() else []:
        data = file.read_bytes()
        if _sha256(data) == sha256:
            return data, str(file)
    found = blob_with_sha256(base if base.is_dir() else Path(folder), sha256)
    if found is not None:
        return found, f"git history of {base}"
    now = [f for f in (sorted(base.rglob(f"{label}.yaml")) if label and base.is_dir() else [])]
    changed = (f"; {now[0]} has changed since (its sha256 is now {_sha256(now[0].read_bytes())[:12]})" if now
               else f"; there is no file of {name}@{label} in {base} now" if label else "")
    raise UsageError(f"no version of `{name}` with sha256 {sha256[:12]} in {base} or its git history{changed}: "
                     "replay needs the policy folder the decision was made with (a checkout of its repository "
                     "holding that text, e.g. at a commit of the decision's date)")


def data_file_text(folders: list[Path], code: str, sha256: str, kind: str) -> tuple[bytes, str]:
    """The bytes of the data file `<code>.yaml` (a jurisdiction file) with this sha256, from one
    of `folders` (`jurisdictions/` beside the policies, then the bundled one) or their git history.

    Raises UsageError naming the file that changed, its sha256 then and now, and how to get it."""
    for folder in folders:
        file = folder / f"{code}.yaml"
        if file.is_file() and _sha256(file.read_bytes()) == sha256:
            return file.read_bytes(), str(file)
    for folder in folders:
        found = blob_with_sha256(folder, sha256)
        if found is not None:
            return found, f"git history of {folder}"
    now = next((folder / f"{code}.yaml" for folder in folders if (folder / f"{code}.yaml").is_file()), None)
    changed = (f"{now} has changed since (its sha256 is now {_sha256(now.read_bytes())[:12]})" if now is not None
               else f"there is no {code}.yaml in {', '.join(map(str, folders)) or 'any jurisdictions folder'} now")
    raise UsageError(f"the {kind} {code} the decision was made with (sha256 {sha256[:12]}) is neither in "
                     f"{', '.join(map(str, folders)) or 'a jurisdictions folder'} nor in the git history of "
                     f"{'that folder' if len(folders) == 1 else 'those folders'}: {changed}. "
                     f"Replay needs that file: run it in a checkout of the policy repository that holds it "
                     f"(`git log -- {now if now is not None else code + '.yaml'}` lists its versions), or commit "
                     f"the old text to the folder's history")
