"""Which policy catalog a command uses when none is named: `./policies`, else the bundled one.

The wheel ships the Norwegian policies inside the package (`frist_inkasso/policies/`), beside
`engine/` as in the checkout, so an installed `frin` can decide a case from any folder.
"""
from __future__ import annotations

from pathlib import Path

from ..core.names import COMMAND

__all__ = ["BUNDLED", "LOCAL", "resolve_default"]

LOCAL = "policies"
BUNDLED = Path(__file__).resolve().parents[2] / "policies"


def resolve_default(command: str) -> tuple[str, str | None]:
    """The folder to use and, when it is the bundled catalog, a note saying so (for stderr)."""
    if Path(LOCAL).is_dir() or command == "lock" or not BUNDLED.is_dir():
        return LOCAL, None
    return str(BUNDLED), f"note: no ./policies here; `{COMMAND} {command}` uses the bundled catalog {BUNDLED}"
