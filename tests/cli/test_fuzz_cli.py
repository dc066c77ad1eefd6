"""Fuzzing the CLI with careless and hostile text: mutated bundled policies and mutated corpus cases.

Whatever the input, `cli.run` returns 0, 1 or 2 (never 101, never an escaping exception),
prints no traceback, and its output stays bounded; a mutated policy that validates also
decides the corpus cases that use it (again 0, 1 or 2 — an evaluation or case error is an
answer, a crash is not).

Two profiles (hypothesis settings):

- `ci` (default): a few dozen inputs each (15 for kravia, whose valid mutations cost the most),
  derandomized, well under 40 s on 2 cores;
- `long`: 10,200 mutated policies (3,400 per target) and 10,000 mutated cases, random
  seeds, with a tally of exit codes printed::

      FRIST_FUZZ=long .venv/bin/python -m pytest tests/cli/test_fuzz_cli.py -p no:cacheprovider -s

  (`FRIST_FUZZ_LOG=FILE` appends the running tally every 250 runs.) Its last numbers are
  in docs/robustness.md. A failure prints the falsifying input; add
  it as a regression test next to the fix.
"""
from __future__ import annotations

import collections
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from support import ROOT

LONG = os.environ.get("FRIST_FUZZ") == "long"
# long: 10,200 policy texts (3,400 per target) and 10,000 case documents
PROFILE = dict(max_examples=3_400 if LONG else 30, deadline=None, derandomize=not LONG, database=None,
               suppress_health_check=list(HealthCheck))
# ci: a mutated kravia file that validates costs about 2 s of CPU (validate searches the law's
# boundary cases for every version of the law it uses): half the inputs keep it near 20 s.
CI_EXAMPLES = {"kravia": 15}
CASE_PROFILE = dict(PROFILE, max_examples=10_000 if LONG else 60)
OUTPUT_LIMIT = 1_000_000        # characters of stdout + stderr for any one input
TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

# Tokens a careless editor or a hostile exporter leaves behind: YAML syntax, numbers Python
# cannot read as YAML means them, far dates, huge amounts, operators, control characters.
TOKENS = [
    ":", ": ", "- ", "-", "[", "]", "{", "}", "&a ", "*a", "!!python/object:os.system ", "|", ">", "'", '"', "#",
    "\n", "\n  ", "\t", "  ", ",", "<<: ", "---\n", "~", "null", "true", "no", "NO", "on",
    "0x_", "1:30", "017", "9" * 60, "1e400", ".inf", ".nan", "-0", "0.001", "99999999999999999999999999.00",
    "0000-01-01", "9999-06-01", "2026-02-30", "2026-W10-1", "1900-01-01", "2199-12-31",
    "NOK", " NOK", "%", " %", "days", "months", "years", "(", ")", "((((((((", "))", "not ", "-" * 20,
    " and ", " or ", " if ", " then ", " else ", "sum(", "count(", "min(", "max(", " for c in claims",
    " where ", ".amount", "as_of", "claims", "payments", "events", "==", "=", "<", ">=", "+", "*", "/",
    "\x1b[31m", "\x07", "\x00", "\u202e", "\ufeff", "ø", "æ", "𝔣", "é",
]
_TOKEN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:[.-]\d+)*|\S")


def _run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([str(a) for a in argv], out, err)
    return int(code), out.getvalue(), err.getvalue()


def _answered(what: str, code: int, out: str, err: str) -> None:
    """The one property every fuzzed run must have."""
    TALLY[what][code] += 1
    log = os.environ.get("FRIST_FUZZ_LOG")     # progress of a long run, every 250 runs
    if log and sum(sum(c.values()) for c in TALLY.values()) % 250 == 0:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("; ".join(f"{k} {dict(v)}" for k, v in TALLY.items()) + "\n")
    assert code in (0, 1, 2), f"{what}: exit {code}\n{err[-2000:]}"
    assert "internal error" not in err and "Traceback" not in err + out, err[-2000:]
    assert len(out) + len(err) < OUTPUT_LIMIT, f"{what}: {len(out) + len(err)} characters of output"


