"""The custom policy starter pack in Chromium, as a workshop attendee does it (issue 9): add the
two policy keys and upload the LocalAccounts files in the portal, then run
``B2C_1A_signup_signin`` (sign up with e-mail verification through the mailbox, sign in, SSO,
``prompt=login``, "Forgot your password?"), ``B2C_1A_PasswordReset`` and
``B2C_1A_ProfileEdit``, and read the run's trace.

The test plays the app: it builds the authorize request, catches the redirect to the reply URL
in the browser, and redeems the code over HTTP with the rp-demo registration's secret, then
verifies the ID token against the policy's JWKS (the JwtIssuer's key container).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Page, expect

from tests.e2e.test_portal import mailbox_code, portal_sign_in
from tests.ief_starter_pack import ORDER, POLICY_IDS, prepared, require_starter_pack

pytestmark = pytest.mark.browser

TENANT = "contoso.onmicrosoft.com"
SUSI = "B2C_1A_signup_signin"
PASSWORD = "Passw0rd!-ief"


@pytest.fixture(scope="module")
def starter_pack(browser, live_server, screenshot_dir):
    """Keys added and the six LocalAccounts files uploaded through the portal, in order."""
    require_starter_pack()
    context = browser.new_context(base_url=live_server.base_url)
    page = context.new_page()
    try:
        portal_sign_in(page, live_server)
        page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
            "link", name="Identity Experience Framework").click()
        expect(page.locator("#ief-apps tr[data-app] code.client-id")).to_have_count(2)
        ids = {row.get_attribute("data-app"): row.locator("code.client-id").inner_text()
               for row in page.locator("#ief-apps tr[data-app]").all()}
        for container in ("B2C_1A_TokenSigningKeyContainer",
                          "B2C_1A_TokenEncryptionKeyContainer"):
            row = page.locator(f'#starter-pack-keys tr[data-key="{container}"]')
            if row.get_by_role("link", name="Add it").count():
                row.get_by_role("link", name="Add it").click()
                page.locator("#create-key").click()
                expect(page.get_by_role("heading", name=container)).to_be_visible(
                    timeout=30_000)
                page.goto("/portal/ief/")
        files = prepared(ids)
        for name in ORDER:
            page.locator("#ief-custom-policies").click()
            page.locator("#upload-custom-policy").click()
            page.get_by_label("Overwrite the custom policy if it already exists").check()
            page.locator("#file").set_input_files(files=[{
                "name": f"{name}.xml", "mimeType": "application/xml", "buffer": files[name]}])
            page.locator("#upload-button").click()
            expect(page.get_by_role("heading", name=POLICY_IDS[name])).to_be_visible(timeout=30_000)
        page.locator("#ief-custom-policies").click()
        for name in ORDER:  # other tests on this server may have uploaded more
            expect(page.locator(f'#custom-policies tr[data-policy="{POLICY_IDS[name]}"]')
                   ).to_have_count(1)
        page.screenshot(path=screenshot_dir / "ief-custom-policies.png", full_page=True)
    finally:
        context.close()
    return files


class App:
    """The relying party the test plays: rp-demo's registration, PKCE, code redemption."""

    def __init__(self, live_server, page: Page):
        creds = json.loads((live_server.instance_path / "rp_demo_client.json").read_text())
        self.base = live_server.base_url
        self.client_id, self.secret = creds["client_id"], creds["client_secret"]
        self.redirect_uri = f"{self.base}/rp/signin-oidc"
        self.page = page
        self.received: list[str] = []
        self.seen = 0
        # Every request the browser makes to the reply URL (Playwright's routes miss requests
        # that come from a redirect).  The sample app behind it refuses the response (the
        # state is the test's, not its own) without redeeming the code: the test does.
        page.on("request", lambda request: self.received.append(request.url)
                if request.url.startswith(self.redirect_uri + "?") else None)

    def authorize(self, policy: str = SUSI, **extra) -> None:
        self.verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(self.verifier.encode()).digest()).decode().rstrip("=")
        self.nonce = uuid.uuid4().hex
        params = {"client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "response_type": "code", "scope": "openid offline_access",
                  "code_challenge": challenge, "code_challenge_method": "S256",
                  "nonce": self.nonce, "state": "st", **extra}
        self.seen = len(self.received)
        self.page.goto(f"/{TENANT}/{policy}/oauth2/v2.0/authorize?{urlencode(params)}")

    def response(self, timeout: float = 30.0) -> dict:
        """The parameters of the response sent to the reply URL since the last authorize
        (waits for it: the browser's request events arrive while Playwright waits)."""
        deadline = time.monotonic() + timeout
        while len(self.received) <= self.seen:
            assert time.monotonic() < deadline, (
                f"no response reached the app: {self.page.url} {self.received} {self.seen}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the request events
        self.seen = len(self.received)
        return {k: v[0] for k, v in parse_qs(urlsplit(self.received[-1]).query).items()}

    def tokens(self, policy: str = SUSI, answer: dict | None = None) -> dict:
        """Redeem the code of ``answer`` (default: wait for the next response)."""
        code = (answer or self.response())["code"]
        answer = requests.post(f"{self.base}/{TENANT}/{policy}/oauth2/v2.0/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier}, auth=(self.client_id, self.secret), timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def verify(self, id_token: str, policy: str = SUSI) -> dict:
        """The ID token's claims, its signature checked against the policy's JWKS."""
        metadata = requests.get(f"{self.base}/{TENANT}/{policy}/v2.0/.well-known/"
                                "openid-configuration", timeout=10).json()
        keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
        claims = jwt.decode(id_token, keys, algorithms=["RS256"]).claims
        assert claims["iss"] == metadata["issuer"] and claims["aud"] == self.client_id
        return claims


def sign_up(page: Page, base_url: str, email: str, display_name: str = "Ann Example") -> None:
    page.get_by_role("link", name="Sign up now").click()
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Send verification code").click()
    page.locator("#verificationCode").fill(mailbox_code(base_url, email))
    page.get_by_role("button", name="Verify code").click()
    expect(page.get_by_text("E-mail address verified. You can now continue.")).to_be_visible()
    page.locator("#newPassword").fill(PASSWORD)
    page.locator("#reenterPassword").fill(PASSWORD)
    page.locator("#displayName").fill(display_name)
    page.locator("#givenName").fill("Ann")
    page.locator("#surname").fill("Example")
    page.get_by_role("button", name="Create").click()


def sign_in(page: Page, email: str, password: str = PASSWORD, button: str = "Sign in") -> None:
    page.locator("#signInName").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name=button).click()


def test_signup_signin_sso_prompt_login_and_refresh(page: Page, base_url, live_server,
                                                    starter_pack, screenshot_dir):
    app = App(live_server, page)
    email = f"ief-{uuid.uuid4().hex[:10]}@example.com"
    app.authorize()
    expect(page.locator("#signInName")).to_be_visible()
    page.screenshot(path=screenshot_dir / "ief-signup-signin.png", full_page=True)
    sign_up(page, base_url, email)
    body = app.tokens()
    claims = app.verify(body["id_token"])
    # SignUpOrSignin.xml's OutputClaims, by their OpenIdConnect partner claim types
    assert {k: claims.get(k) for k in ("name", "given_name", "family_name", "email")} == {
        "name": "Ann Example", "given_name": "Ann", "family_name": "Example", "email": email}
    metadata = requests.get(f"{base_url}/{TENANT}/{SUSI}/v2.0/.well-known/openid-configuration",
                            timeout=10).json()
    assert claims["tid"] in metadata["issuer"]  # {Policy:TenantObjectId}
    assert claims["acr"] == "b2c_1a_signup_signin" and "tfp" not in claims
    assert claims["nonce"] == app.nonce and re.fullmatch(r"[0-9a-f-]{36}", claims["sub"])

    app.authorize()  # SSO: the session covers the sign-in page
    answer = app.response()
    assert "code" in answer
    second = app.verify(app.tokens(answer=answer)["id_token"])
    assert second["sub"] == claims["sub"] and second["auth_time"] == claims["auth_time"]

    app.authorize(prompt="login")  # asks again, then a password sign-in
    expect(page.locator("#signInName")).to_be_visible()
    sign_in(page, email)
    signed_in = app.tokens()
    after_sign_in = app.verify(signed_in["id_token"])
    assert after_sign_in["sub"] == claims["sub"] and after_sign_in["name"] == "Ann Example"
    # As on B2C: the pack's sign-in reads signInNames.emailAddress, not email, so only the
    # sign-up token carries email (the classic first extension learners write).
    assert "email" not in after_sign_in

    refreshed = requests.post(f"{base_url}/{TENANT}/{SUSI}/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "refresh_token": signed_in["refresh_token"]},
        auth=(app.client_id, app.secret), timeout=10)
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != signed_in["refresh_token"]
    again = app.verify(refreshed.json()["id_token"])
    assert again["sub"] == claims["sub"] and again["name"] == "Ann Example"


def test_forgot_your_password_returns_aadb2c90118_to_the_app(page: Page, live_server,
                                                             starter_pack):
    app = App(live_server, page)
    app.authorize()
    page.get_by_role("link", name="Forgot your password?").click()
    answer = app.response()
    assert answer["error"] == "access_denied"
    assert answer["error_description"].startswith("AADB2C90118")


def test_password_reset_and_profile_edit(page: Page, base_url, live_server, starter_pack,
                                         screenshot_dir):
    app = App(live_server, page)
    email = f"ief-reset-{uuid.uuid4().hex[:10]}@example.com"
    app.authorize()
    sign_up(page, base_url, email)
    subject = app.verify(app.tokens()["id_token"])["sub"]

    app.authorize("B2C_1A_PasswordReset")
    page.locator("#email").fill(email)
    page.get_by_role("button", name="Send verification code").click()
    page.locator("#verificationCode").fill(mailbox_code(base_url, email))
    page.get_by_role("button", name="Verify code").click()
    page.get_by_role("button", name="Continue").click()
    page.locator("#newPassword").fill("N3w-Passw0rd-ie")
    page.locator("#reenterPassword").fill("N3w-Passw0rd-ie")
    page.screenshot(path=screenshot_dir / "ief-password-reset.png", full_page=True)
    page.get_by_role("button", name="Continue").click()
    reset = app.verify(app.tokens("B2C_1A_PasswordReset")["id_token"], "B2C_1A_PasswordReset")
    assert reset["sub"] == subject and reset["email"] == email
    assert reset["acr"] == "b2c_1a_passwordreset"

    app.authorize("B2C_1A_ProfileEdit", prompt="login")
    # ProfileEdit signs in on a self-asserted page (api.localaccountsignin): Continue
    sign_in(page, email, "N3w-Passw0rd-ie", button="Continue")  # the new password works
    # The pack's SelfAsserted-ProfileUpdate edits the given name and surname
    expect(page.locator("#givenName")).to_have_value("Ann")
    page.locator("#givenName").fill("Edited")
    page.screenshot(path=screenshot_dir / "ief-profile-edit.png", full_page=True)
    page.get_by_role("button", name="Continue").click()
    edited = app.verify(app.tokens("B2C_1A_ProfileEdit")["id_token"], "B2C_1A_ProfileEdit")
    assert edited["sub"] == subject and edited["acr"] == "b2c_1a_profileedit"

    app.authorize(prompt="login")  # the directory kept the edit
    sign_in(page, email, "N3w-Passw0rd-ie")
    assert app.verify(app.tokens()["id_token"])["given_name"] == "Edited"


def test_the_run_trace_lists_orchestration_steps_and_preconditions(
        page: Page, base_url, live_server, starter_pack, screenshot_dir):
    app = App(live_server, page)
    email = f"ief-trace-{uuid.uuid4().hex[:10]}@example.com"
    app.authorize()
    sign_up(page, base_url, email)
    subject = app.verify(app.tokens()["id_token"])["sub"]
    portal_sign_in(page, live_server)
    page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
        "link", name="User flow runs").click()
    page.locator("#runs tr, table tr").filter(has_text=subject).filter(
        has_text=SUSI).first.get_by_role("link").first.click()
    steps = page.locator("#journey-steps")
    expect(steps.locator('tr[data-order="1"]')).to_contain_text("CombinedSignInAndSignUp")
    expect(steps.locator('tr[data-order="2"] .preconditions')).to_have_text(
        "ClaimsExist: skip this step if objectId exists")
    expect(steps.locator('tr[data-order="4"]')).to_contain_text("SendClaims")
    trace = page.locator("#trace")
    expect(trace).to_contain_text("LocalAccountSignUpWithLogonEmail")
    expect(trace).to_contain_text("AAD-UserReadUsingObjectId")
    expect(page.locator('#claims-explained tr[data-claim="email"]')).to_contain_text(
        "in the token")
    page.screenshot(path=screenshot_dir / "ief-run-trace.png", full_page=True)


