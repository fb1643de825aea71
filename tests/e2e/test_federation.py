"""Social and federated sign-in in Chromium, over real HTTP between sites:

- the practice Facebook and Google served by the live server (``/practice/...``): sign up
  (provider sign-in page, consent, B2C Lab's social account sign-up page), then sign in again
  straight through; the ID token's ``idp`` and mapped claims;
- generic OpenID Connect federation between two B2C Lab instances: tenant A trusts tenant B
  through B's real discovery document; a person signs up at B (e-mail verified through B's
  mailbox) and is federated into A.

Each run uses a user flow of its own (``B2C_1_social_*``) and the ``webapp1`` registration,
whose reply URL is the token viewer (/jwt), as "Run user flow" does.  The tenant's rows are
written with an app on the server's own database and instance folder (same SECRET_KEY), as the
Identity providers blade would write them.
"""
from __future__ import annotations

import secrets
import sys
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Page, expect

from tests.factories import make_app_registration

from .conftest import free_port, start_server
from .test_sign_up_sign_in import mailbox_code

pytestmark = pytest.mark.browser

TENANT = "contoso.onmicrosoft.com"


def server_app(server):
    """An app on ``server``'s database and instance folder (its SECRET_KEY seals secrets)."""
    from idp import create_app

    database = server.database_url or f"sqlite:///{server.instance_path / 'b2clab.sqlite3'}"
    return create_app({"INSTANCE_PATH": str(server.instance_path), "DATABASE_URL": database,
                       "IDP_PUBLIC_URL": server.base_url, "IDP_AUTO_MIGRATE": False,
                       "IDP_BCRYPT_ROUNDS": 4})


def add_flow_with_provider(server, *, kind: str, name: str, client_id: str, secret: str,
                           metadata_url: str | None = None, local: str = "email") -> str:
    """An identity provider (as the blade adds it) ticked in a new sign-up-or-sign-in flow."""
    from idp.extensions import db
    from idp.models import IdentityProvider, UserFlow
    from idp.seed import SUSI_CONFIG
    from idp.store.secret_box import seal

    app = server_app(server)
    flow_name = f"B2C_1_social_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        row = db.session.execute(db.select(IdentityProvider).filter_by(
            display_name=name)).scalar_one_or_none()  # names are unique in the blade
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        row = IdentityProvider(kind=kind, display_name=name, client_id=client_id,
                               client_secret_encrypted=seal(secret), metadata_url=metadata_url,
                               scope={"facebook": "email public_profile",
                                      "google": "openid profile email"}.get(kind, "openid"),
                               response_type="code", response_mode="form_post",
                               claims_mapping={})
        db.session.add(row)
        db.session.flush()
        config = {**SUSI_CONFIG, "identity_providers": [row.id], "local_account_type": local}
        db.session.add(UserFlow(name=flow_name, name_key=flow_name.lower(),
                                flow_type="signUpOrSignIn", config=config))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return flow_name


def run_user_flow(page: Page, server, flow_name: str, **extra) -> str:
    """Open the flow as Run user flow does (webapp1, id_token to /jwt); returns the nonce."""
    base_url = server.base_url
    nonce = secrets.token_urlsafe(12)
    query = {"client_id": webapp1(server), "response_type": "id_token", "nonce": nonce,
             "redirect_uri": f"{base_url}/jwt", "scope": "openid", "response_mode": "fragment",
             **extra}
    page.goto(f"{base_url}/{TENANT}/{flow_name}/oauth2/v2.0/authorize?{urlencode(query)}")
    return nonce


