"""`frin ARGV...` run once per worker and shared by the tests that only read its output.

Several tests read the same expensive output (a law diff decides the whole corpus under both
versions) and differ only in what they check in it; `shared_run` runs the command in-process as
the `run_cli` fixture does (from the repository root, colour off, FRIST_DEBUG unset) the first
time a worker asks for that argv, and returns the same (exit code, stdout, stderr) after. Only
for commands that write nothing and whose output depends on nothing a test changes: the
bundled policies and corpus, the arguments and the run's cache (which never changes an output).
"""
from __future__ import annotations

import io

import pytest

from . import ROOT

_RUNS: dict[tuple[str, ...], tuple[int, str, str]] = {}


def shared_run(*argv: str) -> tuple[int, str, str]:
    """`frin ARGV...`'s (exit code, stdout, stderr), computed once per worker."""
    key = tuple(str(a) for a in argv)
    if key not in _RUNS:
        import cli
        with pytest.MonkeyPatch.context() as m:
            m.chdir(ROOT)
            m.setenv("NO_COLOR", "1")
            m.delenv("FRIST_DEBUG", raising=False)
            out, err = io.StringIO(), io.StringIO()
            code = cli.run(list(key), out, err)
        _RUNS[key] = (int(code), out.getvalue(), err.getvalue())
    return _RUNS[key]
