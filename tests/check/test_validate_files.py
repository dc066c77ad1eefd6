"""`frin validate FILE...` for pre-commit and CI, and a new version checked against the one
before it (issue 11, problems 2, 3 and 4).

Every scenario edits a copy of the bundled policies in a temporary folder: a new law
version `2027-01-01.yaml` made from the newest published one, as the officer would.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from engine.check.predecessors import predecessor_problems
from support.catalogs import bundled_catalog

ROOT = Path(__file__).resolve().parents[2]
TODAY = ("--today", "2026-08-01")
HEADLINE = re.compile(r"^(?P<where>\S+):\d+:\d+: (?P<severity>error|warning)\[(?P<code>[a-z-]+)\]: (?P<message>.*)$", re.M)


def headlines(out: str) -> list[tuple[str, str, str]]:
    return [(Path(m["where"]).name if "/" in m["where"] else m["where"], m["code"], m["message"])
            for m in HEADLINE.finditer(out)]


BASE = "2026-07-01"     # the scenarios start from this published law version (its text is locked)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A copy of the policies as of BASE (later published law versions left out) with a new
    law version 2027-01-01 made from BASE's text, as the officer would, and run from there as
    the officer would: its files are shown as `policies/...`, so the load cache's entries of the
    files left unchanged (keyed by the path shown and the content) are the bundled ones'."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    # a published version's file is named by its effective date (the layout validate enforces), so the
    # later ones are found by name: loading the copy to read their dates cost a cold load of every file
    folder = tmp_path / "policies" / "no-regulation"
    for path in folder.glob("*.yaml"):
        if path.stem > BASE:
            path.unlink()
    text = (folder / f"{BASE}.yaml").read_text(encoding="utf-8")
    assert text.count(f"effective: {BASE}") == 1
    text = text.replace(f"effective: {BASE}", "effective: 2027-01-01")
    text = text.replace("review_by: 2027-01-01", "review_by: 2027-07-01")     # the next review, as the officer sets it
    (tmp_path / "policies" / "no-regulation" / "2027-01-01.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def law(repo: Path) -> Path:
    return repo / "policies" / "no-regulation" / "2027-01-01.yaml"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- problem 2: one file, with the policies it uses -------------------------------------------

def test_one_published_file_validates_with_the_policies_it_uses(run_cli):
    # was: 39 errors starting with `unknown-policy no-regulation`
    code, out, _ = run_cli("validate", "policies/kravia/2024-01-01.yaml", *TODAY)
    assert code == 0, out
    assert out.startswith("ok: ")


def test_an_edited_copy_anywhere_is_checked_against_policies(run_cli, tmp_path):
    copy = tmp_path / "my-edit.yaml"
    copy.write_text((ROOT / "policies/kravia/2024-01-01.yaml").read_text(encoding="utf-8")
                    .replace("law.inkassovarsel_fee", "law.inkassovarsel_fe", 1), encoding="utf-8")
    code, out, _ = run_cli("validate", str(copy), "--policies", "policies", "--format", "concise", *TODAY)
    assert code == 1
    assert [(c, m) for _, c, m in headlines(out)] == [
        ("unknown-name", "`no-regulation` has no parameter or definition `inkassovarsel_fe`")]


def test_a_file_in_another_policy_folder_resolves_uses_there(run_cli, repo):
    # the edit of test_a_changed_figure_citing_last_years_regulation_is_a_warning (a warning, exit 0):
    # the same law text, so the law search over its users is done once in the run (records by content)
    edit(law(repo), "    value: 750 NOK", "    value: 780 NOK")
    code, out, _ = run_cli("validate", str(law(repo)), *TODAY)
    assert code == 0, out
    # the new law, the four policies that use it and the demo, which its jurisdiction's law binds
    # whether or not it `uses` it (issue 18), were checked
    assert re.search(r"ok: 6 policy version\(s\)", out), out


def test_only_the_given_file_and_its_users_are_reported(run_cli, tmp_path, monkeypatch):
    # a plain copy (no new law version, which would make validate search the law over every
    # Norwegian process again): the processes' law search records of the bundled catalog apply
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)         # run from the copy: its unchanged files' load cache entries are the bundled ones'
    edit(tmp_path / "policies" / "demo" / "2026-01-01.yaml", "policy: demo", "policy: demo\nbogus: 1")
    code, out, _ = run_cli("validate", str(tmp_path / "policies" / "kravia" / "2024-01-01.yaml"), *TODAY)
    assert code == 0 and "bogus" not in out
    assert run_cli("validate", str(tmp_path / "policies"), *TODAY)[0] == 1


# --- problem 3: the law's own error first, no guess of the misspelt name -----------------------

def test_a_renamed_law_figure_is_reported_in_the_law_first(run_cli, repo):
    edit(law(repo), "\n  inkassovarsel_fee:\n", "\n  inkassovarsel_fe:\n")
    code, out, _ = run_cli("validate", str(law(repo)), *TODAY)
    assert code == 1
    found = headlines(out)
    assert found[0][:2] == ("2027-01-01.yaml", "removed-figure")
    assert "was it renamed to `inkassovarsel_fe` here?" in found[0][2]
    # the law's own constraints may read the name too; its readers elsewhere are the three processes
    consequences = [f for f in found[1:] if f[1] == "unknown-name" and f[0] != "2027-01-01.yaml"]
    assert {f[0] for f in consequences} == {"2024-01-01.yaml"} and len(consequences) == 3
    assert "did you mean `inkassovarsel_fe`" not in out
    assert out.count("fix `no-regulation` first, not this file") == 3


def test_a_figure_without_its_unit_is_reported_at_its_line_first(run_cli, repo):
    edit(law(repo), "    value: 750 NOK", "    value: 780")
    code, out, _ = run_cli("validate", str(law(repo)), "--format", "concise", *TODAY)
    assert code == 1
    first = out.splitlines()[0]
    line = next(i for i, text in enumerate(law(repo).read_text(encoding="utf-8").splitlines(), 1) if "value: 780" in text)
    assert f"2027-01-01.yaml:{line}:12: error[unit-changed]: `inkassosats` is Number here but Money in no-regulation@" in first
    files = [Path(m["where"].rsplit(":", 2)[0]).parent.name for m in re.finditer(r"^(?P<where>\S+): error", out, re.M)]
    assert files == sorted(files, key=lambda f: f != "no-regulation")   # the law's errors before its consequences


# --- problem 4: a new version against its predecessor -----------------------------------------

def codes(run_cli, repo) -> list[tuple[str, str, str]]:
    code, out, _ = run_cli("validate", str(law(repo)), "--format", "concise", *TODAY)
    return code, [f for f in headlines(out) if f[0] == "2027-01-01.yaml"]


def test_a_rewritten_historical_rate_is_an_error_unless_cited(run_cli, repo):
    edit(law(repo), '{from: 2025-07-01, value: 12.25 %, source: "FOR-2025-06-23-1321"}',
         '{from: 2025-07-01, value: 12.35 %, source: "FOR-2025-06-23-1321"}')
    code, found = codes(run_cli, repo)
    assert code == 1 and [(c, m) for _, c, m in found] == [
        ("history-changed", "`late_interest` from 2025-07-01 was 12.25 % (FOR-2025-06-23-1321) in "
                            "no-regulation@2026-07-01, now 12.35 % (FOR-2025-06-23-1321)")]
    edit(law(repo), '{from: 2025-07-01, value: 12.35 %, source: "FOR-2025-06-23-1321"}',
         '{from: 2025-07-01, value: 12.35 %, source: "FOR-2025-06-23-1321", corrects: "FOR-2026-12-01-1 (correction)"}')
    assert codes(run_cli, repo) == (0, [])


def test_an_entry_after_the_effective_date_is_an_error(run_cli, repo):
    edit(law(repo), "      - {from: 2026-07-01, value: 12.25 %",
         '      - {from: 2027-07-01, value: 12.00 %, source: "FOR-2027-06-20-1"}\n      - {from: 2026-07-01, value: 12.25 %')
    code, found = codes(run_cli, repo)
    assert code == 1 and [c for _, c, _ in found] == ["entry-after-effective"]


def test_a_rate_over_100_percent_is_an_error(run_cli, repo):
    edit(law(repo), "      - {from: 2026-07-01, value: 12.25 %",
         '      - {from: 2027-01-01, value: 122.5 %, source: "FOR-2026-12-18-1"}\n      - {from: 2026-07-01, value: 12.25 %')
    code, found = codes(run_cli, repo)
    assert code == 1 and [(c, m) for _, c, m in found] == [
        ("implausible-value", "`late_interest` is 122.5 %: a rate is between 0 % and 100 %")]


def test_a_fee_above_the_sats_is_an_error(run_cli, repo):
    edit(law(repo), "    value: round_kr(inkassosats / 20)\n", "    value: 800 NOK\n")
    code, found = codes(run_cli, repo)
    assert code == 1 and [(c, m) for _, c, m in found] == [
        ("implausible-value", "`purring_fee` is 800.00 NOK, above `inkassosats` (750.00 NOK), which it was derived "
                              "from in no-regulation@2026-07-01"),
        ("source-unchanged", "`purring_fee` changed (38.00 NOK in no-regulation@2026-07-01, 800.00 NOK here) "
                             "but its `source` did not")]


def test_a_changed_figure_citing_last_years_regulation_is_a_warning(run_cli, repo):
    edit(law(repo), "    value: 750 NOK", "    value: 780 NOK")
    code, found = codes(run_cli, repo)
    assert code == 0 and [(c, m) for _, c, m in found] == [
        ("source-unchanged", "`inkassosats` changed (750.00 NOK in no-regulation@2026-07-01, 780.00 NOK here) "
                             "but its `source` did not")]


def test_the_bundled_versions_pass_their_predecessor_checks():
    catalog, _ = bundled_catalog(ROOT / "policies")
    assert predecessor_problems(catalog) == []
