"""Published versions are immutable: `policies.lock`, `frin lock` and the check in `frin validate`.

Each test works on a copy of the demo policy in a temporary folder (the lock is found in
the working directory), so the bundled lock is never touched.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from support import ROOT, stable
from support.catalogs import bundled_catalog

DEMO = ROOT / "policies" / "demo" / "2026-01-01.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with policies/demo/2026-01-01.yaml, as the working directory."""
    (tmp_path / "policies" / "demo").mkdir(parents=True)
    shutil.copy(DEMO, tmp_path / "policies" / "demo" / "2026-01-01.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_bundled_lock_covers_the_bundled_published_versions(run_cli):
    code, out, _ = run_cli("lock", "--check", "policies/demo", "policies/no-regulation")
    assert code == 0, out
    assert out.rstrip().splitlines()[-1].startswith("ok: ")


def test_the_bundled_lock_is_sha256sum_lines_without_drafts():
    lines = [line for line in (ROOT / "policies.lock").read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    paths = [line.split("  ")[1] for line in lines]
    assert "policies/demo/2026-01-01.yaml" in paths
    catalog, _ = bundled_catalog(ROOT / "policies")
    drafts = [v for v in catalog.policies.all() if v.is_draft]      # found by status, wherever they live
    assert drafts and not {str(Path(v.path).resolve().relative_to(ROOT)) for v in drafts} & set(paths)
    for line in lines:
        sha, path = line.split("  ")
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == sha, path


def test_lock_adds_published_versions(project, run_cli):
    code, out, _ = run_cli("lock")
    assert code == 0
    assert out == "locked demo@2026-01-01\npolicies.lock: 1 added, 0 rewritten, 0 forgotten, 0 refused (1 locked)\n"
    lines = (project / "policies.lock").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == f"{hashlib.sha256(DEMO.read_bytes()).hexdigest()}  policies/demo/2026-01-01.yaml"
    assert run_cli("lock")[1] == "policies.lock: 0 added, 0 rewritten, 0 forgotten, 0 refused (1 locked)\n"


def test_editing_a_locked_version_fails_validate(project, run_cli, snapshot):
    assert run_cli("lock")[0] == 0
    assert run_cli("validate", "--today", "2026-06-01")[0] == 0
    edit(project / "policies" / "demo" / "2026-01-01.yaml", "max: 38 NOK", "max: 40 NOK")
    code, out, err = run_cli("validate", "--today", "2026-06-01")
    assert (code, err) == (1, "")
    # (after the `unbound-by-law` warning at line 4: this catalog holds no no-regulation)
    assert ("\npolicies/demo/2026-01-01.yaml:5:12: error[locked-version-changed]: "
            "published version `demo@2026-01-01` changed after it was locked") in out
    assert "a new version with a later effective date" in out
    assert stable(out) == snapshot


def test_lock_refuses_to_rewrite_a_changed_version_unless_told(project, run_cli):
    run_cli("lock")
    before = (project / "policies.lock").read_text(encoding="utf-8")
    edit(project / "policies" / "demo" / "2026-01-01.yaml", "max: 38 NOK", "max: 40 NOK")
    code, out, _ = run_cli("lock")
    assert code == 1 and "error[locked-version-changed]" in out and out.endswith("policies.lock: nothing written; "
                                                                                 "1 refused (fix them or name them with --rewrite, --forget or --allow-backdated)\n")
    assert (project / "policies.lock").read_text(encoding="utf-8") == before
    code, out, _ = run_cli("lock", "--rewrite", "demo@2026-01-01")
    assert code == 0 and out.startswith("rewrote demo@2026-01-01")
    assert run_cli("validate", "--today", "2026-06-01")[0] == 0


def test_rewrite_must_name_a_loaded_version(project, run_cli):
    assert run_cli("lock", "--rewrite", "demo@2031-01-01") == (
        2, "", "error: --rewrite names no loaded version: demo@2031-01-01\n")


def test_a_new_version_adds_one_line_and_drafts_are_not_locked(project, run_cli):
    run_cli("lock")
    before = (project / "policies.lock").read_text(encoding="utf-8").splitlines()
    folder = project / "policies" / "demo"
    (folder / "drafts").mkdir()
    for day, status, at in (("2026-07-01", "published", folder), ("2027-01-01", "draft", folder / "drafts")):
        text = DEMO.read_text(encoding="utf-8").replace("effective: 2026-01-01", f"effective: {day}\nstatus: {status}")
        (at / f"{day}.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run_cli("lock", "--check")
    assert code == 1 and "not locked: demo@2026-07-01" in out and "2027-01-01" not in out
    assert run_cli("lock")[1].startswith("locked demo@2026-07-01\n")
    after = (project / "policies.lock").read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line not in before] == [line for line in after if "demo/2026-07-01" in line] != []
    assert len(after) == len(before) + 1
    # a draft's content may change freely
    edit(folder / "drafts" / "2027-01-01.yaml", "max: 38 NOK", "max: 40 NOK")
    assert run_cli("validate", "--today", "2026-06-01")[0] == 0


def test_a_deleted_locked_version_is_reported_by_check(project, run_cli):
    run_cli("lock")
    (project / "policies" / "demo" / "2026-01-01.yaml").unlink()
    (project / "policies" / "demo" / "keep.txt").write_text("")
    code, out, _ = run_cli("lock", "--check")
    assert code == 1 and "error[locked-version-missing]: locked version `demo@2026-01-01`" in out


def test_a_broken_lock_is_a_usage_error(project, run_cli):
    (project / "policies.lock").write_text("not a lock\n", encoding="utf-8")
    code, _, err = run_cli("validate")
    assert code == 2 and err.startswith("error: policies.lock:1:1: not a policy lock line (`not a lock`")


def test_an_unreadable_or_unwritable_lock_is_a_usage_error(project, run_cli):
    (project / "policies.lock").mkdir()
    assert run_cli("lock") == (2, "", "error: cannot read the policy lock policies.lock: Is a directory\n")
    code, _, err = run_cli("lock", "--lock", str(project / "no" / "such" / "policies.lock"))
    assert code == 2 and err.startswith("error: cannot write the policy lock ")


# --- issue 13 item 6: the lock and the catalog cannot be fooled -------------------------

def republish(project: Path, day: str, folder: str = "policies/demo") -> Path:
    """A new published demo version effective `day` (a copy of the locked one)."""
    target = project / folder / f"{day}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(DEMO.read_text(encoding="utf-8").replace("effective: 2026-01-01", f"effective: {day}"),
                      encoding="utf-8")
    return target


def test_validate_finds_the_lock_from_the_policy_folder_not_the_working_directory(project, run_cli, monkeypatch,
                                                                                   tmp_path_factory):
    assert run_cli("lock")[0] == 0
    edit(project / "policies" / "demo" / "2026-01-01.yaml", "max: 38 NOK", "max: 40 NOK")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    code, out, _ = run_cli("validate", str(project / "policies"), "--today", "2026-06-01")
    assert code == 1 and "error[locked-version-changed]" in out
    code, out, _ = run_cli("validate", str(project / "policies" / "demo" / "2026-01-01.yaml"), "--today", "2026-06-01")
    assert code == 1 and "error[locked-version-changed]" in out


def test_a_vanished_locked_version_fails_validate_until_forgotten(project, run_cli):
    republish(project, "2026-07-01")
    assert run_cli("lock")[0] == 0
    (project / "policies" / "demo" / "2026-01-01.yaml").unlink()
    code, out, _ = run_cli("validate", "--today", "2026-08-01")
    assert code == 1 and "error[locked-version-missing]: locked version `demo@2026-01-01`" in out
    assert "frin lock --forget demo@2026-01-01" in out
    before = (project / "policies.lock").read_text(encoding="utf-8")
    assert run_cli("lock")[0] == 1 and (project / "policies.lock").read_text(encoding="utf-8") == before
    code, out, _ = run_cli("lock", "--forget", "demo@2026-01-01")
    assert code == 0 and "forgot demo@2026-01-01" in out
    assert run_cli("validate", "--today", "2026-08-01")[0] == 0
    assert run_cli("lock", "--forget", "demo@2020-01-01")[0] == 2


@pytest.mark.parametrize("redate", [False, True])
def test_a_renamed_published_version_fails_validate_and_lock(project, run_cli, redate):
    assert run_cli("lock")[0] == 0
    renamed = project / "policies" / "demo" / "2025-06-01.yaml"
    (project / "policies" / "demo" / "2026-01-01.yaml").rename(renamed)
    if redate:      # the file name and `effective` agree: only the lock can tell
        edit(renamed, "effective: 2026-01-01", "effective: 2025-06-01")
    code, out, _ = run_cli("validate", "--today", "2026-06-01")
    assert code == 1 and f"error[locked-version-{'missing' if redate else 'moved'}]: locked version `demo@2026-01-01`" in out
    assert ("error[backdated-version]: new version `demo@2025-06-01`" in out) == redate
    before = (project / "policies.lock").read_text(encoding="utf-8")
    assert run_cli("lock")[0] == 1
    assert (project / "policies.lock").read_text(encoding="utf-8") == before


def test_a_locked_version_moved_to_another_governed_folder_is_named_as_moved(project, run_cli):
    (project / "more" / "demo").mkdir(parents=True)
    republish(project, "2026-07-01", "more/demo")
    assert run_cli("lock", "policies", "more")[0] == 0
    (project / "policies" / "demo" / "2026-01-01.yaml").rename(project / "more" / "demo" / "2026-01-01.yaml")
    code, out, _ = run_cli("validate", "policies", "more", "--today", "2026-06-01")
    assert code == 1 and "error[locked-version-moved]: locked version `demo@2026-01-01` (policies/demo/2026-01-01.yaml) " \
                         "is now at `more/demo/2026-01-01.yaml`" in out


def test_a_backdated_new_version_fails_until_deliberately_allowed(project, run_cli):
    republish(project, "2026-07-01")
    assert run_cli("lock")[0] == 0
    republish(project, "2026-03-01")
    code, out, _ = run_cli("validate", "--today", "2026-06-01")
    assert code == 1 and "error[backdated-version]: new version `demo@2026-03-01` is dated before `demo@2026-07-01`" in out
    code, out, _ = run_cli("lock")
    assert code == 1 and "demo@2026-03-01" not in (project / "policies.lock").read_text(encoding="utf-8")
    code, out, _ = run_cli("lock", "--allow-backdated", "demo@2026-03-01")
    assert code == 0 and "locked demo@2026-03-01" in out
    assert run_cli("validate", "--today", "2026-06-01")[0] == 0


def test_a_nested_copy_is_an_error_and_never_decides(project, run_cli):
    copy = republish(project, "2026-01-01", "policies/demo/old")
    edit(copy, "max: 38 NOK", "max: 40 NOK")
    assert run_cli("validate", "--today", "2026-06-01")[0] == 1
    code, out, _ = run_cli("validate", "--today", "2026-06-01", "--format", "concise")
    assert "error[policy-outside-layout]" in out
    assert run_cli("lock")[0] == 1 and not (project / "policies.lock").exists()
    # named on the command line it is checked on its own (the explicit way)
    assert "policy-outside-layout" not in run_cli("validate", str(copy), "--today", "2026-06-01")[1]


def test_a_draft_folder_is_part_of_the_layout(project, run_cli):
    draft = republish(project, "2027-01-01", "policies/demo/drafts")
    edit(draft, "effective: 2027-01-01", "effective: 2027-01-01\nstatus: draft")
    code, out, _ = run_cli("validate", "--today", "2026-06-01", "--format", "concise")
    assert "policy-outside-layout" not in out


def test_the_lock_is_replaced_atomically(project, run_cli, monkeypatch):
    """A failure while writing the lock leaves the old lock whole, and no temporary file behind."""
    assert run_cli("lock")[0] == 0
    before = (project / "policies.lock").read_text(encoding="utf-8")
    republish(project, "2026-07-01")
    import engine.review.lock as lock_module

    def dies(path, text):
        from engine.core.atomic import replace_atomically

        def half(temp):
            temp.write_text(text[:20], encoding="utf-8")
            raise KeyboardInterrupt
        replace_atomically(path, half)

    monkeypatch.setattr(lock_module, "write_text_atomically", dies)
    with pytest.raises(KeyboardInterrupt):
        run_cli("lock")
    assert (project / "policies.lock").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in project.iterdir()) == ["policies", "policies.lock"]
