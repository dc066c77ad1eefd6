"""CLI conventions: --version, help for every subcommand, NO_COLOR/FORCE_COLOR, `-` for stdin,
a closed pipe, the install hint of a missing extra, strict dates, the bundled catalog, JSON
output for graph/lock/test, JUnit XML and rule coverage."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASE = "examples/consumer-inkassovarsel.yaml"
COMMANDS = ["validate", "decide", "explain", "timeline", "diff", "graph", "lock", "new-version", "test", "batch", "init", "fmt",
            "serve", "log", "replay"]


def test_version(run_cli):
    code, out, err = run_cli("--version")
    assert code == 0 and out.startswith("frin (frist-inkasso) ") and "policies:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_a_described_help(run_cli, command):
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    for part in ("examples:", f"frin {command}", "exit codes:", "101", "environment:", "FRIST_CACHE_DIR",
                 "FRIST_NO_CACHE", "NO_COLOR", "FORCE_COLOR"):
        assert part in out, part
    from engine.cli.registry import COMMANDS
    description = next(c.description for c in COMMANDS if c.name == command)
    assert description.split(".")[0] in " ".join(out.split())


def test_every_positional_argument_is_documented():
    from engine.cli.registry import parser
    sub = next(a for a in parser()._actions if a.dest == "command")
    for name, cmd in sub.choices.items():
        for action in cmd._actions:
            if not action.option_strings:
                assert action.help, f"{name} {action.dest}"


@pytest.mark.parametrize("env, choice, tty, want", [
    ({}, "auto", True, True), ({}, "auto", False, False),
    ({"NO_COLOR": "1"}, "auto", True, False), ({"FORCE_COLOR": "1"}, "auto", False, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, "auto", False, False), ({"NO_COLOR": ""}, "auto", True, True),
    ({"NO_COLOR": "1"}, "always", False, True), ({"FORCE_COLOR": "1"}, "never", True, False),
])
def test_color_follows_no_color_and_force_color(monkeypatch, env, choice, tty, want):
    from engine.cli.terminal import use_color
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = io.StringIO()
    stream.isatty = lambda: tty
    assert use_color(choice, stream) is want


def test_explain_colours_with_force_color(run_cli, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, coloured, _ = run_cli("explain", CASE)
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run_cli("explain", CASE)
    assert "\x1b[" in coloured and "\x1b[" not in plain


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_dash_reads_the_case_from_stdin(run_cli, monkeypatch):
    _stdin(monkeypatch, (ROOT / CASE).read_bytes())
    code, out, err = run_cli("decide", "-", "--no-trace")
    _, want, _ = run_cli("decide", CASE, "--no-trace")
    assert (code, err) == (0, "") and json.loads(out) == json.loads(want)


def test_a_bad_case_on_stdin_is_located_at_stdin(run_cli, monkeypatch):
    _stdin(monkeypatch, b"case_id: [\n")
    code, _, err = run_cli("decide", "-")
    assert code == 2 and err.startswith("<stdin>:2:1: error[yaml-syntax]")


def test_a_closed_pipe_ends_quietly_in_process(run_cli, monkeypatch):
    from engine.cli.app import run

    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")
    err = io.StringIO()
    assert run(["decide", CASE], Closed(), err) == 141 and err.getvalue() == ""


def test_a_closed_pipe_ends_quietly_in_a_process():
    # The reading end is closed before frin writes: every write fails with EPIPE.
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "cli.py", "decide", CASE], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 141 and err == ""


def test_a_missing_extra_gives_an_install_hint(run_cli, monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "polars" or m.startswith("polars.") or m.startswith("engine.batch.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "polars", None)          # import polars → ModuleNotFoundError
    code, out, err = run_cli("batch", "cases.jsonl", "-o", str(tmp_path / "out.jsonl"))
    assert code == 2 and out == ""
    assert err == ("error: `frin batch` needs the `batch` extra (polars is not installed): "
                   "pip install 'frist-inkasso[batch]'\n")


@pytest.mark.parametrize("date", ["2026-W10-1", "2026-061", "20260302"])
def test_week_and_ordinal_dates_are_refused(run_cli, date):
    code, _, err = run_cli("decide", CASE, "--as-of", date)
    assert code == 2 and err == f"error: --as-of `{date}` is not a date (YYYY-MM-DD)\n"


def test_outside_a_checkout_the_bundled_catalog_decides_and_says_so(run_cli, monkeypatch, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_bytes((ROOT / CASE).read_bytes())
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("decide", "case.yaml", "--no-trace")
    assert code == 0 and json.loads(out)["action"] == "send_inkassovarsel"
    assert err == f"note: no ./policies here; `frin decide` uses the bundled catalog {ROOT / 'policies'}\n"
    code, out, err = run_cli("decide", "case.yaml", "--no-trace", "--policies", str(ROOT / "policies"))
    assert code == 0 and err == ""                        # a named catalog needs no note


def test_graph_json(run_json):
    graph = run_json("graph", "egeninkasso", "--as-of", "2026-03-02")
    assert graph["policy"] == "egeninkasso@2024-01-01"
    ids = {n["id"] for n in graph["nodes"]}
    assert {"start", "s_purring", "a_legal_review"} <= ids
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    edge = next(e for e in graph["edges"] if e["rule"] == "betalingsoppfordring")
    assert (edge["source"], edge["target"], edge["terminal"]) == ("s_inkassovarsel", "s_betalingsoppfordring", False)


def test_lock_check_json(run_json):
    report = run_json("lock", "--check")
    assert report["check"] is True and report["added"] == [] and report["refused"] == []
    assert report["written"] is False
    assert report["locked"] == len([line for line in (ROOT / "policies.lock").read_text().splitlines()
                                    if line and not line.startswith("#")])


def test_test_json_junit_and_coverage(run_cli, tmp_path):
    junit = tmp_path / "report.xml"
    code, out, err = run_cli("test", "policies/demo", "--format", "json", "--junit-xml", str(junit))
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["passed"], report["failed"]) == (1, 0)
    # demo's one example ("consumer, 45 days overdue, nothing sent") is decided by `remind`;
    # the version has six rules, so one of six fired: 16.7 %.
    from engine.check.pipeline import load_catalog
    catalog, _ = load_catalog(["policies/demo"])
    rules = [r.id for r in catalog.versions("demo")[0].rules]
    fired = report["examples"][0]["rule"]
    assert report["coverage"]["versions"] == [{"policy": "demo@2026-01-01", "rules": len(rules), "fired": [fired],
                                               "missed": [r for r in rules if r != fired]}]
    assert report["coverage"]["percent"] == round(100 / len(rules), 1)
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "1" and root.get("failures") == "0"
    (case,) = root.iter("testcase")
    assert case.get("classname") == "demo@2026-01-01" and case.get("name") == report["examples"][0]["name"]


def test_min_coverage_fails_below_the_threshold(run_cli):
    code, out, _ = run_cli("test", "policies/demo", "--min-coverage", "50")
    assert code == 1 and "below --min-coverage 50%" in out
    code, out, _ = run_cli("test", "policies/demo", "--min-coverage", "10")
    assert code == 0 and "rule coverage: " in out


def test_junit_xml_reports_a_failing_example(run_cli, tmp_path):
    policy = tmp_path / "policies" / "demo" / "2026-01-01.yaml"
    policy.parent.mkdir(parents=True)
    text = (ROOT / "policies/demo/2026-01-01.yaml").read_text()
    junit = tmp_path / "report.xml"
    import re
    broken = re.sub(r"(expect:\s*\{?\s*action:\s*)(\w+)", r"\1close", text, count=1)
    assert broken != text
    policy.write_text(broken)
    code, _, _ = run_cli("test", str(policy.parent.parent), "--policies", str(policy.parent.parent),
                         "--junit-xml", str(junit))
    assert code == 1
    failure = ET.parse(junit).getroot().find(".//failure")
    assert failure is not None and failure.get("type") == "example-mismatch"


def test_the_registry_is_the_one_list_of_commands():
    """Every subcommand comes from one `Command` entry, and every entry's handler resolves."""
    from engine.cli.registry import COMMANDS, handler, parser
    sub = next(a for a in parser()._actions if a.dest == "command")
    assert list(sub.choices) == [c.name for c in COMMANDS]
    for command in COMMANDS:
        assert callable(handler(command.name)), command.name


def test_command_bodies_return_exit_codes_not_bare_numbers():
    """A command body (`(args, stdout, stderr)`) says what its status means: `ExitCode.X`, never `return 1`."""
    import ast as pyast
    bare = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        for node in pyast.walk(pyast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, pyast.FunctionDef) or [a.arg for a in node.args.args] != ["args", "stdout", "stderr"]:
                continue
            for ret in pyast.walk(node):
                if isinstance(ret, pyast.Return) and any(isinstance(n, pyast.Constant) and isinstance(n.value, int)
                                                         for n in pyast.walk(ret)):
                    bare.append(f"{path.relative_to(ROOT)}:{ret.lineno}")
    assert not bare, bare
