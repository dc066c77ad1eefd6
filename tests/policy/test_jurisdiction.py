"""Jurisdiction as data: a country's currency, calendar and languages come from its files.

The fixture tests/fixtures/jurisdiction-eur/ is a catalog of another jurisdiction (EUR,
Europe/Amsterdam, calendar NL, English only) written only as data: a jurisdiction file and
a policy. It must validate, decide, explain in English with its own money format and use
its own calendar, with no change to the engine (docs/architecture.md, "Jurisdiction as data").
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog

EUR = Path("tests/fixtures/jurisdiction-eur")
POLICIES = EUR / "policies"
CASE = EUR / "cases" / "nl-2-costs.yaml"


@pytest.fixture
def eur_copy(tmp_path) -> Path:
    """A copy of the EUR catalog to break."""
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def test_the_eur_catalog_validates_with_its_examples(run_cli):
    code, out, err = run_cli("validate", POLICIES)
    assert code == 0, out + err
    assert "1 policy version(s), 3 example(s) checked; 0 error(s), 0 warning(s)" in out


def test_every_policy_resolves_its_jurisdiction():
    catalog, problems = load_catalog([POLICIES])
    assert not [d for d in problems if d.severity.name == "ERROR"]
    (checked,) = catalog.checked.values()
    j = checked.jurisdiction
    assert (j.code, j.currency, j.timezone, j.country, j.languages) == ("NL", "EUR", "Europe/Amsterdam", "NL", ("en",))
    bundled, _ = bundled_catalog()
    # The bundled catalog: Norway, the Dutch policies (nl-wik, nl-incasso) of jurisdictions/NL.yaml, Sweden (se-*).
    found = {(c.name.startswith("nl-"), c.jurisdiction.code, c.jurisdiction.currency) for c in bundled.checked.values()}
    assert found == {(False, "NO", "NOK"), (True, "NL", "EUR"), (False, "SE", "SEK")}


def test_the_eur_policy_decides(run_cli):
    # Besluit BIK art. 2, first two bands only (the fixture's scale): principal 12,345.60;
    # 15 % of the first 2,500.00 = 375.00; 10 % of the next 2,500.00 = 250.00; 375.00 + 250.00 = 625.00.
    code, out, err = run_cli("decide", CASE, "--policies", POLICIES, "--no-trace")
    assert code == 0, err
    decision = json.loads(out)
    assert (decision["action"], decision["fee"]) == ("charge_collection_costs", "625.00")


def test_the_eur_policy_uses_its_own_calendar(run_cli, tmp_path):
    # 2026-04-13 + 14 days = Monday 2026-04-27, Koningsdag (a Dutch public holiday, a working
    # day in Norway): the deadline rolls to Tuesday 2026-04-28.
    case = tmp_path / "case.yaml"
    case.write_text(CASE.read_text(encoding="utf-8").replace("as_of: 2026-05-12", "as_of: 2026-04-13")
                    .replace("events:\n  - {step: fourteen_day_letter, date: 2026-04-13, due: 2026-04-28}", "events: []"),
                    encoding="utf-8")
    code, out, err = run_cli("decide", case, "--policies", POLICIES, "--no-trace")
    assert code == 0, err
    decision = json.loads(out)
    assert (decision["action"], decision["payment_deadline"]) == ("send_fourteen_day_letter", "2026-04-28")


def test_the_eur_policy_explains_in_english_with_its_money_format(run_cli):
    code, out, err = run_cli("explain", CASE, "--policies", POLICIES)
    assert code == 0, err
    assert "  fee               EUR 625.00\n" in out
    assert "  principal         EUR 12,345.60\n" in out          # the format NL.yaml gives `en`
    assert "⇒ EUR 12,345.60 <= 0 EUR" in out                      # a value, then the literal as written
    assert "NOK" not in out and " kr" not in out


def test_a_language_the_jurisdiction_does_not_write_is_a_usage_error(run_cli):
    code, out, err = run_cli("explain", CASE, "--policies", POLICIES, "--lang", "nb")
    assert (code, out) == (2, "")
    assert "`wik-demo` er en policy i jurisdiksjonen NL, som har tekster på en, ikke `nb`: bruk --lang en" in err, \
        "said in the language asked for (its locale's messages pairs)"


def test_a_literal_in_another_currency_is_an_error_at_its_place(run_cli, eur_copy):
    policy = eur_copy / "wik-demo" / "2026-01-01.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("{value: 40 EUR,", "{value: 40 NOK,"), encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "40 EUR" in l)
    col = text.splitlines()[line - 1].index("40 EUR") + 1
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert f"wik-demo/2026-01-01.yaml:{line}:{col}: error[wrong-currency]: `40 NOK` is in NOK, but `wik-demo` is a policy in EUR" in out + err


def test_a_norwegian_policy_may_not_write_euros(run_cli, tmp_path):
    shutil.copytree("policies/demo", tmp_path / "demo")
    policy = tmp_path / "demo" / "2026-01-01.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("value: 750 NOK", "value: 750 EUR"), encoding="utf-8")
    code, out, err = run_cli("validate", tmp_path)
    assert code == 1
    assert "error[wrong-currency]: `750 EUR` is in EUR, but `demo` is a policy in NOK" in out + err


def test_a_policy_uses_only_policies_of_its_jurisdiction(run_cli, eur_copy):
    """Money values carry no currency at run time: one decision is in one currency, so a
    EUR policy may not read figures of a NOK one."""
    shutil.copytree("policies/no-regulation", eur_copy / "no-regulation", ignore=shutil.ignore_patterns("drafts"))
    policy = eur_copy / "wik-demo" / "2026-01-01.yaml"
    text = policy.read_text(encoding="utf-8").replace("jurisdiction: NL\n", "jurisdiction: NL\nuses: {law: no-regulation}\n")
    policy.write_text(text, encoding="utf-8")
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert ("error[jurisdiction-mismatch]: `no-regulation` (no-regulation@2024-01-01) is a policy of jurisdiction NO "
            "(NOK), this one of NL (EUR)") in out + err


def test_an_unknown_jurisdiction_is_named_with_a_suggestion(run_cli, eur_copy):
    policy = eur_copy / "wik-demo" / "2026-01-01.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("jurisdiction: NL", "jurisdiction: NX"), encoding="utf-8")
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert "wik-demo/2026-01-01.yaml:8:15: error[unknown-jurisdiction]: no jurisdiction `NX`" in out + err
    assert "known: NL, NO, SE; or add `jurisdictions/NX.yaml`" in out + err


def test_every_text_is_in_every_language_of_the_jurisdiction(run_cli, eur_copy):
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    text = jurisdiction.read_text(encoding="utf-8")
    jurisdiction.write_text(text.replace("languages: [en]", "languages: [en, nl]").replace(
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}',
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}\n    nl: {pattern: "{code} {amount}", group: ".", decimal: ","}'),
        encoding="utf-8")
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert "wik-demo/2026-01-01.yaml:9:8: error[missing-language]: no text in nl here; jurisdiction NL explains in en, nl" in out + err


@pytest.mark.parametrize("change, where, code", [
    ("code: EUR", "code: eur", "invalid-value"),
    ("timezone: Europe/Amsterdam", "timezone: Europe/Atlantis", "unknown-timezone"),
    ("minor_unit: 2", "minor_unit: 3", "unsupported-minor-unit"),
    ('pattern: "{code} {amount}"', 'pattern: "{currency} {amount}"', "invalid-value"),
    ("languages: [en]", "languages: [en, fr]", "missing-language"),
])
def test_a_broken_jurisdiction_file_is_an_error_at_its_place(run_cli, eur_copy, change, where, code):
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    text = jurisdiction.read_text(encoding="utf-8")
    assert change in text
    jurisdiction.write_text(text.replace(change, where), encoding="utf-8")
    status, out, err = run_cli("validate", eur_copy)
    assert status == 1
    assert f"jurisdictions/NL.yaml:" in out + err and f"error[{code}]" in out + err, out + err
    assert "unknown-jurisdiction" not in out + err          # the file's own error says why


def _decide_on(run_cli, policies: Path, case_text: str, tmp_path: Path) -> dict:
    case = tmp_path / "case.yaml"
    case.write_text(case_text, encoding="utf-8")
    code, out, err = run_cli("decide", case, "--policies", policies, "--no-trace")
    assert code == 0, err
    return json.loads(out)


def test_the_calendar_comes_from_the_jurisdiction_with_its_stated_weekend(run_cli, eur_copy, tmp_path):
    """The policy names no calendar: NL.yaml's applies. 2026-04-17 + 14 days = Friday 2026-05-01,
    a working day in the Netherlands (no holiday; the weekend is Saturday and Sunday); with
    the weekend stated as Friday and Saturday it rolls to Sunday 2026-05-03."""
    assert "calendar" not in (POLICIES / "wik-demo" / "2026-01-01.yaml").read_text(encoding="utf-8").split("parameters:")[0]
    text = CASE.read_text(encoding="utf-8").replace("as_of: 2026-05-12", "as_of: 2026-04-17").replace(
        "events:\n  - {step: fourteen_day_letter, date: 2026-04-13, due: 2026-04-28}", "events: []")
    assert _decide_on(run_cli, eur_copy, text, tmp_path)["payment_deadline"] == "2026-05-01"
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    jurisdiction.write_text(jurisdiction.read_text(encoding="utf-8").replace(
        "  country: NL\n", "  country: NL\n  weekend: [friday, saturday]\n"), encoding="utf-8")
    assert _decide_on(run_cli, eur_copy, text, tmp_path)["payment_deadline"] == "2026-05-03"


def test_today_is_the_jurisdictions_date(run_cli, eur_copy, tmp_path):
    """A case without `as_of` is decided on today's date in the jurisdiction's time zone. The
    two zones are 25 hours apart, so their dates differ at every moment."""
    from engine.values.time import today_in
    text = CASE.read_text(encoding="utf-8").replace("as_of: 2026-05-12\n", "")
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    original = jurisdiction.read_text(encoding="utf-8")
    seen = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        jurisdiction.write_text(original.replace("timezone: Europe/Amsterdam", f"timezone: {zone}"), encoding="utf-8")
        seen[zone] = _decide_on(run_cli, eur_copy, text, tmp_path)["as_of"]
        assert seen[zone] == today_in(zone).isoformat()
    assert seen["Pacific/Kiritimati"] != seen["Pacific/Pago_Pago"]


def test_every_version_of_a_policy_has_one_jurisdiction(run_cli, eur_copy):
    later = eur_copy / "wik-demo" / "2027-01-01.yaml"
    text = (eur_copy / "wik-demo" / "2026-01-01.yaml").read_text(encoding="utf-8")
    later.write_text(text.replace("effective: 2026-01-01", "effective: 2027-01-01").replace("jurisdiction: NL\n", ""),
                     encoding="utf-8")
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert ("wik-demo/2027-01-01.yaml:6:9: error[jurisdiction-changed]: wik-demo@2026-01-01 is a policy of "
            "jurisdiction NL, this version of NO") in out + err


# --- the words of explanations: locale files ---------------------------------------------------

def test_the_words_of_an_explanation_come_from_the_locale_file(run_cli, tmp_path):
    """Edit a word in a copy of the catalog's locale file: the explanation says the new word."""
    shutil.copytree("policies", tmp_path / "policies")
    nb = tmp_path / "policies" / "locales" / "nb.yaml"
    text = nb.read_text(encoding="utf-8")
    assert '  case: "Sak"\n' in text and '  none: "ingen"\n' in text
    nb.write_text(text.replace('  case: "Sak"\n', '  case: "Saksnummer"\n'), encoding="utf-8")
    code, out, err = run_cli("explain", "examples/consumer-inkassovarsel.yaml", "--policies", tmp_path / "policies",
                             "--lang", "nb")
    assert code == 0, err
    assert out.startswith("Saksnummer C-1001 per 2. mars 2026\n")      # the date as CLDR nb writes it


