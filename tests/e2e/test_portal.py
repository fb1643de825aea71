"""An instructor's demo in Chromium: sign in to the portal, add a custom attribute, create a
user flow that collects and returns it, Run user flow with webapp1, sign up, read the token in
the viewer, and open the run's trace (issue: the portal)."""
from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def admin_password(live_server) -> str:
    """The password the server printed once at first start (its banner)."""
    match = re.search(r"Sign in as 'admin' with this password.*?\n\s+\(.*?\):\n\s+(\S+)",
                      live_server.output(), re.S)
    assert match, live_server.output()
    return match.group(1)


def portal_sign_in(page: Page, live_server) -> None:
    """Sign in to the portal as admin and wait for the Overview."""
    page.goto("/portal/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(admin_password(live_server))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Azure AD B2C | Overview")).to_be_visible()


def mailbox_code(base_url: str, address: str) -> str:
    messages = requests.get(f"{base_url}/mailbox/messages.json", params={"to": address},
                            timeout=10).json()
    return messages[0]["code"]


def test_portal_custom_attribute_to_token(page: Page, base_url, live_server, screenshot_dir):
    page.goto("/portal/")
    expect(page.get_by_role("heading", name="Sign in to the portal")).to_be_visible()
    portal_sign_in(page, live_server)

    nav = page.get_by_role("navigation", name="Azure AD B2C")
    nav.get_by_role("link", name="User attributes").click()
    page.get_by_role("link", name="+ Add").click()
    page.get_by_label("Name").fill("FavouriteColour")
    page.get_by_label("Data Type").select_option("String")
    page.get_by_role("button", name="Create").click()
    expect(page.locator('#custom-attributes tr[data-attribute="FavouriteColour"]')).to_contain_text(
        "extension_FavouriteColour")

    nav.get_by_role("link", name="User flows").click()
    page.get_by_role("link", name="+ New user flow").click()
    page.get_by_label("Name", exact=True).fill("lab")
    page.locator("#collect-extension_FavouriteColour").check()
    page.locator("#return-extension_FavouriteColour").check()
    page.screenshot(path=screenshot_dir / "portal-new-user-flow.png", full_page=True)
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="B2C_1_lab")).to_be_visible()

    page.get_by_role("link", name="Run user flow").first.click()
    page.get_by_label("Application").select_option(label="webapp1")
    page.get_by_role("button", name="Update the endpoint").click()
    expect(page.locator("#run-url")).to_contain_text("p=B2C_1_lab")
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Run user flow", exact=True).last.click()
    flow = new_tab.value
    email = f"portal-{uuid.uuid4().hex[:10]}@example.com"
    flow.get_by_role("link", name="Sign up now").click()
    flow.locator("#email").fill(email)
    flow.get_by_role("button", name="Send verification code").click()
    flow.locator("#verificationCode").fill(mailbox_code(base_url, email))
    flow.get_by_role("button", name="Verify code").click()
    expect(flow.get_by_text("E-mail address verified. You can now continue.")).to_be_visible()
    flow.locator("#newPassword").fill("Passw0rd!-portal")
    flow.locator("#reenterPassword").fill("Passw0rd!-portal")
    flow.locator("#displayName").fill("Portal Demo")
    flow.locator("#extension_FavouriteColour").fill("teal")
    flow.get_by_role("button", name="Create").click()

    expect(flow.locator("#signature-status")).to_have_text("signature valid")
    expect(flow.locator('#claims-table tr[data-claim="extension_FavouriteColour"]')).to_contain_text("teal")
    expect(flow.locator('#claims-table tr[data-claim="tfp"]')).to_contain_text("B2C_1_lab")
    flow.screenshot(path=screenshot_dir / "viewer.png", full_page=True)

    flow.locator("#run-link a").click()
    expect(flow.locator("#trace")).to_contain_text("LocalAccountSignUpWithLogonEmail")
    expect(flow.locator("#trace")).to_contain_text("JwtIssuer")
    expect(flow.locator('#claims-explained tr[data-claim="extension_FavouriteColour"]')).to_contain_text(
        "in the token")
    flow.screenshot(path=screenshot_dir / "portal-run-trace.png", full_page=True)
