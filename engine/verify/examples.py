"""Decide every example embedded in a policy and compare it with its `expect`.

What `frin validate` and `frin test` both prove by deciding: the reference evaluator
decides each example, the compiled and columnar evaluators must agree with it in every
field (`parity.evaluator_problems`), and every expected field must match.
"""
from __future__ import annotations

from ..check.pipeline import Catalog
from ..core.diagnostics import Diagnostic
from ..core.errors import CaseError, EvaluationError, UsageError
from ..policy.case import case_from_data

__all__ = ["run_examples"]


def run_examples(catalog: Catalog, on_decided=None, only: set[str] | None = None) -> list[Diagnostic]:
    """Decide every example embedded in a policy and compare with its `expect`.

    The reference evaluator decides; the compiled and columnar evaluators must agree with it
    in every field (`parity.py`). `on_decided(version, example, decision)`, when given,
    sees every decision (`frin test` measures rule coverage with it). `only`: the names of the
    policies whose examples are decided (None: all; `reach.decided_again`).
    """
    from ..decide.decision import decide_case
    from ..policy.outputs import by_name, compared
    from .parity import Decided, evaluator_problems
    from .reach import chosen_versions
    out = []
    decided: list[Decided] = []
    for checked in chosen_versions(catalog, only):
        v = checked.version
        for ex in v.examples:
            data = {"policy": f"{v.name}@{v.effective}", **ex.case}
            try:
                case = case_from_data(data, f"{v.path} example `{ex.name}`", v.document, ex.path + ("case",))
                as_of = ex.as_of or case.data.get("as_of")
                if as_of is None:
                    raise UsageError("the example needs `as_of` (in the example or its case)")
                decision = decide_case(catalog, case, as_of, include_drafts=v.is_draft)
            except CaseError as err:
                out.extend(err.diagnostics)
                continue
            except (EvaluationError, UsageError) as err:
                out.append(Diagnostic("example-failed", f"example `{ex.name}`: {err}", ex.span))
                if as_of is not None:
                    decided.append(Decided(ex, case, as_of, v.is_draft, str(err)))
                continue
            if on_decided is not None:
                on_decided(v, ex, decision)
            got = decision.to_dict(include_trace=False)
            decided.append(Decided(ex, case, as_of, v.is_draft, got))
            registry = by_name()
            for key, want in ex.expect.items():
                have = got.get(key)
                if key == "rule":
                    have = decision.rule.rule.id
                elif key in registry:           # an output, compared as diff compares it (a product: its amount)
                    have = compared(registry[key], have)
                elif key == "set_aside":       # "invoice: reason, ..." in the case's claim order
                    have = ", ".join(f"{s['claim']}: {s['reason']}" for s in got["set_aside"]) or None
                if str(have) != str(want) and not (have is None and want is None):
                    out.append(Diagnostic(
                        "example-mismatch", f"example `{ex.name}`: expected {key} `{want}`, got `{have}`",
                        v.document.span(ex.path + ("expect", key)),
                        help=f"decided by rule `{decision.rule.rule.id}`; run `frin explain` on the case to see why"))
    return out + evaluator_problems(catalog, decided)
