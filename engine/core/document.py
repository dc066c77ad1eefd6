"""Safe YAML (and JSON) documents that remember where every value came from.

Policies and cases are composed (never constructed) with PyYAML's safe composer, then
converted here with: no duplicate keys, timestamps kept as text (our typed layer parses
dates), floats as `Decimal` (never float), only the standard tags, and limits on size,
depth, node count and aliases. Each value's span is kept by its path, so a JSON Schema
error or a type error can name the file, line and column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml

from .diagnostics import Diagnostic
from .source import ScalarText, Source, Span

__all__ = ["Document", "load_document", "parse_document", "LIMITS"]

LIMITS = {"bytes": 2 * 1024 * 1024, "depth": 64, "nodes": 200_000, "aliases": 100, "digits": 50}

_STD = "tag:yaml.org,2002:"
# libyaml's safe loader when PyYAML was built with it (same nodes and marks, ~10× faster)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")}

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data plus the span of every value (and of every mapping key)."""

    source: Source
    data: Any
    value_spans: dict[PathKey, Span] = field(default_factory=dict)
    key_spans: dict[PathKey, Span] = field(default_factory=dict)
    scalars: dict[PathKey, ScalarText] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.source.path

    def span(self, path: PathKey, key: bool = False) -> Span:
        """The span of the value at `path` (or of its key); falls back to the nearest parent."""
        table = self.key_spans if key else self.value_spans
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.value_spans:
                return self.value_spans[p]
            p = p[:-1]
        return self.value_spans.get((), self.source.span(0, 1))

    def scalar_text(self, path: PathKey) -> ScalarText | None:
        """Offset mapping for the string scalar at `path`, for expressions inside it."""
        return self.scalars.get(tuple(path))


class _Problem(Exception):
    def __init__(self, code: str, message: str, span: Span, help: str | None = None,
                 notes: Iterable[tuple[str, Span | None]] = ()) -> None:
        self.diagnostic = Diagnostic(code, message, span, help=help, notes=tuple(notes))


def load_document(path: str | Path, display: str | None = None) -> Document | Diagnostic:
    """Read and convert a YAML or JSON file; a `Diagnostic` when it is not acceptable."""
    shown = display or str(path)
    if str(path) == "-":
        return _load_stdin("<stdin>" if shown == "-" else shown)
    try:
        size = Path(path).stat().st_size
        if size > LIMITS["bytes"]:
            return Diagnostic("file-too-large", f"file is {size} bytes; the limit is {LIMITS['bytes']}", path=shown,
                              help="split the file; policies and cases are small")
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return Diagnostic("invalid-encoding", f"file is not UTF-8 ({err.reason} at byte {err.start})", path=shown)
    except OSError as err:
        return Diagnostic("unreadable-file", f"cannot read file: {err.strerror}", path=shown)
    return parse_document(Source(shown, text))


def _load_stdin(shown: str) -> Document | Diagnostic:
    """`-` as a path: the document is standard input (read up to the size limit)."""
    import sys
    data = sys.stdin.buffer.read(LIMITS["bytes"] + 1)
    if len(data) > LIMITS["bytes"]:
        return Diagnostic("file-too-large", f"standard input is over the limit of {LIMITS['bytes']} bytes", path=shown,
                          help="split the file; policies and cases are small")
    try:
        return parse_document(Source(shown, data.decode("utf-8")))
    except UnicodeDecodeError as err:
        return Diagnostic("invalid-encoding", f"standard input is not UTF-8 ({err.reason} at byte {err.start})",
                          path=shown)


def parse_document(source: Source) -> Document | Diagnostic:
    text = source.text
    if len(text.encode("utf-8")) > LIMITS["bytes"]:
        return Diagnostic("file-too-large", f"document is larger than {LIMITS['bytes']} bytes", path=source.path)
    try:
        aliases = 0 if "*" not in text else sum(      # an alias is written `*name`: no `*`, no alias
            1 for event in yaml.parse(text, Loader=_SAFE_LOADER) if isinstance(event, yaml.AliasEvent))
        if aliases > LIMITS["aliases"]:
            return Diagnostic("unsafe-yaml", f"{aliases} aliases; at most {LIMITS['aliases']} are allowed",
                              source.span(0, 1), help="write the values out instead of aliasing them")
        nodes = list(yaml.compose_all(text, Loader=_SAFE_LOADER))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        span = source.span(mark.index, mark.index + 1) if mark else source.span(0, 1)
        message = f"malformed YAML: {err.problem or err.context}"
        if "nesting depth" in str(err.problem):       # the parser's own limit, far past ours (LIMITS)
            return Diagnostic("unsafe-yaml", f"nested deeper than {LIMITS['depth']} levels", span,
                              help="a policy or case is a few levels deep: flatten the data")
        if mark is not None and text[mark.index:mark.index + 1] == "\t":
            return Diagnostic("yaml-syntax", "malformed YAML: a tab character; YAML indents with spaces only", span,
                              help="replace the tab with spaces (2 per level, as the rest of the file)")
        return Diagnostic("yaml-syntax", message, span, help="check indentation and quoting around this point")
    except yaml.YAMLError as err:
        return Diagnostic("yaml-syntax", f"malformed YAML: {err}", source.span(0, 1))
    if not nodes:
        return Diagnostic("yaml-syntax", "the file is empty (or only comments)", source.span(0, 1),
                          help="write the document: a case (schemas/case.schema.json) or a policy version")
    if len(nodes) != 1:
        return Diagnostic("yaml-syntax", f"expected one YAML document, found {len(nodes)}", source.span(0, 1),
                          help="remove the extra `---` separators")
    doc = Document(source, None)
    try:
        doc.data = _Converter(doc).convert(nodes[0], (), 0)
    except _Problem as problem:
        return problem.diagnostic
    return doc