@st.composite
def mutated(draw, text: str) -> bytes:
    """`text` after 1–4 edits: deletions, insertions of TOKENS, token replacements, line moves, a bad byte."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "swap", "insert"]))
        lines = text.split("\n")
        if kind == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 40)):]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            token = draw(st.sampled_from(TOKENS) | st.text(max_size=8))
            text = text[:at] + token + text[at:]
        elif kind == "replace":
            spans = [m.span() for m in _TOKEN_RE.finditer(text)]
            if spans:
                a, b = draw(st.sampled_from(spans))
                text = text[:a] + draw(st.sampled_from(TOKENS)) + text[b:]
        elif kind == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[:i + 1] + [lines[i]] * draw(st.integers(1, 3)) + lines[i + 1:])
        elif kind == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    data = text.encode("utf-8")
    if draw(st.integers(0, 19)) == 0:       # now and then a byte that is not UTF-8
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff" + data[at:]
    return data


# --- policies ------------------------------------------------------------------------------

# Each target: the file mutated, the folders copied beside it (unchanged, so cached), and corpus
# cases its policy decides once it validates.
TARGETS = {
    "demo": ("policies/demo/2026-01-01.yaml", [], ["examples/demo-consumer.yaml", "examples/demo-business.yaml"]),
    "kravia": ("policies/kravia/2024-01-01.yaml", ["policies/no-regulation"],
               ["examples/consumer-inkassovarsel.yaml", "examples/several-claims.yaml"]),
    "no-regulation": ("policies/no-regulation/2026-01-01.yaml", [], []),
}


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    """A folder for the mutated files (the load cache is the suite's temporary one, see conftest)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.long      # kravia: each mutant that validates searches the law (about 2 s of CPU)
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_mutated_policies_are_answered_and_a_valid_one_decides(fuzz_env, target):
    file, companions, cases = TARGETS[target]
    root = fuzz_env / f"policies-{target}"
    for folder in companions:
        shutil.copytree(ROOT / folder, root / Path(folder).name, dirs_exist_ok=True)
    place = root / Path(file).parent.name / Path(file).name
    place.parent.mkdir(parents=True, exist_ok=True)
    original = (ROOT / file).read_text(encoding="utf-8")

    @settings(**PROFILE if LONG else dict(PROFILE, max_examples=CI_EXAMPLES.get(target, PROFILE["max_examples"])))
    @given(mutated(original))
    def check(data):
        place.write_bytes(data)
        code, out, err = _run("validate", root, "--today", "2026-06-01", "--format", "concise")
        _answered("validate", code, out, err)
        if code == 0:
            for case in cases:
                _answered("decide", *_run("decide", ROOT / case, "--policies", root, "--policy", target))
                _answered("decide --no-trace", *_run("decide", ROOT / case, "--policies", root, "--policy", target,
                                                     "--no-trace"))

    check()
    if LONG:
        print(f"\npolicy fuzz {target}: " + "; ".join(f"{k} {dict(v)}" for k, v in TALLY.items()))


# --- cases ---------------------------------------------------------------------------------

CORPUS = sorted([*ROOT.glob("tests/cases/*/*.yaml"), *ROOT.glob("examples/*.yaml")])
COMMANDS = [("decide",), ("decide", "--no-trace"), ("explain",), ("explain", "--format", "json"),
            ("explain", "--lang", "nb", "--color", "always")]


def test_mutated_cases_are_answered(fuzz_env):
    assert len(CORPUS) > 50

    @settings(**CASE_PROFILE)
    @given(st.sampled_from(CORPUS), st.data(), st.sampled_from(COMMANDS))
    def check(source, data, command):
        case = fuzz_env / f"case{source.suffix}"
        case.write_bytes(data.draw(mutated(source.read_text(encoding="utf-8"))))
        code, out, err = _run(command[0], case, "--policies", ROOT / "policies", *command[1:])
        _answered(" ".join(command), code, out, err)

    check()
    if LONG:
        print("\ncase fuzz: " + "; ".join(f"{k} {dict(v)}" for k, v in TALLY.items() if k != "validate"))
