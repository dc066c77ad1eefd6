"""The case desk in a real browser: headless Chromium from the operating system's packages,
driven by Playwright, against `frin serve` on a loopback port. A case handler uploads a
bundled example, decides it, reads its explanation in nb, its timeline and a why-not; a
broken case shows each problem with its field and hint; the one-claim form makes a case.
The page's Content-Security-Policy forbids eval, so the test waits with Playwright's locators
(they run outside the page's scripts), never with a JavaScript string."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from support import ROOT

CHROMIUM = os.environ.get("FRIST_CHROMIUM", "/usr/bin/chromium")
# One process (the browser, its renderers and the GPU's work in it) instead of some twelve: 450 MB
# of resident memory rather than 1.3 GB beside the suite's workers (bench/suite_memory.py). A
# single-process Chromium cannot open a second browser context, so the tests share one (each
# service is on its own port, so its pages are their own origin).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--single-process", "--no-zygote", "--disable-extensions"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

CASE = ROOT / "examples/consumer-inkassovarsel.yaml"


@pytest.fixture(scope="module")
def browser():
    """The browser's one context (see FLAGS): its `new_page()` opens a tab."""
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium.new_context()
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    from support.live_service import Service
    folder = tmp_path_factory.mktemp("desk")
    service = Service(log=str(folder / "log.sqlite"))
    tab = browser.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(service.url + "/")
    tab.wait_for_selector("#policy option >> nth=1", state="attached")     # the catalog is loaded
    try:
        yield tab
    finally:
        tab.close()
        service.stop()


def test_decide_and_explain_a_bundled_example_in_nb(page, run_cli):
    page.select_option("#policy", "kravia")
    page.set_input_files("#upload", str(CASE))
    playwright_api.expect(page.locator("#case")).to_have_value(re.compile("C-1001"))
    page.click("#decide")
    page.wait_for_selector("#decision:not([hidden])")
    assert page.text_content("#decision .action") == "send_inkassovarsel"
    assert "kravia@2024-01-01 sha256=" in page.text_content("#decision") and "log record" in page.text_content("#decision")
    page.select_option("#lang", "nb")
    page.click("#explain")
    page.wait_for_selector("#explanation:not([hidden])")
    frame = page.frame_locator("#explanation")
    _, markdown, _ = run_cli("explain", str(CASE), "--lang", "nb", "--format", "markdown")
    title = markdown.splitlines()[0].lstrip("# ")
    assert frame.locator("h1").inner_text() == title                       # "Sak C-1001 …": Norwegian
    headings = [h.strip("# ").replace("`", "") for h in markdown.splitlines() if h.startswith("## ")]
    assert frame.locator("h2").all_inner_texts() == headings


def test_timeline_and_why_not(page):
    # its own case, not the one an earlier test left in the page: pytest-xdist may run it alone
    page.select_option("#policy", "kravia")
    page.fill("#case", CASE.read_text())
    page.click("#timeline")
    page.wait_for_selector("#timeline-table:not([hidden])")
    rows = page.locator("#timeline-table tr").all_inner_texts()
    assert len(rows) > 2 and "send_inkassovarsel" in rows[1]
    page.select_option("#action", "send_betalingsoppfordring")
    page.click("#why-not")
    page.wait_for_selector("#explanation:not([hidden])")
    assert "send_betalingsoppfordring" in page.frame_locator("#explanation").locator("body").inner_text()


def test_the_cases_own_policy_decides_and_offers_its_actions(page):
    page.select_option("#policy", "")
    page.fill("#case", CASE.read_text())
    page.click("#decide")
    page.wait_for_selector("#decision:not([hidden])")
    assert "send_betalingsoppfordring" in page.locator("#action option").all_inner_texts()


def test_a_broken_case_shows_each_problem_with_field_and_hint(page):
    page.fill("#case", CASE.read_text().replace("kind: consumer", "kind: alien"))
    page.click("#decide")
    page.wait_for_selector("#problem:not([hidden])")
    text = page.text_content("#problem")
    assert "debtor.kind" in text and "one of: consumer, business" in text
    assert page.is_hidden("#decision")


def test_the_one_claim_form_makes_a_case_that_decides(page):
    page.select_option("#policy", "kravia")
    page.click("#claim-form summary")
    page.fill("#f-case-id", "FORM-1")
    page.fill("#f-amount", "1050.00")
    page.fill("#f-issued", "2026-01-01")
    page.fill("#f-due", "2026-01-15")
    page.fill("#as-of", "2026-03-02")
    page.click("#f-make")
    page.click("#decide")
    page.wait_for_selector("#decision:not([hidden])")
    assert page.text_content("#decision .action")


def test_a_service_with_a_token_asks_for_it_and_the_desk_sends_it(browser, tmp_path):
    from support.live_service import Service
    token = "desk-token-of-enough-length"
    service = Service(log=str(tmp_path / "log.sqlite"), env={"FRIST_SERVE_TOKEN": token})
    tab = browser.new_page()
    tab.set_default_timeout(20_000)
    try:
        tab.goto(service.url + "/")
        playwright_api.expect(tab.locator("#catalog")).to_contain_text("token")
        tab.click("details:has(#token) summary")
        tab.fill("#token", token)
        tab.dispatch_event("#token", "change")
        tab.wait_for_selector("#policy option >> nth=1", state="attached")     # the catalog is loaded
        tab.fill("#case", CASE.read_text())
        tab.click("#decide")
        tab.wait_for_selector("#decision:not([hidden])")
        assert tab.text_content("#decision .action") == "send_inkassovarsel"
    finally:
        tab.close()
        service.stop()
