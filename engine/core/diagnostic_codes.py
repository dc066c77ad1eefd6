"""Every diagnostic code the engine reports, in one place: its severity, what it means, and where
it can be seen.

Codes are stable kebab-case names that tests, JSON consumers and CI annotations key on, so a
code is a promise: this registry is the list of them. `tests/core/test_diagnostic_codes.py` reads
the engine's source (with `ast`) and fails on a code raised anywhere that is not here, on a
code here that nothing raises, on a severity that differs from the one raised, and on a code
raised from more than one module that does not say why (`several`). Each code either has an
example, the folder `tests/invalid/<code>/` that the invalid-policy suite validates and
snapshots (it must report that code and no other), or says why it cannot have one (`why`:
it comes from a case file, a lock file, a command's input, ...) and names the test that
triggers it (`tested_in`), when one does. docs/diagnostics.md is generated from this list
(`python -m engine.review.diagnostics_page`) and a test keeps it current.
"""
from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Severity

__all__ = ["Code", "CODES", "by_name", "CASE", "LOCK", "INPUT", "COMMAND", "JURISDICTION", "SEVERAL_FILES"]

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE

# Why a code has no folder under tests/invalid/ (which holds policy folders that `validate` reads).
CASE = "comes from a case file, which `validate` of a policy folder does not read"
LOCK = "comes from checking policies.lock, which the invalid-policy suite does not write"
INPUT = "comes from a command's input (standard input, a request body, a batch row), not from a policy folder"
COMMAND = "comes from a command other than `validate` of one folder"
JURISDICTION = "comes from a jurisdiction or locale file; tests/invalid/ holds policy folders only"
SEVERAL_FILES = "needs an earlier version of the policy (or another policy) beside it; not yet a folder here"


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code: what it means, and its example (`tests/invalid/<name>/`) or why none."""

    name: str
    severity: Severity
    meaning: str
    example: bool = False           # tests/invalid/<name>/ reports it
    why: str | None = None          # why there is no example
    tested_in: str | None = None    # a test file that triggers it, when there is no example
    several: str | None = None      # why more than one module raises it
    warning_when: str | None = None  # when an error code is raised as a warning instead

    @property
    def example_path(self) -> str | None:
        return f"tests/invalid/{self.name}" if self.example else None


CODES: tuple[Code, ...] = (
    # -- reading a file ------------------------------------------------------------------
    Code("yaml-syntax", E, "the file is not one well-formed YAML document", example=True),
    Code("duplicate-key", E, "a mapping has the same key twice", example=True),
    Code("invalid-key", E, "a mapping key is not a plain name (a list, a mapping, a number)", example=True),
    Code("unsafe-yaml", E, "a tag other than YAML's standard ones, or an alias bomb", example=True),
    Code("invalid-number", E, "a number is not a decimal the engine can hold exactly", why=COMMAND,
         tested_in="tests/cli/test_small_inputs.py"),
    Code("invalid-encoding", E, "the file or input is not UTF-8", example=True,
         several="a file (core/document.py) and a request body of the service (serve/answers.py) are decoded apart"),
    Code("file-too-large", E, "the file or input is over the size limit", why="needs a file over the size limit"),
    Code("unreadable-file", E, "the file cannot be read (permissions, a folder)", why="needs an unreadable file",
         tested_in="tests/cli/test_cli.py"),
    Code("no-such-file", E, "a path on the command line does not exist", why=COMMAND),
    # -- the schema ----------------------------------------------------------------------
    Code("unknown-key", E, "a key the schema does not know (often a typo), or a rule output its jurisdiction does not name",
         example=True, several="the schema check (core/schema_check.py) knows every output's key; which outputs a "
                               "jurisdiction names is known only once its file is read (check/policy.py)"),
    Code("missing-key", E, "a required key is missing", example=True),
    Code("wrong-type", E, "a value has the wrong JSON type (text where a number belongs)", example=True),
    Code("invalid-value", E, "a value of the right type that is not allowed (an unknown status, a bad pattern)",
         example=True, several="each file kind (policy, case, jurisdiction, locale) checks the values the schema "
                               "cannot express where it is loaded"),
    Code("schema-violation", E, "the file breaks the schema in a way no finer code names", example=True,
         several="the schema check (core/schema_check.py), and a case that is not a mapping in a file "
                 "(policy/case.py) or a request body (serve/answers.py)"),
    Code("too-many-problems", E, "the schema check stopped after its limit of problems in one file",
         why="it comes with the 1,000 problems it stops after, and the suite wants one code per folder"),
    # -- the layout of a policy folder -----------------------------------------------------
    Code("policy-outside-layout", E, "a file is not where a policy version lives (`<name>/<effective>.yaml`)",
         example=True),
    Code("file-name-mismatch", E, "the file's name differs from what it says (its date, its jurisdiction code)",
         example=True, several="policy, jurisdiction and locale files are named by their own field, each checked by "
                               "its loader"),
    Code("draft-folder-mismatch", E, "a file in `drafts/` is not a draft, or a draft outside it takes a published "
                                     "version's name", why="needs a `drafts/` folder", tested_in="tests/policy/test_drafts.py",
         warning_when="a draft outside `drafts/` (it decides the same there)"),
    Code("duplicate-date", E, "two schedule entries of a figure start on the same day", example=True),
    Code("overlapping-versions", E, "two versions of one policy take effect on the same day", example=True),
    Code("unknown-calendar", E, "no holiday calendar for the country named (a policy's own or a jurisdiction's)",
         example=True),
    # -- expressions -----------------------------------------------------------------------
    Code("syntax-error", E, "an expression does not parse", example=True),
    Code("expression-too-long", E, "an expression is over the length limit", example=True),
    Code("expression-too-deep", E, "an expression nests deeper than the limit", example=True),
    Code("unknown-name", E, "a name that is no parameter, definition, case field or used policy's figure",
         example=True),
    Code("unknown-field", E, "a field the value's type does not have", example=True),
    Code("unknown-function", E, "a function (or aggregate) the language does not have", example=True),
    Code("wrong-argument-count", E, "a function called with the wrong number of arguments", example=True),
    Code("type-mismatch", E, "an operand or a value of the wrong type", example=True,
         several="the expression checker (check/expressions.py) and the version checker's outputs and schedules "
                 "(check/policy.py) each compare a type with the one wanted"),
    Code("unknown-enum-value", E, "a text compared with a field of fixed values is not one of them", example=True),
    Code("optional-value", E, "a value that may be missing is used as if always there", example=True),
    Code("not-constant", E, "a parameter reads case data", example=True),
    Code("used-policy-in-parameter", E, "a parameter reads a used policy's figure (a parameter is fixed at load)",
         why=SEVERAL_FILES, tested_in="tests/check/test_authoring.py"),
    Code("missing-calendar", E, "a business-day function in a policy with no calendar",
         why="every policy has its jurisdiction's calendar; only the checker given none (a unit test) reports it",
         tested_in="tests/check/test_checker.py"),
    Code("wrong-currency", E, "a money literal in another currency than the policy's jurisdiction's", example=True),
    # -- a version -------------------------------------------------------------------------
    Code("parameter-cycle", E, "parameters depend on each other", example=True),
    Code("definition-cycle", E, "definitions depend on each other", example=True),
    Code("name-clash", E, "a name is both a parameter and a definition", example=True),
    Code("duplicate-rule-id", E, "two rules of a version share an id", example=True),
    Code("duplicate-constraint-id", E, "two constraints of a version share an id", example=True),
    Code("incomplete-commission", E, "a rule gives a commission rate without its basis, or a basis without a rate",
         example=True),
    Code("unknown-step", E, "a rule records, or a case's event names, a step the policy does not declare",
         example=True, several="a rule's `step:` (check/policy.py) and a case's events (policy/case.py) name steps"),
    Code("exceeds-cap", E, "a figure is above the cap the law (or the policy) sets for it", example=True),
    Code("invalid-brackets", E, "a bracket table does not rise strictly, or leaves out `up_to` before its end",
         example=True, several="the shape of a bracket table is checked at load (policy/loader.py), the order of its "
                               "typed bounds by the checker (check/policy.py)"),
    Code("evaluation-error", E, "a constant figure cannot be computed (a division by zero)", example=True),
    Code("no-fallback-rule", W, "the last rule is not `when: true`, so a case may match no rule", example=True),
    Code("stuck-wait", W, "in a ladder, a rule waits with no date, so a case it decides never moves on", example=True),
    Code("review-overdue", W, "a regulated figure is past its review date and still in force", example=True),
    Code("unknown-policy", E, "`uses:` names a policy that does not exist", example=True),
    Code("unknown-policy-version", E, "no version of a used policy is in force while this one is", example=True),
    Code("uses-cycle", E, "policies use each other", example=True),
    # -- a version against the one before it ----------------------------------------------
    Code("type-differs-between-versions", E, "a figure's type differs from the one it has in another version",
         why=SEVERAL_FILES, tested_in="tests/run/test_compiler_regressions.py"),
    Code("unit-changed", E, "a figure's unit differs from the version before", why=SEVERAL_FILES,
         tested_in="tests/check/test_validate_files.py"),
    Code("implausible-value", E, "a rate outside 0-100 %, or a negative regulated figure", example=True),
    Code("source-unchanged", W, "a figure changed but cites the same source as before", why=SEVERAL_FILES,
         tested_in="tests/check/test_validate_files.py"),
    Code("history-changed", E, "a schedule lost or gained an entry from before this version took effect",
         why=SEVERAL_FILES, tested_in="tests/check/test_validate_files.py"),
    Code("entry-after-effective", E, "a schedule entry starts after its version takes effect", why=SEVERAL_FILES,
         tested_in="tests/check/test_validate_files.py"),
    Code("review-date-passed", W, "a figure's review date passed before its version takes effect", example=True),
    Code("removed-figure", E, "a figure another policy reads is gone from this version", why=SEVERAL_FILES,
         tested_in="tests/check/test_validate_files.py"),
    Code("constraint-dropped", E, "a constraint of the law's earlier version is gone without `repeals:`",
         why=SEVERAL_FILES, tested_in="tests/verify/test_law_binds.py"),
    Code("constraint-changed", E, "a constraint reads differently from the law's earlier version",
         why=SEVERAL_FILES, tested_in="tests/verify/test_law_binds.py"),
    Code("repeals-nothing", E, "`repeals:` names no constraint of the earlier version", why=SEVERAL_FILES,
         tested_in="tests/verify/test_law_binds.py"),
    # -- jurisdictions and locales ---------------------------------------------------------
    Code("no-jurisdiction", E, "a policy names no jurisdiction and none is the default", why=JURISDICTION,
         tested_in="tests/verify/test_law_binds.py"),
    Code("unknown-jurisdiction", E, "a policy names a jurisdiction with no file", why=JURISDICTION,
         tested_in="tests/policy/test_jurisdiction.py"),
    Code("duplicate-default-jurisdiction", E, "more than one jurisdiction file is marked `default: true`",
         why=JURISDICTION),
    Code("jurisdiction-changed", E, "a version's jurisdiction differs from its policy's earlier versions",
         why=JURISDICTION, tested_in="tests/policy/test_jurisdiction.py"),
    Code("jurisdiction-mismatch", E, "a policy uses a policy of another jurisdiction", why=JURISDICTION,
         tested_in="tests/policy/test_jurisdiction.py"),
    Code("missing-language", E, "a text lacks a language its jurisdiction explains in", why=JURISDICTION,
         tested_in="tests/policy/test_jurisdiction.py",
         several="a policy's texts (policy/jurisdiction_check.py) and a jurisdiction's money formats "
                 "(policy/jurisdiction_files.py) are each checked against its languages"),
    Code("missing-locale", E, "a jurisdiction explains in a language with no locale file", why=JURISDICTION,
         tested_in="tests/policy/test_jurisdiction.py"),
    Code("unknown-timezone", E, "a jurisdiction names a time zone the IANA database does not have",
         why=JURISDICTION, tested_in="tests/policy/test_jurisdiction.py"),
    Code("unsupported-minor-unit", E, "a currency's minor unit the engine does not support yet", why=JURISDICTION,
         tested_in="tests/policy/test_jurisdiction.py"),
    Code("unbound-by-law", E, "a process is not bound by its jurisdiction's law", why=JURISDICTION,
         warning_when="a catalog that holds no law at all (a process checked on its own)",
         tested_in="tests/verify/test_law_binds.py"),
    # -- examples, the law, proofs ----------------------------------------------------------
    Code("example-mismatch", E, "a version's example decides otherwise than it expects", example=True),
    Code("example-failed", E, "a version's example cannot be decided", example=True),
    Code("evaluator-mismatch", E, "the row-by-row and columnar evaluators decide an example differently",
         why="needs an engine bug: the two evaluators agree on every policy", tested_in="tests/verify/test_law.py"),
    Code("unreachable-rule", E, "a rule can never fire (an earlier rule always holds, or its `when` is false)",
         example=True),
    Code("breaks-law", E, "a rule's decision breaks a constraint of the law", why=SEVERAL_FILES,
         tested_in="tests/verify/test_law.py"),
    Code("rule-shadowed", W, "a rule fired in none of the law search's cases: earlier rules decided them",
         why=SEVERAL_FILES, tested_in="tests/corpus/test_bundled_policies.py"),
    Code("rule-never-fires", W, "a rule's `when` held in none of the law search's cases", why=SEVERAL_FILES),
    Code("proved", N, "`validate --prove`: the rules keep every constraint of the law", why=COMMAND,
         tested_in="tests/prove/test_prove.py"),
    Code("not-proved", W, "`validate --prove`: the solver could not show a rule keeps the law", why=COMMAND,
         tested_in="tests/prove/test_prove.py"),
    # -- the lock file ---------------------------------------------------------------------
    Code("not-locked", E, "a published version is not in policies.lock", why=LOCK, tested_in="tests/serve/test_serve.py"),
    Code("locked-version-changed", E, "a published version changed after it was locked", why=LOCK,
         tested_in="tests/review/test_lock.py"),
    Code("locked-version-missing", E, "a locked version's file no longer exists", why=LOCK,
         tested_in="tests/review/test_lock.py"),
    Code("locked-version-moved", E, "a locked version's file moved", why=LOCK, tested_in="tests/review/test_lock.py"),
    Code("backdated-version", E, "a new version is dated before the newest locked one", why=LOCK,
         tested_in="tests/review/test_lock.py"),
    # -- cases and commands ----------------------------------------------------------------
    Code("invalid-amount", E, "a claim's amount is not positive, or its credited part exceeds it", why=CASE),
    Code("duplicate-invoice", E, "two claims of a case share an invoice number (a decision names set-aside claims by it)",
         why=CASE, tested_in="tests/batch/test_batch_papercuts.py"),
    Code("invalid-date", E, "a case's dates are out of order (due before issued, a payment before the invoice)",
         why=CASE, tested_in="tests/cli/test_cli.py"),
    Code("after-decision-date", E, "a case's claim or event is dated after the decision date", why=CASE,
         tested_in="tests/cli/test_cli.py"),
    Code("events-out-of-order", E, "a case's events are not in date order", why=CASE),
    Code("invalid-row", E, "a batch row cannot be decided (the reject's reason says why)", why=INPUT),
    Code("unfinished-figure", E, "`frin new-version` left a figure marked for a new value and source", why=COMMAND),
    Code("unformattable", E, "`frin fmt` would change the data, or is not stable, so left the file as it is",
         why=COMMAND),
)

_BY_NAME = {c.name: c for c in CODES}
if len(_BY_NAME) != len(CODES):
    raise RuntimeError("a diagnostic code is registered twice")


def by_name(name: str) -> Code | None:
    """The registered code, or None."""
    return _BY_NAME.get(name)