def test_the_policy_pane_and_a_refused_upload(page: Page, live_server, starter_pack,
                                              screenshot_dir):
    portal_sign_in(page, live_server)
    page.goto("/portal/ief/custom-policies/")
    page.get_by_role("link", name=SUSI, exact=True).click()
    expect(page.locator("#run-url")).to_contain_text(f"p={SUSI}")
    expect(page.locator("#policy-facts")).to_contain_text("B2C_1A_TrustFrameworkExtensions")
    page.screenshot(path=screenshot_dir / "ief-policy-pane.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#download-policy").click()
    assert download.value.suggested_filename == f"{SUSI}.xml"
    assert Path(download.value.path()).read_bytes() == starter_pack["SignUpOrSignin"]

    broken = (starter_pack["SignUpOrSignin"]
              .replace(b"B2C_1A_signup_signin", b"B2C_1A_broken")
              .replace(b"<PolicyId>B2C_1A_TrustFrameworkExtensions</PolicyId>",
                       b"<PolicyId>B2C_1A_NotUploaded</PolicyId>"))
    page.goto("/portal/ief/custom-policies/upload")
    page.locator("#file").set_input_files(files=[{
        "name": "broken.xml", "mimeType": "application/xml", "buffer": broken}])
    page.locator("#upload-button").click()
    expect(page.locator("#upload-error")).to_contain_text("Upload error for broken.xml")
    expect(page.locator("#upload-problems li")).to_contain_text("B2C_1A_NotUploaded")
    page.screenshot(path=screenshot_dir / "ief-upload-refused.png", full_page=True)
