"""`frin graph`: the ladder as Mermaid and DOT, steps as nodes and rules as edges."""
from __future__ import annotations

import re

LADDER = "tests/fixtures/review/policies"


def graph(run_cli, *argv: str) -> str:
    code, out, err = run_cli("graph", *argv)
    assert (code, err) == (0, ""), err
    return out


def edges(mermaid: str) -> list[tuple[str, str, str, str]]:
    """(source, arrow, rule, target) per edge line."""
    return re.findall(r'^  (\w+) (-->|==>|-\.->)\|"([\w-]+): .*"\| (\w+)$', mermaid, re.MULTILINE)


def test_every_rule_is_one_edge_between_steps(run_cli):
    out = graph(run_cli, "ladder@2026-01-01", "--policies", LADDER)
    assert edges(out) == [
        ("any", "-->", "paid", "a_close"),
        ("start", "-->", "remind", "s_reminder"),
        ("s_reminder", "==>", "varsel-consumer", "s_inkassovarsel"),    # consumers only: thick
        ("s_reminder", "-.->", "varsel-business", "s_inkassovarsel"),   # businesses only: dashed
        ("s_inkassovarsel", "-->", "legal", "a_legal_review"),
        ("s_inkassovarsel", "-->", "wait", "s_inkassovarsel"),          # a wait loops back
    ]
    assert "linkStyle 2 stroke:#1f5fbf" in out and "linkStyle 3 stroke:#d9730d" in out


def test_edge_labels_carry_the_version_s_fee(run_cli):
    old = graph(run_cli, "ladder@2025-07-01", "--policies", LADDER)
    new = graph(run_cli, "ladder", "--as-of", "2026-02-01", "--policies", LADDER)
    assert "fee varsel_fee = 70.00 NOK" in old and "fee varsel_fee = 76.00 NOK" in new
    assert "%% ladder@2026-01-01:" in new


def test_a_negated_business_definition_reads_as_consumer(run_cli, tmp_path):
    folder = tmp_path / "ladder"
    folder.mkdir()
    text = open(f"{LADDER}/ladder/2026-01-01.yaml", encoding="utf-8").read()
    text = text.replace("definitions:\n", "definitions:\n  is_business: debtor.kind == \"business\"\n")
    text = text.replace('and debtor.kind == "consumer"', "and not is_business")
    (folder / "2026-01-01.yaml").write_text(text, encoding="utf-8")
    out = graph(run_cli, "ladder@2026-01-01", "--policies", str(tmp_path))
    assert ("s_reminder", "==>", "varsel-consumer", "s_inkassovarsel") in edges(out)


def test_kravia_ladder_runs_through_its_steps(run_cli):
    out = graph(run_cli, "kravia@2024-01-01")
    steps = [(s, t) for s, _, _, t in edges(out) if s.startswith(("start", "s_")) and t.startswith("s_") and s != t]
    assert steps[:3] == [("start", "s_inkassovarsel"), ("s_inkassovarsel", "s_betalingsoppfordring"),
                         ("s_betalingsoppfordring", "s_betalingsoppfordring_tungt")]


def test_a_renewed_step_leads_back_and_the_ladder_stays_where_it_was(run_cli):
    # kravia's `renew-bo` records betalingsoppfordring again after the call: the rules after it
    # (the renewal's wait, the legal review) still leave from the call, not from the first letter
    by_rule = {r: (s, t) for s, _, r, t in edges(graph(run_cli, "kravia@2024-01-01"))}
    assert by_rule["renew-bo"] == ("s_call", "s_betalingsoppfordring")
    assert by_rule["renewal-running"] == ("s_call", "s_call")
    assert by_rule["legal-review"] == ("s_call", "a_legal_review")


def test_mermaid_and_dot_snapshots(run_cli, snapshot):
    assert graph(run_cli, "ladder@2026-01-01", "--policies", LADDER) == snapshot
    assert graph(run_cli, "demo", "--as-of", "2026-03-01", "--format", "dot") == snapshot


def test_a_policy_without_rules_cannot_be_drawn(run_cli):
    code, _, err = run_cli("graph", "no-regulation@2026-01-01")
    assert code == 2 and "has no rules to draw" in err


def test_a_used_policy_s_definition_sets_the_audience(run_cli):
    # fiken-kravia's `legal-review-business` rule is `when: kravia.is_business` (a definition of the used policy)
    out = graph(run_cli, "fiken-kravia@2024-01-01")
    assert [(a, t) for s, a, r, t in edges(out) if r == "legal-review-business"] == [("-.->", "a_legal_review")]


def test_an_amount_that_depends_on_the_debtor_kind_does_not_restrict_the_rule(run_cli):
    # egeninkasso's `paid` rule compares the balance, whose 3a compensation applies to businesses only
    out = graph(run_cli, "egeninkasso@2024-01-01")
    assert [a for s, a, r, t in edges(out) if r == "paid"] == ["-->"]