def test_a_new_language_is_a_locale_file_and_texts(run_cli, eur_copy):
    """Dutch explanations for the EUR fixture: a locale file, the jurisdiction's list and money
    format, the policy's texts; no engine change."""
    en = Path("policies/locales/en.yaml").read_text(encoding="utf-8")
    nl = (en.replace("locale: en", "locale: nl").replace('name: "English"', 'name: "Nederlands"')
          .replace('number: {group: "", decimal: "."}', 'number: {group: ".", decimal: ","}')
          .replace('  case: "Case"', '  case: "Zaak"').replace('  "on": "on"', '  "on": "op"')
          .replace('  fee: "fee"', '  fee: "kosten"'))
    (eur_copy / "locales").mkdir()
    (eur_copy / "locales" / "nl.yaml").write_text(nl, encoding="utf-8")
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    jurisdiction.write_text(jurisdiction.read_text(encoding="utf-8").replace("languages: [en]", "languages: [en, nl]").replace(
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}',
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}\n    nl: {pattern: "€ {amount}", group: ".", decimal: ","}'),
        encoding="utf-8")
    policy = eur_copy / "wik-demo" / "2026-01-01.yaml"
    policy.write_text(re.sub(r'\{en: ("[^"]*")\}', r"{en: \1, nl: \1}", policy.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = run_cli("explain", CASE, "--policies", eur_copy, "--lang", "nl")
    assert code == 0, err
    assert out.startswith("Zaak NL-2 op 2026-05-12\n")
    assert "  kosten            € 625,00\n" in out and "€ 12.345,60" in out
    assert "  15 %\n" not in out and "= 15 %\n" in out            # a percentage: no decimals to write


@pytest.mark.parametrize("change, where, code", [
    ('  case: "Case"\n', "", "missing-key"),
    ('  why_not: "Why not `{action}`?"', '  why_not: "Why not `{acton}`?"', "invalid-value"),
    ("locale: en", "locale: fr", "file-name-mismatch"),
])
def test_a_broken_locale_file_is_an_error_at_its_place(run_cli, eur_copy, change, where, code):
    (eur_copy / "locales").mkdir()
    text = Path("policies/locales/en.yaml").read_text(encoding="utf-8")
    assert change in text
    (eur_copy / "locales" / "en.yaml").write_text(text.replace(change, where), encoding="utf-8")
    status, out, err = run_cli("validate", eur_copy)
    assert status == 1
    assert "locales/en.yaml:" in out and f"error[{code}]" in out, out + err


def test_a_language_without_a_locale_file_is_an_error(run_cli, eur_copy):
    jurisdiction = eur_copy / "jurisdictions" / "NL.yaml"
    jurisdiction.write_text(jurisdiction.read_text(encoding="utf-8").replace("languages: [en]", "languages: [en, fr]").replace(
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}',
        '    en: {pattern: "{code} {amount}", group: ",", decimal: "."}\n    fr: {pattern: "{amount} €", group: " ", decimal: ","}'),
        encoding="utf-8")
    code, out, err = run_cli("validate", eur_copy)
    assert code == 1
    assert "jurisdictions/NL.yaml:4:15: error[missing-locale]: jurisdiction NL explains in `fr`, but there is no locale file" in out
