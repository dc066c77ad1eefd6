"""`frin validate` of any file under policies/, whatever its kind, and of a policy's own
folder (issue 20 items 3 and 6): a locale or jurisdiction file was loaded as a policy
version (an internal error, exit 101), and `validate policies/kravia` did not resolve the
folder's `uses` (38 errors for a file that passes alone)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.policy.layout import file_kind

ROOT = Path(__file__).resolve().parents[2]
DATA_FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "policies").glob("*/*.yaml")
                    if p.parent.name in ("jurisdictions", "locales"))


def test_every_file_under_policies_has_a_kind_its_schema_names():
    """The kind by folder agrees with the top-level key the file's schema requires."""
    for path in (ROOT / "policies").rglob("*.yaml"):
        first_key = next(line.partition(":")[0] for line in path.read_text(encoding="utf-8").splitlines()
                         if line[:1].isalpha())
        assert file_kind(path) == first_key, path


@pytest.mark.parametrize("path", DATA_FILES)
def test_a_data_file_validates_alone(run_cli, path):
    code, out, err = run_cli("validate", path, "--today", "2026-08-01")
    assert (code, err) == (0, ""), out + err
    assert out.splitlines()[-1].startswith("ok: 1 data file(s), ")


@pytest.mark.parametrize("folder", ["policies/locales", "policies/jurisdictions"])
def test_a_data_folder_validates_alone(run_cli, folder):
    code, out, err = run_cli("validate", folder, "--today", "2026-08-01")
    assert code == 0 and "internal error" not in err, out + err
    assert f"ok: {len(list(Path(folder).glob('*.yaml')))} data file(s), " in out


def test_a_policy_folder_resolves_its_uses(run_cli):
    code, out, err = run_cli("validate", "policies/kravia", "--today", "2026-08-01")
    assert (code, err) == (0, ""), out
    assert "unknown" not in out and out.startswith("ok: ")


def test_a_broken_locale_is_an_error_at_its_line(run_cli, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)     # files shown as policies/...: the unchanged ones are found in the load cache
    nb = tmp_path / "policies/locales/nb.yaml"
    text = nb.read_text(encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  step_deadline:"))
    nb.write_text(text.replace('step_deadline: ", betalingsfrist {day}"', 'step_deadline: ", betalingsfrist {dag}"'),
                  encoding="utf-8")
    code, out, _ = run_cli("validate", str(nb))
    assert code == 1
    assert f"nb.yaml:{line}:18: error[invalid-value]: `step_deadline` uses a placeholder it is not given" in out


def test_a_broken_jurisdiction_is_reported_with_its_policies(run_cli, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)     # as above
    no = tmp_path / "policies/jurisdictions/NO.yaml"
    no.write_text(no.read_text(encoding="utf-8").replace("timezone: Europe/Oslo", "timezone: Europe/Oslp"), encoding="utf-8")
    code, out, err = run_cli("validate", str(no))
    assert code == 1 and "internal error" not in err
    assert "error[unknown-timezone]: no time zone `Europe/Oslp` in the IANA database" in out


def test_a_data_file_outside_any_catalog_is_checked_on_its_own(run_cli, tmp_path):
    copy = tmp_path / "my-nb.yaml"
    copy.write_text((ROOT / "policies/locales/nb.yaml").read_text(encoding="utf-8").replace("{day}", "{dag}", 1),
                    encoding="utf-8")
    code, out, err = run_cli("validate", str(copy))
    assert code == 1 and "internal error" not in err
    assert "uses a placeholder it is not given" in out and "file-name-mismatch" not in out
