"""The policies we ship validate, and every example embedded in them decides as it says."""
from __future__ import annotations

# The only warnings allowed, each with why: nl-wik's statutory interest rates end with the
# 2025-01-01 entries because the later rates were not found (policies/nl-wik/2025-01-01.yaml,
# header), so their review date (2025-07-01) has passed on purpose and validate says so (and
# decide holds Dutch decisions after it: decide/stale.py). The Swedish referensränta is sourced
# to 2026 H1 (se-inkasso-lag@2026-01-01, review_by 2026-07-01), so on this test's --today
# (2026-06-01) it is not yet overdue. The demo's `disputed` rule is reached
# by the search's start with one disputed claim beside an undisputed one (a case whose every
# claim is disputed owes nothing, so `paid` decides it), so no rule-shadowed warning.
KNOWN_WARNINGS = {
    "policies/nl-wik/2025-01-01.yaml: warning[review-overdue]: `wettelijke_rente`",
    "policies/nl-wik/2025-01-01.yaml: warning[review-overdue]: `handelsrente`",
}


def test_bundled_policies_validate_and_their_examples_pass(run_cli):
    code, out, err = run_cli("validate", "policies", "--today", "2026-06-01")
    assert (code, err) == (0, ""), out
    warnings = {f"{line.split(':')[0]}: {line.split(': ', 1)[1].split(' was ')[0]}"
                for line in out.splitlines() if ": warning[" in line}
    assert warnings == KNOWN_WARNINGS, out
    assert out.splitlines()[-1].startswith("ok:") and " 0 error(s)" in out
