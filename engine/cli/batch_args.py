"""Subcommands for batch work: `frist batch`.

Only argument definitions live here (imported by every `frist` call, so keep it light);
each parser names its implementation as `handler="module:function"`.
"""
from __future__ import annotations

__all__ = ["add_commands"]


def add_commands(sub) -> None:
    """Add this group's subparsers to `sub` (an argparse subparsers action)."""
    batch = sub.add_parser("batch", help="decide many cases (Parquet, CSV or JSON Lines) with the columnar evaluator",
                           description="Decide every case in INPUT and write one decision per case to OUTPUT. "
                                       "Formats follow the file suffix: .parquet, .csv, .jsonl (see docs/batch.md).")
    batch.add_argument("input", help="cases: .parquet, .csv or .jsonl (one case document per line)")
    batch.add_argument("-o", "--output", required=True, help="decisions: .parquet, .csv or .jsonl")
    batch.add_argument("--as-of", help="decision date YYYY-MM-DD (default: each row's as_of, else today)")
    batch.add_argument("--policy", help="NAME or NAME@VERSION (default: each row's `policy`)")
    batch.add_argument("--policies", default=None, help="policy folder (default: ./policies, else the bundled catalog)")
    batch.add_argument("--include-drafts", action="store_true", help="let draft versions decide")
    batch.add_argument("--rejects", help="where to write rejected rows (default: OUTPUT with .rejects.csv); "
                                         "always written, empty when no row was rejected")
    batch.add_argument("--ignore-unknown", action="store_true",
                       help="decide without columns the layout does not know (default: they are an error)")
    batch.add_argument("--format", choices=["text", "json"], default="text", help="the summary printed at the end")
    batch.add_argument("--strict", action="store_true", help="stop at the first rejected row (exit 2)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    batch.set_defaults(handler=".batch:batch")
