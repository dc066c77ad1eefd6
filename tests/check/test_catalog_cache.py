"""The checked-catalog snapshot (engine/check/catalog_cache.py): a warm `decide`/`explain` decodes only
the versions its decision binds, and the snapshot never changes a decision or hides a problem."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from engine.check import catalog_cache
from engine.policy.model import PolicyVersion
from support.cache_folder import cache  # noqa: F401 (a fixture: the test's own empty cache folder)

CASE = "examples/consumer-inkassovarsel.yaml"


@pytest.fixture
def counts(monkeypatch):
    """How often a full load ran and how many version entries were decoded."""
    seen = {"full": 0, "decoded": 0}
    real_load, real_decode = catalog_cache.load_catalog, catalog_cache.decode

    def load(paths):
        seen["full"] += 1
        return real_load(paths)

    def decode(data, extra=()):
        seen["decoded"] += bool(extra)          # a version's entry (the index has no extra classes)
        return real_decode(data, extra)

    monkeypatch.setattr(catalog_cache, "load_catalog", load)
    monkeypatch.setattr(catalog_cache, "decode", decode)
    return seen


# The part of the bundled catalog these tests need: CASE's process (kravia) and its law, the demo
# (whose files some tests edit), every jurisdiction and locale. A full catalog only costs time:
# every uncached run loads, checks and (for validate) searches the law over each process in it.
PARTS = ("jurisdictions", "locales", "no-regulation", "kravia", "demo")


def _policies(tmp_path, parts=PARTS) -> Path:
    folder = tmp_path / "policies"
    for part in parts:
        shutil.copytree(Path("policies") / part, folder / part)
    return folder


def _policy_files(folder: Path) -> list[Path]:
    """The policy versions of a catalog folder (not its jurisdiction and locale files)."""
    return [p for p in folder.rglob("*.yaml") if not {"jurisdictions", "locales"} & set(p.parts)]


def _uncached(run_cli, monkeypatch, *argv):
    with monkeypatch.context() as m:
        m.setenv("FRIST_NO_CACHE", "1")
        return run_cli(*argv)


def test_a_warm_explain_decodes_only_the_bound_versions_and_says_the_same(tmp_path, cache, counts, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    cold = run_cli("explain", CASE, "--policies", folder)
    assert counts == {"full": 1, "decoded": 0}
    warm = run_cli("explain", CASE, "--policies", folder)
    assert counts["full"] == 1, "the second run must not load the catalog from source"
    # kravia@2024-01-01 decides and no-regulation@2026-01-01 binds it on 2026-03-02, with every law
    # version before it (a constraint dropped without `repeals:` keeps binding, read in the version
    # that wrote it: issue 18): kravia and the five no-regulation versions 2024-01-01 … 2026-01-01
    assert counts["decoded"] == 6
    assert cold == warm == _uncached(run_cli, monkeypatch, "explain", CASE, "--policies", folder)
    assert cold[0] == 0 and "kravia@2024-01-01" in cold[1]


@pytest.mark.parametrize("argv", [("decide", CASE), ("decide", CASE, "--no-trace"), ("explain", CASE, "--format", "json"),
                                  ("explain", CASE, "--as-of", "2024-08-01"), ("explain", CASE, "--why-not", "close")])
def test_warm_decisions_equal_uncached_ones(tmp_path, cache, run_cli, monkeypatch, argv):
    folder = _policies(tmp_path)
    run_cli(*argv, "--policies", folder)
    assert run_cli(*argv, "--policies", folder) == _uncached(run_cli, monkeypatch, *argv, "--policies", folder)


def test_an_edited_used_version_invalidates_the_snapshot(tmp_path, cache, counts, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    before = run_cli("decide", CASE, "--policies", folder, "--no-trace")
    assert '"fee": "38.00"' in before[1]
    path = folder / "no-regulation" / "2026-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    # the inkassovarsel fee (round_kr(750 NOK / 20) = 38 NOK) one krone higher, in this copy only
    fee = "  inkassovarsel_fee:\n    # Same fee as a purring, and it counts toward the same two-fee limit.\n    value: round_kr(inkassosats / 20)\n"
    assert text.count(fee) == 1
    path.write_text(text.replace(fee, fee.replace("/ 20)", "/ 20) + 1 NOK")), encoding="utf-8")
    after = run_cli("decide", CASE, "--policies", folder, "--no-trace")
    assert counts["full"] == 2 and '"fee": "39.00"' in after[1]
    assert after == _uncached(run_cli, monkeypatch, "decide", CASE, "--policies", folder, "--no-trace")


def test_a_new_file_with_an_error_is_reported_despite_a_snapshot(tmp_path, cache, run_cli):
    folder = _policies(tmp_path)
    assert run_cli("decide", CASE, "--policies", folder)[0] == 0
    broken = folder / "demo" / "2026-07-01.yaml"
    broken.write_text((folder / "demo" / "2026-01-01.yaml").read_text(encoding="utf-8")
                      .replace("effective: 2026-01-01", "effective: 2026-07-01").replace("rules:", "rulez:", 1),
                      encoding="utf-8")
    code, _, err = run_cli("decide", CASE, "--policies", folder)
    assert code == 1 and "demo/2026-07-01.yaml" in err and "nothing was decided" in err


def _snapshot_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.entry"), key=lambda p: p.stat().st_mtime_ns)


def test_a_tampered_version_entry_falls_back_to_the_full_load(tmp_path, cache, counts, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    first = run_cli("explain", CASE, "--policies", folder)
    before = {p: p.read_bytes() for p in cache.glob("*.entry")}
    for path, data in before.items():       # flip one byte of the body of every entry (load and snapshot)
        path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    again = run_cli("explain", CASE, "--policies", folder)
    assert again == first and counts["full"] == 2
    assert run_cli("explain", CASE, "--policies", folder) == first       # rewritten, signed again
    assert counts["full"] == 2


def test_a_snapshot_signed_with_another_key_is_refused(tmp_path, cache, counts, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    first = run_cli("explain", CASE, "--policies", folder)
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "other" / "cache.key"))
    assert run_cli("explain", CASE, "--policies", folder) == first and counts["full"] == 2


def test_no_cache_writes_no_snapshot(tmp_path, cache, counts, run_cli, monkeypatch):
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    folder = _policies(tmp_path)
    run_cli("decide", CASE, "--policies", folder)
    run_cli("decide", CASE, "--policies", folder)
    assert counts["full"] == 2 and not cache.exists()


def test_index_stubs_become_the_decoded_versions(tmp_path, cache):
    folder = _policies(tmp_path)
    full = catalog_cache.checked_catalog([folder])
    snap = catalog_cache.checked_catalog([folder])
    assert list(snap.checked) == list(full.checked)
    for name in full.policies.names():
        for old, stub in zip(full.policies.versions[name], snap.policies.versions[name]):
            assert (stub.key, stub.effective, stub.is_draft, stub.uses) == (old.key, old.effective, old.is_draft, old.uses)
    stub = snap.versions("kravia")[0]
    assert type(stub) is not PolicyVersion
    # `calendar` has a class default (None): reading it must decode the entry, not return the default
    assert stub.calendar == "NO"
    assert type(stub) is PolicyVersion and snap.checked[stub.key].version is stub
    for f in dataclasses.fields(PolicyVersion):
        if f.name not in ("document", "parameters", "definitions", "amounts", "rules", "constraints", "set_aside", "examples"):
            assert getattr(stub, f.name) == getattr(full.checked[stub.key].version, f.name), f.name
    assert stub.document.source.text == full.checked[stub.key].version.document.source.text


def test_the_only_reference_to_a_version_in_its_snapshot_is_its_checked_version(tmp_path, cache):
    """The stub takes the decoded version's place by `checked.version = stub`: no other reference may exist."""
    catalog = catalog_cache.checked_catalog(["policies"])
    for checked in catalog.checked.values():
        seen, stack, holders = set(), [(checked, None)], []
        while stack:
            obj, parent = stack.pop()
            if isinstance(obj, (str, int, float, bool, type(None))) or id(obj) in seen:
                if isinstance(obj, PolicyVersion) and parent is not None:
                    holders.append(parent)
                continue
            seen.add(id(obj))
            if isinstance(obj, PolicyVersion) and parent is not None:
                holders.append(parent)
            if isinstance(obj, (list, tuple)):
                stack.extend((x, obj) for x in obj)
            elif isinstance(obj, dict):
                stack.extend((x, obj) for kv in obj.items() for x in kv)
            elif dataclasses.is_dataclass(obj):
                stack.extend((getattr(obj, f.name), obj) for f in dataclasses.fields(obj))
        assert holders == [checked]


