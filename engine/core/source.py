"""Source positions: where in which file a piece of policy or case text stands.

Every AST node and every diagnostic carries a `Span` in *file* coordinates, so an error
inside an expression embedded in a YAML scalar points at the exact sub-expression in the
file, not at the YAML key. `ScalarText` maps offsets inside a scalar's value back to the
file for plain, quoted and block scalars alike.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Source", "Span", "ScalarText"]


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A range in a file; lines and columns are 1-based, `end_col` is exclusive.

    Treated as immutable (hashable by value) but not `frozen`: a frozen dataclass's
    `__init__` is three times slower, and a document makes one span per value and key.

    >>> Span("p.yaml", 3, 7, 3, 12).start
    'p.yaml:3:7'
    """

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    @property
    def start(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)


@dataclass(frozen=True, slots=True)
class Source:
    """A file's text with a line index, for turning offsets into line:col."""

    path: str
    text: str
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        at = find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = find("\n", at + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def read(cls, path: str | Path, display: str | None = None) -> Source:
        return cls(display or str(path), Path(path).read_text(encoding="utf-8"))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a character offset.

        >>> Source("x", "ab\\ncd").position(4)
        (2, 2)
        """
        line = bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset(self, line: int, col: int) -> int:
        """The character offset of a 1-based line:col (the inverse of `position`).

        >>> Source("x", "ab\\ncd").offset(2, 2)
        4
        """
        return self._line_starts[line - 1] + col - 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(max(end, start + 1))
        return Span(self.path, line, col, end_line, end_col)

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]


class ScalarText:
    """Maps offsets in a YAML scalar's *value* to offsets in the file's raw text.

    The value of a quoted or block scalar differs from its raw text (quotes, indentation,
    folded newlines). Non-blank characters appear in both in the same order, so walking
    them side by side aligns every character; blanks inherit the position after the
    previous character. Escape sequences in double-quoted scalars are the one case where
    the alignment is approximate (it stays on the right line).
    """

    def __init__(self, source: Source, value: str, raw_start: int, raw_end: int) -> None:
        self.source = source
        self.value = value
        # aligned on first use (most scalars never need it): until then the raw range as a
        # tuple, then the offsets as a list; one attribute, so the load cache stores either
        self._offsets: tuple[int, int] | list[int] = (raw_start, raw_end)

    def _align(self) -> list[int]:
        if isinstance(self._offsets, list):
            return self._offsets
        raw_start, raw_end = self._offsets
        raw = self.source.text[raw_start:raw_end]
        offsets: list[int] = []
        j = 0
        for ch in self.value:
            if ch.isspace():
                offsets.append(raw_start + j)
                continue
            k = raw.find(ch, j)
            if k < 0:  # escape sequence: keep the last good position
                offsets.append(raw_start + j)
                continue
            offsets.append(raw_start + k)
            j = k + 1
        offsets.append(raw_start + j)
        self._offsets = offsets
        return offsets

    def span(self, start: int, end: int) -> Span:
        """The file span of `value[start:end]`."""
        offsets = self._align()
        start = min(max(start, 0), len(self.value))
        end = min(max(end, start), len(self.value))
        raw_start = offsets[start]
        raw_end = offsets[end - 1] + 1 if end > start else raw_start + 1
        return self.source.span(raw_start, raw_end)
