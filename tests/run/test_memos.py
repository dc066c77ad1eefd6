"""The engine's process-wide memos keep only the last few catalogs alive (engine/core/memos.py).

They are keyed by `id()` of AST nodes and checked versions and hold those objects so an id is
never reused; a process that loads one catalog after another (`frin serve` reloading its folder,
a test worker) kept every catalog it had ever loaded before they were forgotten together."""
from __future__ import annotations

import gc
import shutil

from support import ROOT

from engine.api.python import decide_case
from engine.core.memos import KEEP
from engine.run.runtime import CheckedVersion


def _loaded_from(tmp_path) -> set[str]:
    """The folders under `tmp_path` whose checked policy versions are still alive."""
    gc.collect()
    return {str(o.version.path).split("/policies/")[0] for o in gc.get_objects()
            if isinstance(o, CheckedVersion) and str(tmp_path) in str(o.version.path)}


# The smallest process that uses a law (se-borgenar and its law, five files): each catalog is
# loaded from a new folder, so parsed anew, a quarter of the CPU of kravia with the Norwegian
# law's six versions for the same memos filled.
PARTS = ("se-borgenar", "se-inkasso-lag", "jurisdictions", "locales")
CASE = ROOT / "tests" / "cases" / "se-borgenar" / "b02-reminder.yaml"


def test_catalogs_loaded_one_after_another_do_not_stay_in_memory(tmp_path):
    for i in range(3 * KEEP):
        folder = tmp_path / f"reload-{i}" / "policies"
        for part in PARTS:
            shutil.copytree(ROOT / "policies" / part, folder / part)
        decided = decide_case(CASE, policies=folder)
        assert decided.action                   # decided, with the law judging it: the memos are filled
        shutil.rmtree(folder)
    assert len(_loaded_from(tmp_path)) <= KEEP


def test_a_memo_starts_afresh_rather_than_grow_past_its_limit():
    from engine.core.memos import memo
    kept = memo(2)
    kept["a"], kept["b"] = 1, 2
    kept["a"] = 3                       # an answer replaced: nothing forgotten
    assert kept == {"a": 3, "b": 2}
    kept["c"] = 4                       # a third question: the old answers go
    assert kept == {"c": 4}
