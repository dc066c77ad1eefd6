"""Subcommands for batch work: `frist batch`.

Only argument definitions live here (imported by every `frist` call, so keep it light);
each parser names its implementation as `handler="module:function"`.
"""
from __future__ import annotations

__all__ = ["add_commands"]


def add_commands(sub) -> None:
    """Add this group's subparsers to `sub` (an argparse subparsers action)."""