class _Converter:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        # YAML's marks carry line and column; they agree with `Source` unless the text has a
        # line break that only YAML counts (a lone CR, NEL, LS, PS), so then `Source` decides.
        text = doc.source.text
        self._marks = not any(c in text for c in ("\x85", "\u2028", "\u2029")) and "\r" not in text.replace("\r\n", "")

    def _span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        if not self._marks:
            return self.doc.source.span(start.index, max(end.index, start.index + 1))
        if end.index > start.index:
            return Span(self.doc.source.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        return Span(self.doc.source.path, start.line + 1, start.column + 1, start.line + 1, start.column + 2)

    def convert(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > LIMITS["nodes"]:
            raise _Problem("unsafe-yaml", f"more than {LIMITS['nodes']} values (an alias bomb?)", self._span(node))
        if depth > LIMITS["depth"]:
            raise _Problem("unsafe-yaml", f"nested deeper than {LIMITS['depth']} levels", self._span(node))
        if node.tag not in _ALLOWED_TAGS:
            raise _Problem("unsafe-yaml", f"tag `{node.tag}` is not allowed", self._span(node),
                           help="policies and cases use plain YAML values only")
        self.doc.value_spans[path] = self._span(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                raise _Problem("unsafe-yaml", "merge keys (`<<`) are not allowed", self._span(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem("invalid-key", "mapping keys must be plain names", self._span(key_node))
            key = key_node.value
            if key in out:
                raise _Problem("duplicate-key", f"key `{key}` appears twice", self._span(key_node),
                               help="remove one of them; YAML would silently keep only the last",
                               notes=[("first defined here", self.doc.key_spans[path + (key,)])])
            self.doc.key_spans[path + (key,)] = self._span(key_node)
            out[key] = self.convert(value_node, path + (key,), depth + 1)
        return out

    def _int(self, node: yaml.ScalarNode) -> int:
        """A YAML 1.1 integer, strictly: decimal, 0x hex, 0b binary; never a silent reinterpretation.

        YAML 1.1 also reads `017` as octal 15 and `1:30` as base 60 (90); both are refused
        with a hint rather than guessed, and so is an integer too long to be a figure.
        """
        text = node.value.replace("_", "")
        sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
        problem = None
        if ":" in digits:
            problem = "is a base-60 number in YAML 1.1 (e.g. 1:30 is 90); quote it if you meant text"
        elif len(digits) > LIMITS["digits"]:
            problem = f"has {len(digits)} digits; a number has at most {LIMITS['digits']}"
        elif digits[:2].lower() in ("0x", "0b"):
            base = 16 if digits[1] in "xX" else 2
            try:
                return int(sign + digits[2:], base) if digits[2:] else int("", base)
            except ValueError:
                problem = "is not a valid hexadecimal or binary number"
        elif len(digits) > 1 and digits[0] == "0":
            problem = "is an octal number in YAML 1.1; write it without the leading 0, or quote it"
        elif digits.isdigit():
            return int(sign + digits)
        else:
            problem = "is not a whole number"
        shown = node.value if len(node.value) <= 40 else node.value[:20] + "…" + node.value[-8:]
        raise _Problem("invalid-number", f"`{shown}` {problem}", self._span(node))

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        tag, value = node.tag, node.value
        if tag == _STD + "str" or tag == _STD + "timestamp" or tag == _STD + "binary":
            if tag == _STD + "str":
                self.doc.scalars[path] = ScalarText(self.doc.source, value, node.start_mark.index, node.end_mark.index)
            return value
        if tag == _STD + "null":
            return None
        if tag == _STD + "bool":
            return value.lower() in ("true", "yes", "on")
        if tag == _STD + "int":
            return self._int(node)
        if tag == _STD + "float":
            try:
                return Decimal(value.replace("_", ""))
            except ArithmeticError:
                raise _Problem("invalid-number", f"`{value}` is not a decimal number", self._span(node)) from None
        return value  # pragma: no cover  (tags are filtered above)
