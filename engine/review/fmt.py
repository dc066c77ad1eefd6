"""`frin fmt`: policy and case files in one layout, comments kept (ruamel.yaml round trip).

Why ruamel.yaml: formatting YAML by hand would drop or move comments, and the comments are
where a policy cites its sources; ruamel.yaml's round-trip mode keeps every comment and the
quoting, and re-emits the block layout the bundled files use (two-space mappings, list items
indented two under their key: `rules:` / `  - id: ...`). Long lines are never re-wrapped.

Guarantees, each checked per file before it is written:
- the data is unchanged: the formatted text loads (safely) to exactly the original data;
- formatting is idempotent: the formatted text formats to itself;
- a published version named in `policies.lock` is never rewritten (published versions are
  immutable): it is left as it is and counted as locked;
- a file is written whole or not at all (core/atomic.py).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core.atomic import write_text_atomically
from ..core.diagnostics import Diagnostic, relative
from ..core.document import load_document
from .lock import find_lock
from .lock_file import Lock

__all__ = ["Formatted", "format_text", "format_files", "yaml_files"]


@dataclass
class Formatted:
    """What `fmt` did (or with --check, would do) to the files it was given."""

    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    locked: list[str] = field(default_factory=list)      # published versions left as they are
    problems: list[Diagnostic] = field(default_factory=list)


def _yaml():
    from ruamel.yaml import YAML
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096                     # never re-wrap a long line (explanations, sources)
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def format_text(text: str) -> str:
    """The file's text in the layout; raises ruamel's `YAMLError` when it is not YAML."""
    rt = _yaml()
    out = io.StringIO()
    rt.dump(rt.load(text), out)
    return out.getvalue()


def yaml_files(paths: Sequence[str | Path]) -> list[Path]:
    """The `*.yaml` / `*.yml` files given, and those below each folder given, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _locked(file: Path) -> bool:
    found = find_lock(file)
    if found is None:
        return False
    lock = Lock.read(found)
    try:
        shown = file.resolve().relative_to(lock.root.resolve()).as_posix()
    except ValueError:
        return False
    return shown in lock.entries


def format_files(paths: Sequence[str | Path], check: bool) -> Formatted:
    done = Formatted()
    for file in yaml_files(paths):
        shown = relative(file)
        doc = load_document(file, shown)          # the safe loader with its limits, first
        if isinstance(doc, Diagnostic):
            done.problems.append(doc)
            continue
        text = doc.source.text
        try:
            formatted = format_text(text)
        except Exception as err:  # noqa: BLE001 - ruamel's errors have no common base worth naming
            done.problems.append(Diagnostic("unformattable", f"cannot format: {err}", path=shown))
            continue
        if formatted == text:
            done.unchanged += 1
            continue
        if yaml.safe_load(formatted) != yaml.safe_load(text) or format_text(formatted) != formatted:
            done.problems.append(Diagnostic(
                "unformattable", "formatting would change the data or is not stable; the file was left as it is",
                path=shown, help="please report this with the file"))
            continue
        if _locked(file):
            done.locked.append(shown)
            continue
        done.changed.append(shown)
        if not check:
            write_text_atomically(file, formatted)
    return done
