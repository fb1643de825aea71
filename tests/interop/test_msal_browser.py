"""@azure/msal-browser in headless Chromium against B2C Lab over https (issue 7: SPAs).

A single-page app (tests/interop/spa/, served by the test on its own loopback origin) is
registered as a Single-page application in the portal.  msal-browser's loginRedirect takes the
browser to the B2C Lab sign-up page; the test signs up (code from the mailbox); back on the app,
msal-browser redeems the code with PKCE at the token endpoint (a cross-origin fetch: this proves
CORS) and refreshes it with acquireTokenSilent(forceRefresh).  A page on another origin cannot
read the token endpoint's answer.

Chromium trusts the server's certificate through ``--ignore-certificate-errors-spki-list`` with
the hash of that one certificate's public key (Chromium's switch for test certificates): every
other certificate is still checked, and no ``ignore_https_errors`` is needed.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.test_portal import admin_password

from .browser import jwt_claims
from .conftest import POLICY
from .node_runner import NODE_DIR
from .static_site import StaticSite

pytestmark = pytest.mark.browser

SPA_DIR = Path(__file__).resolve().parent / "spa"
MSAL_BROWSER = NODE_DIR / "node_modules" / "@azure" / "msal-browser" / "lib" / "msal-browser.min.js"
PASSWORD = "Passw0rd!spa-interop"
FLOW_TIMEOUT_MS = 30_000  # the whole redirect round trip and two token requests, on a busy CI

#: fetch() a token request from the page; a CORS refusal is a TypeError, as the Fetch spec says
FETCH = """async ({url, body, headers}) => {
    try {
        const response = await fetch(url, {method: "POST", body: new URLSearchParams(body),
                                           headers});
        return {status: response.status, body: await response.json()};
    } catch (error) {
        return {error: error.name};
    }
}"""


@dataclass(frozen=True)
class Spa:
    url: str          # the app's page, also its redirect URI
    other_url: str    # a page on an origin no app registration names
    client_id: str
    token_url: str


def spki_pin(cert_pem: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)): the form --ignore-certificate-errors-spki-list
    takes."""
    cert = x509.load_pem_x509_certificate(cert_pem.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module")
def chromium(browser_type, https_idp) -> Browser:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(or set CHROMIUM_PATH)")
    pin = spki_pin(https_idp.server.instance_path / "server.pem")
    browser = browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={pin}"])
    yield browser
    browser.close()


def register_spa(browser: Browser, https_idp, redirect_uri: str) -> str:
    """App registrations > New registration in the portal, platform Single-page application;
    returns the Application (client) ID."""
    context = browser.new_context(base_url=https_idp.base_url)
    try:
        page = context.new_page()
        page.goto("/portal/")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(admin_password(https_idp.server))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Azure AD B2C | Overview")).to_be_visible()
        page.goto("/portal/app-registrations/new")
        page.get_by_label("Name").fill(f"msal-browser-spa-{uuid.uuid4().hex[:6]}")
        page.get_by_label("Select a platform").select_option(
            label="Single-page application (SPA)")
        page.get_by_label("Redirect URI").fill(redirect_uri)
        page.get_by_role("button", name="Register").click()
        client_id = page.locator("#client-id")
        expect(client_id).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))
        return client_id.inner_text()
    finally:
        context.close()


@pytest.fixture(scope="module")
def spa(node, chromium, https_idp):
    """The SPA served on its own origin and registered in B2C Lab; another origin beside it.
    ``node`` makes sure ``npm ci`` installed msal-browser."""
    files = {"/": ("text/html", (SPA_DIR / "index.html").read_bytes()),
             "/app.js": ("text/javascript", (SPA_DIR / "app.js").read_bytes()),
             "/msal-browser.js": ("text/javascript", MSAL_BROWSER.read_bytes())}
    other = {"/other.html": ("text/html", (SPA_DIR / "other.html").read_bytes())}
    with StaticSite(files) as site, StaticSite(other) as other_site:
        redirect_uri = site.url + "/"
        client_id = register_spa(chromium, https_idp, redirect_uri)
        settings = {"clientId": client_id, "authority": https_idp.authority,
                    "knownAuthority": urlsplit(https_idp.base_url).netloc,
                    "redirectUri": redirect_uri, "scopes": [client_id]}
        files["/settings.js"] = ("text/javascript",
                                 f"window.SPA_SETTINGS = {json.dumps(settings)};".encode())
        yield Spa(redirect_uri, other_site.url + "/other.html", client_id,
                  f"{https_idp.authority}/oauth2/v2.0/token")


