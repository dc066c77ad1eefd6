"""Replacing a file atomically: write a temporary file beside it, then rename it over it.

A reader (or a run killed half-way) sees the old file or the new one, never a truncated
mix: `os.replace` within one folder is atomic on POSIX and Windows. Used for the policy
lock and every output of `frin batch`.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

__all__ = ["replace_atomically", "write_text_atomically"]


def replace_atomically(path: str | Path, write: Callable[[Path], object]) -> None:
    """Call `write(temp)` on a new temporary file beside `path`, then rename it over `path`.

    On any failure (or interruption) the temporary file is removed and `path` is left as
    it was. The new file keeps the old one's permissions (else the umask's).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temp = Path(name)
    try:
        write(temp)
        with open(temp, "rb") as done:        # on disk before the rename makes it visible
            os.fsync(done.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_text_atomically(path: str | Path, text: str) -> None:
    """`Path.write_text`, but all or nothing."""
    replace_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
