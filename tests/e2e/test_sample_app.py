"""The sample app's other pages in Chromium (Edit profile, Reset password, Forgot your
password? -> AADB2C90118 -> reset, Refresh, Call API) and its protected API's refusals."""
from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PASSWORD = "Passw0rd!-sample"


def mailbox_code(base_url: str, address: str) -> str:
    return requests.get(f"{base_url}/mailbox/messages.json", params={"to": address},
                        timeout=10).json()[0]["code"]


def verify(page: Page, base_url: str, email: str) -> None:
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Send verification code").click()
    page.locator("#verificationCode").fill(mailbox_code(base_url, email))
    page.get_by_role("button", name="Verify code").click()
    expect(page.get_by_text("E-mail address verified. You can now continue.")).to_be_visible()


def sign_up(page: Page, base_url: str, email: str) -> None:
    page.goto("/rp/")
    page.locator("#signin-button").click()
    page.get_by_role("link", name="Sign up now").click()
    verify(page, base_url, email)
    page.locator("#newPassword").fill(PASSWORD)
    page.locator("#reenterPassword").fill(PASSWORD)
    page.locator("#displayName").fill("Sample User")
    page.locator("#givenName").fill("Sample")
    page.locator("#surname").fill("User")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(f"{base_url}/rp/claims")


def claim(page: Page, name: str):
    return page.locator(f'#claims tr[data-claim="{name}"] td.value')


def test_call_api_edit_profile_refresh(page: Page, base_url):
    email = f"sample-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(page, base_url, email)
    page.locator("#call-api").click()
    expect(page.locator("#api-status")).to_have_text("200")
    expect(page.locator("#api-result")).to_contain_text('"scp": "demo.read"')

    page.locator("#edit-profile").click()
    expect(page.locator("#displayName")).to_have_value("Sample User")  # SSO: straight to edit
    page.locator("#displayName").fill("Renamed User")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#message")).to_have_text("Your profile was updated.")
    expect(claim(page, "name")).to_have_text("Renamed User")
    expect(claim(page, "tfp")).to_have_text("B2C_1_profile_edit")

    page.locator("#refresh-tokens").click()
    expect(page.locator("#message")).to_contain_text("Tokens refreshed")


def test_forgot_password_starts_the_reset_flow_then_sign_in(page: Page, base_url):
    email = f"forgot-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(page, base_url, email)
    page.locator("#signout").click()
    page.locator("#signin-button").click()
    page.get_by_role("link", name="Forgot your password?").click()
    # B2C_1_susi has no self-service password reset: the app got AADB2C90118 and started
    # B2C_1_password_reset.
    expect(page.locator("#api")).to_have_attribute("data-content-definition",
                                                  "api.localaccountpasswordreset")
    verify(page, base_url, email)
    page.get_by_role("button", name="Continue").click()
    page.locator("#newPassword").fill("weak")
    page.locator("#reenterPassword").fill("weak")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".newPassword_li .error")).to_contain_text("between 8 and 64")
    page.locator("#newPassword").fill("N3w-Passw0rd!")
    page.locator("#reenterPassword").fill("N3w-Passw0rd!")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#message")).to_have_text("Your password was reset. You are signed in.")
    page.locator("#signout").click()
    page.locator("#signin-button").click()
    page.locator("#signInName").fill(email)
    page.locator("#password").fill("N3w-Passw0rd!")
    page.locator("#next").click()
    expect(page).to_have_url(f"{base_url}/rp/claims")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def api_context(live_server):
    base = live_server.base_url
    creds = json.loads((live_server.instance_path / "rp_demo_client.json").read_text())
    metadata = requests.get(f"{base}/contoso.onmicrosoft.com/B2C_1_susi/v2.0/"
                            ".well-known/openid-configuration", timeout=10).json()
    return base, creds, metadata


def call(base: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{base}/rp/api/claims", headers=headers, timeout=10)


def test_api_refuses_missing_and_forged_tokens(api_context):
    base, creds, metadata = api_context
    missing = call(base, None)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    now = 1_800_000_000
    claims = {"iss": metadata["issuer"], "aud": creds["client_id"], "scp": "demo.read",
              "exp": now * 2, "nbf": 0, "sub": "attacker"}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert call(base, unsigned).status_code == 401
    real_kid = requests.get(metadata["jwks_uri"], timeout=10).json()["keys"][0]["kid"]
    substitute = RSAKey.generate_key(2048)  # the attacker's key, claiming the tenant's kid
    forged = jwt.encode({"alg": "RS256", "kid": real_kid}, claims, substitute)
    refused = call(base, forged)
    assert refused.status_code == 401 and 'error="invalid_token"' in \
        refused.headers["WWW-Authenticate"]
    with_own_jwk = jwt.encode({"alg": "RS256", "jwk": substitute.as_dict(private=False)},
                              claims, substitute)
    assert call(base, with_own_jwk).status_code == 401


def test_api_needs_the_scope(api_context):
    base, creds, _metadata = api_context
    app_only = requests.post(
        f"{base}/contoso.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "scope": f"{creds['client_id']}/.default"},
        auth=(creds["client_id"], creds["client_secret"]), timeout=10).json()["access_token"]
    response = call(base, app_only)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