@pytest.fixture
def page(chromium) -> Page:
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def mailbox_code(base_url: str, address: str) -> str:
    messages = requests.get(f"{base_url}/mailbox/messages.json", params={"to": address},
                            timeout=10).json()
    return messages[0]["code"]


def sign_up(page: Page, base_url: str, email: str) -> None:
    """On the B2C Lab unified page: Sign up now, verify the e-mail, fill in, Create."""
    page.locator("#createAccount").click()
    page.locator("#email").fill(email)
    page.locator("#email_ver_but_send").click()
    expect(page.locator("#verificationCode")).to_be_visible()
    page.locator("#verificationCode").fill(mailbox_code(base_url, email))
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_msg")).to_contain_text("E-mail address verified")
    page.locator("#newPassword").fill(PASSWORD)
    page.locator("#reenterPassword").fill(PASSWORD)
    page.locator("#displayName").fill("Spa User")
    page.locator("#givenName").fill("Spa")
    page.locator("#surname").fill("User")
    page.locator("#continue").click()


def test_msal_browser_signs_up_redeems_with_pkce_and_refreshes(page, spa, https_idp):
    token_calls = []
    page.on("response", lambda r: token_calls.append(r)
            if "/oauth2/v2.0/token" in r.url.lower() and r.request.method == "POST" else None)
    page.goto(spa.url)
    expect(page.locator("#status")).to_have_text("signed out")
    page.locator("#sign-in").click()
    expect(page).to_have_url(re.compile(re.escape(https_idp.base_url) + "/"))
    email = f"spa-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(page, https_idp.base_url, email)

    status = page.locator("#status")
    expect(status).to_have_text(re.compile("signed in|failed"), timeout=FLOW_TIMEOUT_MS)
    result = json.loads(page.locator("#result").inner_text())
    assert status.inner_text() == "signed in", result
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "msal-browser-spa.png", full_page=True)

    login, refresh = result["login"], result["refresh"]
    claims = login["idTokenClaims"]
    assert claims["aud"] == spa.client_id and claims["iss"] == https_idp.issuer
    assert claims["emails"] == [email] and claims["tfp"] == POLICY
    assert claims["name"] == "Spa User" and claims["newUser"] is True
    assert jwt_claims(login["accessToken"])["aud"] == spa.client_id
    assert refresh["fromCache"] is False  # forceRefresh went to the token endpoint
    assert jwt_claims(refresh["accessToken"])["sub"] == claims["sub"]

    # What went over the wire: both grants cross-origin, each answer readable by the SPA only.
    origin = spa.url.rstrip("/")
    grants = []
    for response in token_calls:
        form = parse_qs(response.request.post_data or "")
        grants.append(form["grant_type"][0])
        assert response.status == 200, response.text()
        assert response.request.all_headers()["origin"] == origin
        assert response.all_headers()["access-control-allow-origin"] == origin
        assert "client_secret" not in form and form["client_id"] == [spa.client_id]
        if form["grant_type"] == ["authorization_code"]:
            assert form["code_verifier"], form  # PKCE
    assert grants == ["authorization_code", "refresh_token"]


def test_other_origins_cannot_read_the_token_endpoint(page, spa, https_idp):
    refresh = {"grant_type": "refresh_token", "refresh_token": "not-a-token",
               "client_id": spa.client_id}
    preflighted = {"x-client-SKU": "msal.js.browser"}  # a header that needs a preflight

    page.goto(spa.url)  # the SPA's own origin reads the answer, errors included
    for headers in ({}, preflighted):
        answer = page.evaluate(FETCH, {"url": spa.token_url, "body": refresh,
                                       "headers": headers})
        assert answer.get("status") == 400, answer
        assert answer["body"]["error"] == "invalid_grant"
    web_app = {**refresh, "client_id": https_idp.client_id}  # rp-demo, a Web app
    assert page.evaluate(FETCH, {"url": spa.token_url, "body": web_app, "headers": {}}) == {
        "error": "TypeError"}

    page.goto(spa.other_url)  # another origin: the browser refuses to hand over the answer
    for headers in ({}, preflighted):
        answer = page.evaluate(FETCH, {"url": spa.token_url, "body": refresh,
                                       "headers": headers})
        assert answer == {"error": "TypeError"}, answer
