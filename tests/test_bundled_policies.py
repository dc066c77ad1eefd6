"""The policies we ship validate, and every example embedded in them decides as it says."""
from __future__ import annotations


def test_bundled_policies_validate_and_their_examples_pass(run_cli):
    code, out, err = run_cli("validate", "policies", "--today", "2026-06-01")
    assert (code, err) == (0, ""), out
    assert out.startswith("ok:") and " 0 error(s)" in out
