"""A JSON Lines file as blocks of whole lines: one bytes buffer and NumPy line offsets per block.

Reading a file line by line in Python costs a bytes object, a strip and an append per line
before any column work starts: here a block of the file is read at once, its newlines
found by NumPy, and a block whose every line starts with `{` and fits the size limit is
handed to the columnar reader as the buffer it is (`jsonl.read_lines`). Only an odd
line (blank, too long, not starting with `{`) is looked at in Python, and a block holding
one is read line by line as before.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np

__all__ = ["LineBlock", "line_blocks"]

_FIRST_READ = 8 << 20        # bytes read first; later reads are sized by the lines seen so far
_MOST_READ = 256 << 20


class LineBlock(NamedTuple):
    """Lines `numbers` (1-based line numbers in the file) of `data`: line i is data[starts[i]:ends[i]]
    without its line break; `plain` when every line starts with `{` and the lines are contiguous in
    `data` (then `data` is exactly the lines, each with its break). `too_long`: (number, line with
    its break) of the block's lines over the size limit, which are not among the others."""

    data: memoryview
    starts: np.ndarray
    ends: np.ndarray
    numbers: np.ndarray
    plain: bool
    too_long: list[tuple[int, bytes]]

    def line(self, i: int) -> bytes:
        return bytes(self.data[self.starts[i]:self.ends[i]])

    def lines(self) -> list[bytes]:
        return [self.line(i) for i in range(len(self.numbers))]


def line_blocks(path, rows: int, limit: int) -> Iterator[LineBlock]:
    """The file's non-blank lines in blocks of at most `rows` lines, in order; a line longer than
    `limit` bytes is kept (its reject says so) but makes its block not `plain`."""
    seen, pending, size, lines_seen, bytes_seen = 0, b"", _FIRST_READ, 0, 0
    with open(path, "rb") as handle:
        while True:
            piece = handle.read(size)
            data = pending + piece if pending else piece
            if not piece:
                if data:
                    yield from _blocks(data + b"\n", seen, rows, limit)
                return
            cut = data.rfind(b"\n") + 1
            if cut == 0:                      # no line break yet: one long line, read on
                pending, size = data, min(size * 2, _MOST_READ)
                continue
            whole, pending = data[:cut], data[cut:]
            yield from _blocks(whole, seen, rows, limit)
            count = whole.count(b"\n")
            seen += count
            lines_seen, bytes_seen = lines_seen + count, bytes_seen + cut
            # a little under `rows` lines a read, so a read is one block (not a full one and a sliver)
            size = int(min(max(0.9 * rows * bytes_seen / max(lines_seen, 1), 1 << 16), _MOST_READ))


def _blocks(data: bytes, before: int, rows: int, limit: int):
    """The blocks of the lines of `data` (whole lines, each ending in a break; `before` lines precede it)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(arr == 10)
    starts = np.empty(len(breaks), dtype=np.int64)
    starts[0] = 0
    starts[1:] = breaks[:-1] + 1
    ends = breaks - ((breaks > starts) & (arr[np.maximum(breaks - 1, 0)] == 13))
    numbers = np.arange(before + 1, before + len(breaks) + 1, dtype=np.int64)
    first = arr[np.minimum(starts, len(arr) - 1)]
    long = breaks - starts + 1 > limit
    odd = (ends == starts) | (first != ord("{")) | long
    view = memoryview(data)
    keep = ~long
    if odd.any():
        for i in np.flatnonzero(odd & ~long):
            if not bytes(view[starts[i]:ends[i]]).strip():
                keep[i] = False                 # a blank line is not a row
    total = len(breaks)
    for at in range(0, total, rows):
        part = slice(at, min(at + rows, total))
        kept = keep[part]
        too_long = [(int(numbers[i]), bytes(view[starts[i]:breaks[i] + 1])) for i in np.flatnonzero(long[part]) + at]
        if not kept.any() and not too_long:
            continue
        s, e, n = starts[part][kept], ends[part][kept], numbers[part][kept]
        if not odd[part].any():
            lo, hi = int(s[0]), int(breaks[part][-1]) + 1
            yield LineBlock(view[lo:hi], s - lo, e - lo, n, True, [])
        else:
            yield LineBlock(view, s, e, n, False, too_long)
