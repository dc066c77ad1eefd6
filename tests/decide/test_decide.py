"""`frin decide` (JSON) and `frin explain` (text, en and nb) on the demo policy.

Expected figures are hand-computed from policies/demo/2026-01-01.yaml; the explain
texts are snapshots (reviewed as diffs on update).
"""
from __future__ import annotations

import json
import re

import pytest

DEMO = "policies/demo"
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def decide(run_cli, case: str, *extra: str) -> dict:
    code, out, err = run_cli("decide", case, "--policies", DEMO, *extra)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def test_consumer_with_a_reminder_sent_is_escalated(run_cli):
    d = decide(run_cli, "examples/demo-consumer.yaml")
    # outstanding 1250 - 200 = 1050; reminder 2026-02-10 + 14 days <= 2026-03-02 → escalate;
    # no fee: escalating is no step the law lets cost anything (inkassoloven § 17 first ledd;
    # the demo is bound by no-regulation through its jurisdiction, issue 18);
    # interest 1050 × 12 % × 46 / 365 = 15.879… → 15.88
    assert (d["case_id"], d["as_of"], d["action"], d["rule"]) == ("C-1001", "2026-03-02", "escalate", "escalate")
    assert d["fee"] is None
    assert d["amounts"] == {"principal": "1250.00", "interest": "15.88", "total": "1065.88"}
    assert (d["payment_deadline"], d["not_before"], d["salaer"]) == (None, None, None)
    assert d["reasons"] == [{"rule": "escalate", "text": {"nb": "Eskaler.", "en": "Escalate."}, "source": None}]
    # --policies policies/demo holds no no-regulation: nothing is bound here (validate warns
    # unbound-by-law); in the bundled catalog NO's law binds the demo (tests/verify/test_law_binds.py)
    assert (d["policy"]["name"], d["policy"]["version"], d["policy"]["uses"]) == ("demo", "2026-01-01", [])
    assert re.fullmatch(r"[0-9a-f]{64}", d["policy"]["sha256"])


def test_business_debtor_is_escalated_without_a_fee(run_cli):
    d = decide(run_cli, "examples/demo-business.yaml")
    # 480 + 9600 = 10080; no fee on `escalate` (no regulated step, inkassoloven § 17);
    # interest on what is outstanding from the latest due date, 2026-02-03, to 2026-03-02 (27 days):
    # 10080 × 12 % × 27 / 365 = 89.477… → 89.48. (The law's view, each claim from its own due
    # date, forsinkelsesrenteloven § 2: 480 × 12 % × 42 / 365 + 9600 × 12 % × 27 / 365 = 6.628 +
    # 85.216 = 91.84, so the demo stays within it; it used to charge 10080 from 2026-01-19: 139.19.)
    assert (d["action"], d["fee"]) == ("escalate", None)
    assert d["amounts"] == {"principal": "10080.00", "interest": "89.48", "total": "10169.48"}


def test_disputed_claim_is_held(run_cli):
    d = decide(run_cli, "examples/demo-disputed.yaml")
    # principal excludes the disputed claim: 700 - 100 = 600; paid 50 → 550;
    # interest 550 × 12 % × 51 / 365 = 9.221… → 9.22
    assert (d["action"], d["fee"]) == ("hold", None)
    assert d["amounts"] == {"principal": "600.00", "interest": "9.22", "total": "559.22"}


def test_reminder_deadline_rolls_over_easter(run_cli):
    d = decide(run_cli, "tests/fixtures/cases/easter.yaml", "--as-of", "2026-03-19")
    # 2026-03-19 + 14 days = Maundy Thursday 2026-04-02 → Tuesday 2026-04-07; fee round_kr(750 / 20) = 38
    assert (d["action"], d["fee"], d["payment_deadline"]) == ("send_reminder", "38.00", "2026-04-07")


def test_too_early_to_escalate_waits(run_cli):
    d = decide(run_cli, "examples/demo-consumer.yaml", "--as-of", "2026-02-12")
    # the reminder of 2026-02-10 + 14 days; interest 1050 × 12 % × 28 / 365 = 9.665… → 9.67
    assert (d["action"], d["not_before"]) == ("wait", "2026-02-24")
    assert d["amounts"]["interest"] == "9.67"


def test_as_of_overrides_the_case(run_cli):
    assert decide(run_cli, "examples/demo-consumer.yaml", "--as-of", "2026-07-01")["as_of"] == "2026-07-01"


@pytest.mark.parametrize("case", ["examples/demo-consumer.yaml", "examples/demo-business.yaml",
                                  "examples/demo-disputed.yaml", "tests/fixtures/cases/easter.yaml"])
def test_decide_is_deterministic(run_cli, case):
    first = run_cli("decide", case, "--policies", DEMO, "--as-of", "2026-03-19")
    second = run_cli("decide", case, "--policies", DEMO, "--as-of", "2026-03-19")
    assert first == second and first[0] == 0
    assert first[1].endswith("}\n")


def test_money_is_printed_with_two_decimals(run_cli):
    for case in ("examples/demo-consumer.yaml", "examples/demo-business.yaml", "examples/demo-disputed.yaml"):
        d = decide(run_cli, case)
        amounts = list(d["amounts"].values()) + [d[k] for k in ("fee", "salaer") if d[k] is not None]
        assert amounts and all(isinstance(a, str) and MONEY.match(a) for a in amounts), amounts


def test_no_trace_omits_only_the_trace(run_cli):
    full = decide(run_cli, "examples/demo-consumer.yaml")
    fast = decide(run_cli, "examples/demo-consumer.yaml", "--no-trace")
    assert "trace" in full and "trace" not in fast
    assert {k: v for k, v in full.items() if k != "trace"} == fast


def test_trace_lists_every_rule_in_order(run_cli):
    rules = decide(run_cli, "examples/demo-consumer.yaml")["trace"]["rules"]
    assert [(r["rule"], r["matched"]) for r in rules][:4] == [
        ("paid", False), ("disputed", False), ("remind", False), ("escalate", True)]


# --- explain --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "nb"])
@pytest.mark.parametrize("case", ["demo-consumer", "demo-business", "demo-disputed"])
def test_explain_text(run_cli, snapshot, case, lang):
    code, out, err = run_cli("explain", f"examples/{case}.yaml", "--policies", DEMO, "--lang", lang)
    assert (code, err) == (0, "")
    assert out == snapshot


def test_explain_why_not(run_cli, snapshot):
    code, out, _ = run_cli("explain", "examples/demo-consumer.yaml", "--policies", DEMO, "--why-not", "send_reminder")
    assert code == 0
    assert out[out.index("Why not"):] == snapshot


def test_explain_markdown(run_cli, snapshot):
    code, out, _ = run_cli("explain", "examples/demo-disputed.yaml", "--policies", DEMO, "--format", "markdown")
    assert code == 0
    assert out == snapshot


def test_explain_is_colourless_unless_asked(run_cli):
    _, plain, _ = run_cli("explain", "examples/demo-consumer.yaml", "--policies", DEMO)
    _, coloured, _ = run_cli("explain", "examples/demo-consumer.yaml", "--policies", DEMO, "--color", "always")
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured


def test_explain_json_matches_decide(run_cli):
    _, out, _ = run_cli("explain", "examples/demo-consumer.yaml", "--policies", DEMO, "--format", "json")
    assert json.loads(out) == decide(run_cli, "examples/demo-consumer.yaml")
