"""JSON Lines split into lines by NumPy (`engine/batch/lines.py`) numbers rows as reading the file
line by line in Python does: every non-blank line is a row numbered by its line, whatever the
line breaks (CRLF, none at the end), blank or whitespace-only lines, a line over the size
limit, or where the blocks fall (issue 19)."""
from __future__ import annotations

import json

import pytest

from engine.batch.io import read_cases
from engine.batch.lines import line_blocks

CASE = {"case_id": "C", "policy": "demo", "as_of": "2026-03-02", "creditor": {"vat_registered": True},
        "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}]}


def _doc(i: int) -> bytes:
    return json.dumps(dict(CASE, case_id=f"C{i}")).encode()


def _reference(data: bytes) -> list[tuple[int, bytes]]:
    """(line number, line without its break) of each non-blank line, read as Python reads lines."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [(n, raw.rstrip(b"\r")) for n, raw in enumerate(lines, 1) if raw.strip()]


LAYOUTS = {
    "plain": b"".join(_doc(i) + b"\n" for i in range(10)),
    "crlf": b"".join(_doc(i) + b"\r\n" for i in range(10)),
    "no final break": b"\n".join(_doc(i) for i in range(10)),
    "blank lines": b"\n" + _doc(1) + b"\n\n   \n\t\r\n" + _doc(2) + b"\n\x0c\n" + _doc(3) + b"\n\n",
    "leading space": b"  " + _doc(1) + b"\n" + _doc(2) + b"\n",
    "not json between": _doc(1) + b"\nnot json\n[1, 2]\n" + _doc(2) + b"\n",
}


@pytest.mark.parametrize("rows", [1, 3, 100])
@pytest.mark.parametrize("name", list(LAYOUTS))
def test_lines_and_numbers_are_those_python_reads(tmp_path, name, rows):
    path = tmp_path / "in.jsonl"
    path.write_bytes(LAYOUTS[name])
    got = []
    for block in line_blocks(path, rows, limit=10_000):
        assert len(block.numbers) <= rows
        got += list(zip(block.numbers.tolist(), block.lines()))
    assert got == _reference(LAYOUTS[name])


def test_a_line_over_the_limit_is_set_apart_with_its_break(tmp_path):
    path = tmp_path / "in.jsonl"
    long = json.dumps(dict(CASE, case_id="L" * 600)).encode()
    path.write_bytes(_doc(1) + b"\n" + long + b"\n" + _doc(3) + b"\n")
    blocks = list(line_blocks(path, 100, limit=400))
    assert [n for b in blocks for n in b.numbers.tolist()] == [1, 3]
    assert [t for b in blocks for t in b.too_long] == [(2, long + b"\n")]


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_line_is_decided_or_rejected_with_its_number(tmp_path, name):
    path = tmp_path / "in.jsonl"
    path.write_bytes(LAYOUTS[name])
    rows, rejected = [], []
    for chunk, rejects in read_cases(path, chunk_rows=4):
        rows += chunk.get_column("__input_row").to_list()
        rejected += [r["row"] for r in rejects]
    want = [n for n, _ in _reference(LAYOUTS[name])]
    assert sorted(rows + rejected) == want
    assert len(set(rejected)) == (2 if name == "not json between" else 0)
