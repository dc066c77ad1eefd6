"""Whether to colour output: `--color`, then NO_COLOR and FORCE_COLOR, then "is it a terminal".

NO_COLOR (https://no-color.org) wins over FORCE_COLOR; both count only when set to a
non-empty value. `--color always`/`never` overrides the environment.
"""
from __future__ import annotations

import os
from typing import TextIO

__all__ = ["use_color"]


def use_color(choice: str, stream: TextIO) -> bool:
    """
    >>> import io, os
    >>> use_color("always", io.StringIO()), use_color("never", io.StringIO())
    (True, False)
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())
