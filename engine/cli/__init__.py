"""The `frin` command line: app (main and dispatch), registry, options, command bodies, terminal.

`main` here is the console script's target, `frist_inkasso.engine.cli:main`. It stays at this name
across releases because an installed environment keeps the target its script was written
with (an editable install made before a move would otherwise call a module); the body lives
in `app.py` and is imported only when the command runs.
"""
from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from .app import main as run_main
    return run_main(argv)