def webapp1(server) -> str:
    """webapp1's client id (seeded: reply URL /jwt, ID tokens for implicit flow enabled)."""
    from idp.extensions import db
    from idp.models import AppRegistration

    app = server_app(server)
    with app.app_context():
        client_id = db.session.execute(db.select(AppRegistration.client_id).filter_by(
            name="webapp1")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return client_id


def watch_replies(page: Page) -> list[str]:
    """Every redirect Location the browser follows (the token viewer clears the fragment from
    the address bar once it has read it, so the test reads the redirect itself)."""
    locations: list[str] = []
    page.on("response", lambda response: locations.append(response.headers.get("location", ""))
            if "/jwt#" in response.headers.get("location", "") else None)
    return locations


def id_token_from(page: Page, locations: list[str], base_url: str, nonce: str) -> dict:
    """The ID token sent to /jwt, verified against the tenant's JWKS (signature, nonce)."""
    page.wait_for_url(f"{base_url}/jwt**", timeout=20000)
    expect(page.locator("body")).to_contain_text("nonce")  # the viewer decoded it
    assert locations, "no redirect to /jwt was seen"
    fragment = parse_qs(urlsplit(locations.pop()).fragment)
    assert "id_token" in fragment, fragment
    jwks = requests.get(f"{base_url}/{TENANT}/B2C_1_susi/discovery/v2.0/keys", timeout=10).json()
    claims = jwt.decode(fragment["id_token"][0], KeySet.import_key_set(jwks)).claims
    assert claims["nonce"] == nonce
    return claims


def practice_app(base_url: str, kind: str) -> dict:
    return requests.get(f"{base_url}/practice/{kind}/developers/app.json", timeout=10).json()


@pytest.mark.parametrize("kind, button, issuer", [("facebook", "#FacebookExchange", "facebook.com"),
                                                   ("google", "#GoogleExchange", "google.com")])
def test_practice_provider_sign_up_then_sign_in(page: Page, live_server, screenshot_dir, kind,
                                                button, issuer):
    base = live_server.base_url
    creds = practice_app(base, kind)
    flow = add_flow_with_provider(live_server, kind=kind, name=kind.capitalize(),
                                  client_id=creds["client_id"], secret=creds["client_secret"])
    email = f"{kind}-{uuid.uuid4().hex[:10]}@example.com"
    replies = watch_replies(page)

    nonce = run_user_flow(page, live_server, flow)
    expect(page.locator(button)).to_be_visible()
    expect(page.locator(".claims-provider-list-buttons.social")).to_contain_text(
        "Sign in with your social account")
    page.screenshot(path=screenshot_dir / f"federation-{kind}-unified.png", full_page=True)
    page.locator(button).click()
    expect(page.locator("#persona-new")).to_be_visible()  # the provider's own sign-in page
    page.locator("#first_name").fill("Fede")
    page.locator("#last_name").fill("Rated")
    page.locator("#email").fill(email)
    page.locator("#persona-new").click()
    page.locator("#allow").click()
    # back at B2C Lab: the social account sign-up page, prefilled from the mapped claims
    expect(page.locator("#attributeVerificationForm")).to_be_visible()
    expect(page.locator("#givenName")).to_have_value("Fede")
    expect(page.locator("#surname")).to_have_value("Rated")
    expect(page.locator("#displayName")).to_have_value("Fede Rated")
    page.screenshot(path=screenshot_dir / f"federation-{kind}-social-sign-up.png",
                    full_page=True)
    page.locator("#displayName").fill("Fede R.")
    page.locator("#continue").click()
    claims = id_token_from(page, replies, base, nonce)
    assert claims["idp"] == issuer and claims["newUser"] is True
    assert claims["name"] == "Fede R." and claims["given_name"] == "Fede"
    assert claims["family_name"] == "Rated" and claims["emails"] == [email]

    # Later: the same person signs in straight through (prompt=login skips the SSO session).
    nonce = run_user_flow(page, live_server, flow, prompt="login")
    page.locator(button).click()
    page.locator("#first_name").fill("Fede")
    page.locator("#last_name").fill("Rated")
    page.locator("#email").fill(email)
    page.locator("#persona-new").click()
    page.locator("#allow").click()
    again = id_token_from(page, replies, base, nonce)
    assert again["sub"] == claims["sub"] and again["idp"] == issuer
    assert "newUser" not in again and again["name"] == "Fede R."


def test_consent_denied_at_the_practice_provider(page: Page, live_server, screenshot_dir):
    """On a social-only flow (local accounts None): the page shows the button alone."""
    base = live_server.base_url
    creds = practice_app(base, "facebook")
    flow = add_flow_with_provider(live_server, kind="facebook", name="Facebook",
                                  client_id=creds["client_id"], secret=creds["client_secret"],
                                  local="none")
    replies = watch_replies(page)
    run_user_flow(page, live_server, flow)
    expect(page.locator("#FacebookExchange")).to_be_visible()
    expect(page.locator("#localAccountForm")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "federation-social-only.png", full_page=True)
    page.locator("#FacebookExchange").click()
    page.locator("#persona-1").click()
    page.locator("#cancel").click()
    page.wait_for_url(f"{base}/jwt**", timeout=20000)
    fragment = parse_qs(urlsplit(replies[-1]).fragment)
    assert fragment["error"] == ["access_denied"]
    assert fragment["error_description"][0].startswith("AADB2C90091")


@pytest.fixture(scope="module")
def tenant_b(tmp_path_factory):
    """A second B2C Lab on its own port and database: the OpenID Connect provider.  Its public
    URL is on 127.0.0.1, another host than A's localhost, as two tenants are: the browser keeps
    their cookies apart (cookies ignore ports), and B's form_post back to A is cross-site."""
    port = free_port()
    server = start_server(tmp_path_factory.mktemp("tenant_b"), [sys.executable, "app.py"],
                          port, public_url=f"http://127.0.0.1:{port}")
    yield server
    server.stop()


def test_generic_oidc_federation_between_two_instances(page: Page, live_server, tenant_b,
                                                       screenshot_dir):
    a, b = live_server.base_url, tenant_b.base_url
    b_public = b.replace("localhost", "127.0.0.1")
    # At B: an app registration for tenant A, whose redirect URI is A's federation reply URL.
    b_app = server_app(tenant_b)
    registration = make_app_registration(b_app, name="tenant-a-federation",
                                         redirect_uris=[f"{a}/{TENANT}/oauth2/authresp"])
    with b_app.app_context():
        from idp.extensions import db

        db.session.remove()
        db.engine.dispose()  # close this process's connections to B's database
    # At A: B as an OpenID Connect provider, through B's discovery document.
    discovery = f"{b}/{TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration"
    flow = add_flow_with_provider(live_server, kind="oidc", name="Tenant B",
                                  client_id=registration["client_id"],
                                  secret=registration["secret"], metadata_url=discovery)
    b_issuer = requests.get(discovery, timeout=10).json()["issuer"]
    email, password = f"fed-{uuid.uuid4().hex[:10]}@example.com", "Passw0rd!-" + uuid.uuid4().hex[:6]
    replies = watch_replies(page)

    nonce = run_user_flow(page, live_server, flow)
    page.locator("#TenantBExchange").click()
    # At B: its own unified page; sign up there with a verified e-mail.
    page.wait_for_url(f"{b_public}/**")
    page.locator("#createAccount").click()
    page.locator("#email").fill(email)
    page.locator("#email_ver_but_send").click()
    page.locator("#verificationCode").fill(mailbox_code(b, email))
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_msg")).to_contain_text("verified")
    page.locator("#newPassword").fill(password)
    page.locator("#reenterPassword").fill(password)
    page.locator("#displayName").fill("Bea Bee")
    page.locator("#givenName").fill("Bea")
    page.locator("#surname").fill("Bee")
    page.locator("#continue").click()
    # Back at A (form_post from B): A's social account sign-up page, prefilled from B's token.
    page.wait_for_url(f"{a}/**")
    expect(page.locator("#displayName")).to_have_value("Bea Bee")
    expect(page.locator("#givenName")).to_have_value("Bea")
    page.screenshot(path=screenshot_dir / "federation-oidc-two-instances.png", full_page=True)
    page.locator("#continue").click()
    claims = id_token_from(page, replies, a, nonce)
    assert claims["idp"] == b_issuer and claims["newUser"] is True
    assert claims["name"] == "Bea Bee" and claims["family_name"] == "Bee"

    # Signing in again: B's session signs the person in there, A finds the account.
    nonce = run_user_flow(page, live_server, flow, prompt="login")
    page.locator("#TenantBExchange").click()
    again = id_token_from(page, replies, a, nonce)
    assert again["sub"] == claims["sub"] and "newUser" not in again


def users_with_email(server, email: str) -> int:
    """How many accounts of ``server``'s directory carry ``email`` (nothing written: 0)."""
    from idp.extensions import db
    from idp.models import DirectoryUser

    app = server_app(server)
    with app.app_context():
        count = sum(1 for user in db.session.scalars(db.select(DirectoryUser))
                    if email in (user.attributes or {}).get("otherMails", []))
        db.session.remove()
        db.engine.dispose()
    return count


@pytest.mark.parametrize("kind, lesson, error, code", [
    ("google", "bad_signature", "server_error", "AADB2C90273"),
    ("google", "wrong_nonce", "server_error", "AADB2C90273"),
    ("facebook", "provider_error", "server_error", "AADB2C90273"),
    # Facebook answers its HTTP 500 with a Graph error object: quoted as an invalid response
    ("facebook", "token_500", "server_error", "AADB2C90273"),
    ("google", "deny", "access_denied", "AADB2C90091"),
])
def test_the_practice_providers_error_lessons(page: Page, live_server, kind, lesson, error,
                                              code):
    base = live_server.base_url
    creds = practice_app(base, kind)
    flow = add_flow_with_provider(live_server, kind=kind, name=kind.capitalize(),
                                  client_id=creds["client_id"], secret=creds["client_secret"])
    email = f"lesson-{uuid.uuid4().hex[:10]}@example.com"
    replies = watch_replies(page)
    run_user_flow(page, live_server, flow)
    page.locator(f"#{kind.capitalize()}Exchange").click()
    page.locator("#lesson").select_option(lesson)
    page.locator("#first_name").fill("Les")
    page.locator("#last_name").fill("Son")
    page.locator("#email").fill(email)
    page.locator("#persona-new").click()
    if lesson not in ("deny", "provider_error"):  # those answer before the consent page
        page.locator("#allow").click()
    page.wait_for_url(f"{base}/jwt**", timeout=20000)
    fragment = parse_qs(urlsplit(replies[-1]).fragment)
    assert fragment["error"] == [error], fragment
    assert fragment["error_description"][0].startswith(code), fragment
    assert users_with_email(live_server, email) == 0


def test_the_sample_app_signs_in_with_a_practice_provider(page: Page, live_server,
                                                          screenshot_dir):
    """Nothing special for the sample app: B2C_1_susi ticks the practice Google for this test
    (and is put back afterwards, so the other tests see the seeded flow)."""
    from idp.extensions import db
    from idp.models import UserFlow

    base = live_server.base_url
    creds = practice_app(base, "google")
    scratch_flow = add_flow_with_provider(live_server, kind="google", name="Google",
                                          client_id=creds["client_id"],
                                          secret=creds["client_secret"])
    app = server_app(live_server)
    with app.app_context():
        provider_ids = db.session.execute(db.select(UserFlow).filter_by(
            name_key=scratch_flow.lower())).scalar_one().config["identity_providers"]
        susi = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        seeded = dict(susi.config)
        susi.config = {**seeded, "identity_providers": provider_ids}
        db.session.commit()
    try:
        email = f"rp-{uuid.uuid4().hex[:10]}@example.com"
        page.goto(f"{base}/rp/")
        page.locator("#signin-button").click()
        page.locator("#GoogleExchange").click()
        page.locator("#first_name").fill("Sam")
        page.locator("#last_name").fill("Ple")
        page.locator("#email").fill(email)
        page.locator("#persona-new").click()
        page.locator("#allow").click()
        page.locator("#continue").click()  # the social account sign-up page, prefilled
        expect(page).to_have_url(f"{base}/rp/claims")
        expect(page.locator('#claims tr[data-claim="idp"] td.value')).to_contain_text(
            "google.com")
        expect(page.locator('#claims tr[data-claim="given_name"] td.value')).to_have_text("Sam")
        page.screenshot(path=screenshot_dir / "federation-sample-app-claims.png", full_page=True)
    finally:
        with app.app_context():
            susi = db.session.execute(db.select(UserFlow).filter_by(
                name_key="b2c_1_susi")).scalar_one()
            susi.config = seeded
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
