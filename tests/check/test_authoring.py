"""Friction for policy authors (issue 20 item 7), each fix with its test.

Expected figures are the law's, by hand: inkassoforskriften § 1-2, the inkassovarsel fee is
at most 1/20 of the inkassosats: 1/20 × 700 NOK = 35.00 NOK under no-regulation@2024-01-01
(the first law version kravia@2024-01-01 and conta@2024-01-01 are decided under).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _policies(tmp_path: Path, old: str, new: str, name: str = "kravia") -> Path:
    folder = tmp_path / "policies"
    for part in sorted({name, "kravia", "no-regulation"}):
        shutil.copytree(ROOT / "policies" / part, folder / part)
    path = folder / name / "2024-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_breaks_law_is_reported_once_with_the_numbers(tmp_path, run_cli):
    # conta's inkassovarsel (kravia's rule, the same law): the law search over conta costs a fraction of kravia's
    folder = _policies(tmp_path, "    fee: varsel_fee\n", "    fee: 2000 NOK\n", "conta")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    found = [l for l in out.splitlines() if "error[breaks-law]: rule `inkassovarsel` breaks no-regulation/inkassovarsel-fee" in l]
    assert len(found) == 1, found          # was once per law version in force (six) and again by the search
    assert "here `decision.fee` = 2,000.00 NOK, `inkassovarsel_fee` = 35.00 NOK" in found[0]


def test_a_used_policy_in_a_parameter_says_what_to_do(tmp_path, run_cli):
    folder = _policies(tmp_path, "    value: 14 days\n    source: \"Kravia FAQ (seed 000): earliest hand-over",
                       "    value: law.fee_min_days_after_due\n    source: \"Kravia FAQ (seed 000): earliest hand-over")
    code, out, _ = run_cli("validate", folder / "kravia" / "2024-01-01.yaml")
    assert code == 1
    assert "error[used-policy-in-parameter]: a parameter cannot read `law.fee_min_days_after_due`" in out
    assert "read it in a definition instead" in out
    assert "unknown name `law`" not in out
    # the rules that read the parameter point at its error instead of guessing another name
    uses = re.findall(r"error\[unknown-name\]: (.*)", out)
    assert uses and all(u == "`handover_min_days` cannot be used here: its own value has an error" for u in uses)
    assert "did you mean" not in out


def test_one_charge_is_explained_once(run_cli):
    """kravia's tungt rule charges its salær as the step's fee (`fee: tungt_salaer`, `salaer:
    tungt_salaer`): one charge, so one line (was `gebyr 600,00 kr` and `salær 600,00 kr`)."""
    code, out, _ = run_cli("explain", "examples/tungt-salaer.yaml", "--lang", "nb")
    decision = out.split("\n\n")[1]
    charged = [l for l in decision.splitlines() if l.strip().startswith(("gebyr", "salær"))]
    assert len(charged) == 1 and charged[0].strip().startswith("gebyr") and charged[0].endswith("kr (salær)"), charged
    code, out, _ = run_cli("explain", "examples/tungt-salaer.yaml", "--lang", "en")
    assert any(l.strip().startswith("fee") and l.endswith("NOK (salær)") for l in out.splitlines())


def test_a_catch_all_wait_without_a_date_is_a_warning(tmp_path, run_cli):
    """A process's last rule (conta's) as `wait` with no `next_review`/`not_before`: every case the
    ladder has run through would sit there, never looked at again (it passed validate silently).
    (conta, not kravia: the check reads the rules alone, and the law search validate runs over
    the edited process costs a fraction of kravia's.)"""
    folder = _policies(tmp_path, "    when: true\n    action: legal_review\n", "    when: true\n    action: wait\n", "conta")
    code, out, _ = run_cli("validate", folder / "conta" / "2024-01-01.yaml")
    line = 2 + next(i for i, l in enumerate((folder / "conta/2024-01-01.yaml").read_text().splitlines(), 1)
                    if l == "  - id: legal-review")
    assert f"2024-01-01.yaml:{line}:13: warning[stuck-wait]: rule `legal-review` is the catch-all and waits with no date" in out
    # the bundled policies have none
    code, out, _ = run_cli("validate", "policies/conta/2024-01-01.yaml")
    assert code == 0 and "stuck-wait" not in out
