"""The practice providers' pages in Chromium: choose a persona, Allow, and land on B2C's reply
URL with a code (screenshots of each page in test-artifacts/screenshots/)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.practice_idps.driver import AUTHORIZE, SCOPES, PracticeDriver

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", ["facebook", "google"])
def test_choose_a_persona_and_allow(page: Page, practice_server, screenshot_dir, kind):
    driver = PracticeDriver(practice_server[0], kind)
    shot = lambda name: page.screenshot(  # noqa: E731
        path=screenshot_dir / f"practice-{kind}-{name}.png", full_page=True)
    page.goto(f"{driver.root}/")
    expect(page.locator("#client-id")).to_have_text(driver.app()["client_id"])
    shot("console")
    page.goto(driver.root + AUTHORIZE[kind] + "?" + urlencode({
        "client_id": driver.app()["client_id"], "redirect_uri": driver.reply_url,
        "response_type": "code", "scope": SCOPES[kind], "state": "st-1", "nonce": "n-1"}))
    expect(page.locator("#practice-banner")).to_contain_text(
        f"not the real {kind.title()}")
    expect(page.locator("#lesson")).to_have_value("")
    shot("sign-in")
    first = page.get_by_role("button", name=driver.personas[0].name, exact=True)
    expect(first).to_have_attribute("id", "persona-1")
    first.click()
    expect(page.locator("#allow")).to_be_visible()
    shot("consent")
    page.locator("#allow").click()
    page.wait_for_url(re.compile(r"/contoso\.onmicrosoft\.com/oauth2/authresp\?code=.+&state=st-1"))


def test_an_unregistered_redirect_uri_shows_what_to_fix(page: Page, practice_server,
                                                         screenshot_dir):
    driver = PracticeDriver(practice_server[0], "google")
    page.goto(driver.root + AUTHORIZE["google"] + "?" + urlencode({
        "client_id": driver.app()["client_id"], "redirect_uri": "https://evil.example/cb",
        "response_type": "code", "scope": "openid"}))
    expect(page.locator("#error-title")).to_have_text(
        "Access blocked: this app's request is invalid")
    expect(page.get_by_text("https://evil.example/cb")).to_be_visible()
    page.screenshot(path=screenshot_dir / "practice-google-redirect-uri-error.png",
                    full_page=True)
