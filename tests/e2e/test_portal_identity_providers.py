"""The Identity providers blade in Chromium: add an OpenID Connect provider whose metadata URL
is a real discovery document (this B2C Lab's own, fetched over HTTP on Save), configure the
practice Facebook with its developer console's App ID and secret, copy the reply URL, create a
user flow with local accounts None and Facebook ticked, change its ticks on its Identity
providers tab, then Run user flow: the sign-in page offers the Facebook button only and leads to
the practice Facebook.  Screenshots of the blade, a provider's page and the flow tab go to
test-artifacts/."""
from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.test_portal import portal_sign_in

pytestmark = pytest.mark.browser
TENANT = "contoso.onmicrosoft.com"


def test_identity_providers_blade_and_flow_tab(page: Page, base_url, live_server,
                                               screenshot_dir):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    portal_sign_in(page, live_server)
    nav = page.get_by_role("navigation", name="Azure AD B2C")
    nav.get_by_role("link", name="Identity providers").click()

    name = f"Tenant B {uuid.uuid4().hex[:6]}"
    page.locator("#add-oidc").click()
    expect(page.get_by_role("heading", name="New OpenID Connect provider")).to_be_visible()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Metadata url").fill(f"{base_url}/{TENANT}/B2C_1_susi/v2.0/.well-known/"
                                           "openid-configuration-typo")
    page.get_by_label("Client ID").fill("11111111-2222-3333-4444-555555555555")
    page.get_by_label("Client secret").fill("tenant-b-secret")
    page.get_by_label("Surname").fill("family_name")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_contain_text("The metadata URL answered HTTP 404")
    page.get_by_label("Metadata url").fill(f"{base_url}/{TENANT}/B2C_1_susi/v2.0/.well-known/"
                                           "openid-configuration")
    page.get_by_label("Client secret").fill("tenant-b-secret")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("#mapping-surname")).to_contain_text("family_name")
    expect(page.locator("#mapping-surname")).to_contain_text("surname")
    expect(page.locator("#identity-provider-form input[name=client_secret]")).to_have_value("")
    page.screenshot(path=screenshot_dir / "portal-identity-provider-oidc.png", full_page=True)

    nav.get_by_role("link", name="Identity providers").click()
    page.locator("#add-facebook").click()  # the form, or the provider's page once configured
    expect(page.locator("#developer-console")).to_have_attribute(
        "href", f"{base_url}/practice/facebook/")
    console = requests.get(f"{base_url}/practice/facebook/developers/app.json", timeout=10).json()
    page.get_by_label("Client ID").fill(console["client_id"])
    page.get_by_label("Client secret").fill(console["client_secret"])
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#provider-issuer")).to_have_text("facebook.com")
    facebook = page.get_by_role("heading", level=1).inner_text()
    reply = f"{base_url}/{TENANT}/oauth2/authresp"
    expect(page.locator("#reply-url")).to_have_text(reply)
    page.locator("button[data-copy=reply-url]").click()
    expect(page.locator("button[data-copy=reply-url]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == reply
    page.screenshot(path=screenshot_dir / "portal-identity-provider-facebook.png", full_page=True)

    nav.get_by_role("link", name="Identity providers").click()
    listed = page.locator("#identity-providers")
    expect(listed.locator("tr").nth(1)).to_contain_text("Local account")
    expect(listed).to_contain_text(name)
    expect(listed).to_contain_text("OpenID Connect")
    page.screenshot(path=screenshot_dir / "portal-identity-providers.png", full_page=True)

    # a new user flow with no local accounts: refused until a provider is ticked
    flow = f"idp_{uuid.uuid4().hex[:6]}"
    nav.get_by_role("link", name="User flows").click()
    page.get_by_role("link", name="+ New user flow").click()
    page.get_by_label("Name", exact=True).fill(flow)
    page.get_by_label("Local accounts").select_option("none")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".field-error")).to_contain_text("Local accounts None needs at least one "
                                                         "identity provider ticked")
    page.get_by_label(facebook, exact=False).first.check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name=f"B2C_1_{flow}")).to_be_visible()
    page.get_by_role("navigation", name="User flow settings").get_by_role(
        "link", name="Identity providers").click()
    expect(page.locator("#local-none")).to_be_checked()
    page.locator("#local-email").check()
    page.get_by_label(name).check()
    page.locator("#save-identity-providers").click()
    expect(page.get_by_text(f"Identity providers of B2C_1_{flow} saved.")).to_be_visible()
    expect(page.get_by_label(name)).to_be_checked()
    page.locator("#local-none").check()
    page.get_by_label(name).uncheck()
    page.locator("#save-identity-providers").click()
    expect(page.locator("#local-none")).to_be_checked()
    page.screenshot(path=screenshot_dir / "portal-user-flow-identity-providers.png",
                    full_page=True)

    # the runtime reads what the portal saved: the flow's page offers only the Facebook button
    page.get_by_role("link", name="Run user flow").first.click()
    page.get_by_label("Application").select_option(label="webapp1")
    page.get_by_role("button", name="Update the endpoint").click()
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Run user flow", exact=True).last.click()
    run = new_tab.value
    expect(run.locator("#FacebookExchange")).to_be_visible()
    expect(run.locator("#email")).to_have_count(0)  # no local account sign-in
    run.locator("#FacebookExchange").click()
    expect(run.locator("#persona-new")).to_be_visible()  # the practice Facebook's page