def test_every_bundled_catalog_is_snapshotted(cache, counts):
    """A record class missing from the codec's allow-list would silently cost a full load on every run."""
    catalog_cache.checked_catalog(["policies"])
    snap = catalog_cache.checked_catalog(["policies"])
    assert counts["full"] == 1
    keys = list(snap.checked)
    assert len(keys) == len(_policy_files(Path("policies")))
    for key in keys:
        snap.checked[key]
    assert counts == {"full": 1, "decoded": len(keys)}


def test_a_warm_validate_reports_the_same_warnings_without_loading(tmp_path, cache, counts, run_cli, monkeypatch):
    from support import stable
    # without kravia: the published draft is a new law version, and validate's law search over
    # every process under it (twice: cold and uncached) is what the test would spend its time on
    folder = _policies(tmp_path, ("jurisdictions", "locales", "no-regulation", "demo"))
    # a draft outside drafts/ is a warning of the load (draft-folder-mismatch), not an error
    (folder / "no-regulation" / "drafts" / "2027-01-01.yaml").rename(folder / "no-regulation" / "2027-01-01.yaml")
    cold = run_cli("validate", folder)
    warm = run_cli("validate", folder)
    assert counts["full"] == 1 and counts["decoded"] == len(_policy_files(folder))
    assert "draft-folder-mismatch" in cold[1] and stable(cold[1]) == stable(warm[1]) and cold[0] == warm[0]
    assert stable(_uncached(run_cli, monkeypatch, "validate", folder)[1]) == stable(warm[1])


def test_a_file_outside_the_layout_is_reported_on_every_run(tmp_path, cache, counts, run_cli):
    folder = _policies(tmp_path)
    (folder / "demo" / "old").mkdir()
    (folder / "demo" / "old" / "2026-01-01.yaml").write_bytes((folder / "demo" / "2026-01-01.yaml").read_bytes())
    first = run_cli("validate", folder)
    assert "policy-outside-layout" in first[1] and run_cli("validate", folder)[1].split(" in ")[0] == first[1].split(" in ")[0]
    # a folder with a file outside the layout is never snapshotted for decide: loaded from source each time
    before = counts["full"]
    assert run_cli("decide", CASE, "--policies", folder)[0] == run_cli("decide", CASE, "--policies", folder)[0]
    assert counts["full"] == before + 2


def test_an_edited_jurisdiction_file_invalidates_the_snapshot(tmp_path, cache, counts, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    assert run_cli("decide", CASE, "--policies", folder)[0] == 0
    path = folder / "jurisdictions" / "NO.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = run_cli("decide", CASE, "--policies", folder)
    assert counts["full"] == 2
    assert after == _uncached(run_cli, monkeypatch, "decide", CASE, "--policies", folder)
