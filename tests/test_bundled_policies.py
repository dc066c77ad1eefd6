"""The policies we ship validate, and every example embedded in them decides as it says."""
from __future__ import annotations

# The only warnings allowed, each with why: nl-wik's statutory interest rates end with the
# 2025-01-01 entries because the later rates were not found (policies/nl-wik/2025-01-01.yaml,
# header), so their review date (2025-07-01) has passed on purpose and validate says so (and
# decide holds Dutch decisions after it: decide/stale.py). The demo is bound by the Norwegian law
# through its jurisdiction (issue 18), so the law's boundary search now walks it too and finds
# its `disputed` rule shadowed by `paid` (a case whose every claim is disputed owes nothing).
KNOWN_WARNINGS = {
    "policies/nl-wik/2025-01-01.yaml: warning[review-overdue]: `wettelijke_rente`",
    "policies/nl-wik/2025-01-01.yaml: warning[review-overdue]: `handelsrente`",
    "policies/demo/2026-01-01.yaml: warning[rule-shadowed]: rule `disputed` fired in none of the generated cases: "
    "earlier rules decided wherever its condition held",
}


def test_bundled_policies_validate_and_their_examples_pass(run_cli):
    code, out, err = run_cli("validate", "policies", "--today", "2026-06-01")
    assert (code, err) == (0, ""), out
    warnings = {f"{line.split(':')[0]}: {line.split(': ', 1)[1].split(' was ')[0]}"
                for line in out.splitlines() if ": warning[" in line}
    assert warnings == KNOWN_WARNINGS, out
    assert out.splitlines()[-1].startswith("ok:") and " 0 error(s)" in out
