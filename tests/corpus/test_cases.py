"""The case corpus: every case under `tests/cases/<policy>/` decided by every version of
its policy, with the decision JSON and the explanation (en, nb) as snapshots.

Snapshots are plain files under `__snapshots__/cases/<policy>/<version>/`, one per case
and output, so a new policy version shows up in review as a new folder of decisions and
a changed figure as a diff of exactly the cases it changes. After an
intended change, `make snapshots` updates them and the run ends with the list of decisions
that changed (snapshot_report.py); review that and the diff like code.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from engine.policy.case import load_case
from engine.decide.decision import decide_case
from engine.explain.text import explain_text
from support.catalogs import bundled_catalog
from support.snapshot_report import record

# syrupy cannot tie these per-file names to a test id; `test_no_orphan_snapshots` does it.
pytestmark = pytest.mark.filterwarnings(r"ignore:\s*Can not relate snapshot name")

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
SNAPSHOTS = Path(__file__).resolve().parent / "__snapshots__" / "cases"
CATALOG, PROBLEMS = bundled_catalog(ROOT / "policies")


def _outputs(policy: str) -> tuple:
    """The decision and an explanation in each language of the policy's jurisdiction that
    has a locale file for (policies/locales/)."""
    languages = [lang for lang in CATALOG.jurisdiction(policy).languages if lang in CATALOG.locales]
    return ("decision.json", *(f"explain.{lang}.txt" for lang in sorted(languages)))


def _corpus() -> list:
    params = []
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        versions = CATALOG.versions(folder.name)
        for path in sorted(folder.glob("*.yaml")):
            for version in versions:
                for output in _outputs(folder.name):
                    params.append(pytest.param(
                        folder.name, version.effective.isoformat(), path, output,
                        id=f"{folder.name}@{version.effective}-{path.stem}-{output}"))
    return params


class CaseSnapshot(SingleFileSnapshotExtension):
    """One file per (policy, version, case, output): `cases/kravia/2024-01-01/k01.decision.json`."""

    _write_mode = WriteMode.TEXT
    file_extension = ""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        base = Path(test_location.filepath).parent / "__snapshots__" / "cases"
        params = getattr(test_location.item, "callspec", None)
        if params is None or not {"policy", "version", "path", "output"} <= params.params.keys():  # other tests
            return str(base)
        return str(base / params.params["policy"] / params.params["version"])

    @classmethod
    def get_file_basename(cls, *, test_location, index) -> str:
        params = getattr(test_location.item, "callspec", None)
        if params is None or not {"policy", "version", "path", "output"} <= params.params.keys():
            return test_location.testname
        return f"{params.params['path'].stem}.{params.params['output']}"

    @classmethod
    def get_snapshot_name(cls, *, test_location, index=0) -> str:
        return cls.get_file_basename(test_location=test_location, index=index)

    @classmethod
    def matches_test_location(cls, *, test_location, snapshot_location: str) -> bool:
        """A file of this layout belongs to its test: syrupy looks for the test module's name in
        the path (`test_cases`), which `cases/<policy>/<version>/` leaves out on purpose, and warned
        "Can not relate snapshot location" for every file `--snapshot-update` wrote."""
        return snapshot_location == str(Path(cls.dirname(test_location=test_location),
                                             cls.get_file_basename(test_location=test_location, index=0)))


@pytest.fixture
def case_snapshot(snapshot):
    return snapshot.use_extension(CaseSnapshot)


def test_no_orphan_snapshots():
    """A deleted case or version takes its snapshot files with it (syrupy cannot see these)."""
    expected = {Path(*p.values[:2], f"{p.values[2].stem}.{p.values[3]}") for p in _corpus()}
    folder = SNAPSHOTS
    stored = {f.relative_to(folder) for f in folder.rglob("*") if f.is_file()}
    assert stored - expected == set(), "delete these snapshot files (their case or version is gone)"
    assert expected - stored == set(), "run pytest tests/corpus/test_cases.py --snapshot-update and review the new files"


def test_the_bundled_policies_are_valid():
    assert not [d for d in PROBLEMS if d.is_error]


@pytest.mark.parametrize("policy, version, path, output", _corpus())
def test_case(policy, version, path, output, case_snapshot):
    case = load_case(str(path))
    decision = decide_case(CATALOG, case, case.data["as_of"], f"{policy}@{version}", trace=True)
    if output == "decision.json":
        text = json.dumps(decision.to_dict(include_trace=False), indent=2, ensure_ascii=False) + "\n"
    else:
        text = explain_text(decision, CATALOG, output.split(".")[1])
    stored = SNAPSHOTS / policy / version / f"{path.stem}.{output}"
    record(stored, text, f"{policy}@{version} {path.stem} {output.rsplit('.', 1)[0].replace('.', ' ')}")
    assert text == case_snapshot


# Rules no case reaches, with the reason; anything else unreached fails the test.
UNREACHED = {
    ("conta", "creditor-may-not-collect"): "only under the 2027 draft law (a draft is not decided by default)",
    ("egeninkasso", "agency-required"): "only under the 2027 draft law",
    ("egeninkasso", "too-early"): "guards fee letters before day 14; the reminder rules decide those days first",
    ("egeninkasso", "before-due"): "between the friendly reminders; covered by the embedded examples",
    ("egeninkasso", "after-due-wait"): "between the friendly reminders; covered by the embedded examples",
    ("fiken-kravia", "sms-interval"): "same rule as kravia's (k32)",
    ("fiken-kravia", "tungt-running"): "same rule as kravia's (k33)",
    ("fiken-kravia", "bo-running"): "same rule as kravia's (k07)",
    ("fiken-kravia", "renewal-running"): "same rule as kravia's (k34)",
}


@pytest.mark.parametrize("policy", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_the_corpus_reaches_every_rung_of_every_ladder(policy):
    """Each rule decides at least one case (so a snapshot guards it), or is listed above."""
    import datetime as dt
    rules = {r.id for r in CATALOG.resolve(policy, dt.date(2026, 1, 1)).version.rules}
    decided = set()
    for path in sorted((CASES / policy).glob("*.yaml")):
        case = load_case(str(path))
        decided.add(decide_case(CATALOG, case, case.data["as_of"], policy, fast=True).rule.rule.id)
    missing = sorted(r for r in rules - decided if (policy, r) not in UNREACHED)
    assert not missing
    assert not [r for (p, r) in UNREACHED if p == policy and r in decided], "an exception is now covered: drop it"


def test_every_decision_matches_the_documented_format():
    """schemas/decision.schema.json describes what `decide` prints, trace included."""
    import jsonschema
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.yaml")):
            case = load_case(str(path))
            decision = decide_case(CATALOG, case, case.data["as_of"], folder.name, trace=True)
            errors = [e.message for e in validator.iter_errors(decision.to_dict(include_trace=True))]
            assert not errors, (path.name, errors)
