"""The Identity Experience Framework blade in Chromium, as a workshop attendee walks it: the
Getting started page with the two IEF apps, Add the starter pack's signing key from its link,
a Manual secret, the list, the delete confirmation; and a user flow's Journey tab.
Screenshots go to test-artifacts/screenshots/ief/."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_portal import portal_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(screenshot_dir):
    folder = screenshot_dir / "ief"
    folder.mkdir(exist_ok=True)
    return folder


def test_ief_blade_and_policy_keys(page: Page, live_server, shots):
    portal_sign_in(page, live_server)
    page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
        "link", name="Identity Experience Framework").click()
    expect(page.get_by_role("heading", name="Azure AD B2C | Identity Experience Framework")) \
        .to_be_visible()
    for name in ("IdentityExperienceFramework", "ProxyIdentityExperienceFramework"):
        expect(page.locator(f'#ief-apps tr[data-app="{name}"] code.client-id')).to_have_text(
            _GUID)
    page.screenshot(path=shots / "ief-getting-started.png", full_page=True)

    signing = page.locator('#starter-pack-keys tr[data-key="B2C_1A_TokenSigningKeyContainer"]')
    if signing.get_by_role("link", name="Add it").count():  # first run on this server
        signing.get_by_role("link", name="Add it").click()
        expect(page.get_by_label("Name")).to_have_value("TokenSigningKeyContainer")
        expect(page.locator("#option-manual")).to_be_hidden()
        page.screenshot(path=shots / "policy-key-add-generate.png", full_page=True)
        page.get_by_role("button", name="Create").click()
        expect(page.get_by_role("heading", name="B2C_1A_TokenSigningKeyContainer")) \
            .to_be_visible()
        expect(page.locator("#public-jwk")).to_contain_text('"kty": "RSA"')
        page.screenshot(path=shots / "policy-key-rsa.png", full_page=True)

    secret_name = f"RestApiPassword{uuid.uuid4().hex[:6]}"
    page.goto("/portal/ief/policy-keys/new")
    page.get_by_label("Options").select_option("Manual")
    expect(page.locator("#option-generate")).to_be_hidden()
    page.get_by_label("Name").fill("bad name!")
    page.get_by_label("Secret").fill("workshop-secret")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert").filter(has_text="characters that are not allowed")) \
        .to_be_visible()
    page.screenshot(path=shots / "policy-key-add-error.png", full_page=True)
    page.get_by_label("Name").fill(secret_name)
    page.get_by_label("Secret").fill("workshop-secret")
    page.get_by_label("Key usage").select_option("Encryption")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#secret-note")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("workshop-secret")

    page.get_by_role("link", name="All policy keys").click()
    expect(page.locator(f'#policy-keys tr[data-key="B2C_1A_{secret_name}"]')).to_contain_text(
        "Encryption")
    expect(page.locator('#policy-keys tr[data-key="B2C_1A_TokenSigningKeyContainer"]')) \
        .to_contain_text("RSA")
    page.screenshot(path=shots / "policy-keys-list.png", full_page=True)

    page.locator(f'#policy-keys tr[data-key="B2C_1A_{secret_name}"] a').click()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name=f"Delete 'B2C_1A_{secret_name}'?")).to_be_visible()
    page.screenshot(path=shots / "policy-key-delete.png", full_page=True)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text(f"Policy key 'B2C_1A_{secret_name}' "
                                                       "deleted.")
    expect(page.locator(f'#policy-keys tr[data-key="B2C_1A_{secret_name}"]')).to_have_count(0)


def test_user_flow_journey_tab(page: Page, live_server, shots):
    portal_sign_in(page, live_server)
    page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
        "link", name="User flows").click()
    page.get_by_role("link", name="B2C_1_susi").click()
    page.get_by_role("navigation", name="User flow settings").get_by_role(
        "link", name="Journey").click()
    expect(page.locator("#journey-steps tbody tr")).to_have_count(4)
    expect(page.locator('#journey-steps tr[data-order="2"]')).to_contain_text(
        "Skipped when objectId exists")
    page.screenshot(path=shots / "user-flow-journey.png", full_page=True)
    page.locator("#journey-steps").screenshot(path=shots / "user-flow-journey-steps.png")
    page.locator('#journey-steps tr[data-order="2"] details summary').click()
    expect(page.locator('#journey-steps tr[data-order="2"] pre')).to_contain_text(
        "<Action>SkipThisOrchestrationStep</Action>")
    page.locator("#journey-xml summary").click()
    expect(page.locator("#journey-xml pre")).to_contain_text(
        'CpimIssuerTechnicalProfileReferenceId="JwtIssuer"')
    page.locator("#journey-xml").screenshot(path=shots / "user-flow-journey-xml.png")


_GUID = __import__("re").compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
