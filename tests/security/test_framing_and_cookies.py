"""Framing (RFC 9700 §4.16), cookies (ASVS V3.4.1-V3.4.3) and a new session at sign-in (V3.2.1).

Every IdP response forbids framing twice (CSP ``frame-ancestors 'none'`` and ``X-Frame-Options:
DENY``); in the sample app only the front-channel logout page may be framed, and only by the
IdP's origin.  Every cookie the IdP and the sample app set is HttpOnly and SameSite, and Secure
once the public URL is https (real TLS: tests/interop/test_https_mode.py::
test_sample_app_signs_in_with_secure_cookies).  The SSO cookie is new at every sign-in
(tests/protocol/test_sessions.py::test_sign_in_issues_a_new_session_cookie); the portal session
is replaced at admin sign-in (here).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from http.cookies import SimpleCookie

import pytest
from flask import request_finished

from idp import create_app
from labs.mount import lab_apps
from tests.factories import FlowDriver, make_app_registration, policy_url
from tests.portal.conftest import AdminActions
from tests.security.conftest import make_rp_app, sample_url, set_admin_password

HTTPS = "https://localhost:5000"


def _frame_ancestors(response) -> str | None:
    match = re.search(r"frame-ancestors ([^;]+)", response.headers.get("Content-Security-Policy",
                                                                        ""))
    return match.group(1).strip() if match else None


def test_no_idp_response_may_be_framed(app, client, admin, flow):
    """Every GET rule of the IdP (as an admin, with a flow in progress), plus the answers that
    are not pages: the token endpoint's JSON, an error page, a 404."""
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    responses = {rule.rule: client.get(sample_url(rule)) for rule in app.url_map.iter_rules()
                 if "GET" in rule.methods}
    responses["token"] = flow.token({"grant_type": "authorization_code", "code": "x"})
    responses["404"] = client.get("/no/such/page")
    assert len(responses) >= 70
    for name, response in responses.items():
        response.close()  # a streamed download holds its request context until closed
        assert _frame_ancestors(response) == "'none'", (name, response.status_code)
        assert response.headers.get("X-Frame-Options") == "DENY", name


def test_custom_pages_keep_frame_ancestors_none(app, flow, custom_pages):
    from tests.flows.test_custom_pages import UNIFIED, unified
    custom_pages[UNIFIED] = (200, "text/html", '<div id="api"></div>')
    unified(app)
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert 'id="api"' in response.get_data(as_text=True)  # the custom page was used
    assert _frame_ancestors(response) == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_only_the_sample_apps_front_channel_logout_page_may_be_framed_by_the_idp(tmp_path):
    rp_app = make_rp_app(tmp_path)
    client = rp_app.test_client()
    framable = {}
    for rule in rp_app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            response = client.get(sample_url(rule))
            framable[rule.rule] = _frame_ancestors(response)
    assert framable.pop("/signout-oidc") == "http://localhost:5000"  # the IdP origin only
    assert framable and set(framable.values()) == {"'none'"}, framable


def test_no_lab_app_page_may_be_framed(tmp_path):
    """The lab apps are served on the IdP's origin (/labs/...): their pages are as framable as
    the IdP's would be."""
    apps = lab_apps(idp_url="http://localhost:5000", tenant="contoso", instance_path=tmp_path,
                    public_url="http://localhost:5000")
    for mount, lab_app in apps.items():
        client = lab_app.test_client()
        pages = [rule for rule in lab_app.url_map.iter_rules()
                 if "GET" in rule.methods and rule.endpoint != "static"]
        assert pages, mount
        for rule in pages:
            response = client.get(sample_url(rule))
            if response.mimetype == "text/html":
                assert _frame_ancestors(response) == "'none'", (mount, rule.rule)


@contextmanager
def set_cookies(flask_app):
    """Collects every Set-Cookie header ``flask_app`` sends while the block runs."""
    seen: list[SimpleCookie] = []

    def record(sender, response, **_extra):
        for header in response.headers.getlist("Set-Cookie"):
            seen.append((header, SimpleCookie(header)))
    request_finished.connect(record, flask_app)
    try:
        yield seen
    finally:
        request_finished.disconnect(record, flask_app)


def _check(seen, *, secure: bool) -> set[str]:
    names = set()
    for header, cookie in seen:
        [(name, morsel)] = cookie.items()
        names.add(name)
        if not morsel.value and morsel["max-age"] == "0":
            continue  # a deletion carries no value to protect
        assert morsel["httponly"], header
        assert morsel["samesite"].lower() in ("lax", "strict"), header
        assert bool(morsel["secure"]) is secure, header
    return names


@pytest.mark.parametrize("public_url", ["http://localhost:5000", HTTPS])
def test_idp_cookies_are_httponly_samesite_and_secure_under_https(public_url, tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://",
                      "IDP_PUBLIC_URL": public_url, "IDP_BCRYPT_ROUNDS": 4})
    set_admin_password(app)
    client = app.test_client()
    registration = make_app_registration(app)
    flow = FlowDriver(client, app)
    with set_cookies(app) as seen:
        flow.authorize(registration["client_id"], registration["redirect_uri"])
        flow.sign_up("cookies@example.com")
        assert "code" in flow.redirect_params()
        AdminActions(client, app).login()
        AdminActions(client, app).logout()
    names = _check(seen, secure=public_url.startswith("https://"))
    assert {"idp_session", "x-ms-cpim-sso", "x-ms-cpim-trans", "x-ms-cpim-mfa"} <= names, names


@pytest.mark.parametrize("public_url", ["http://localhost:5000", HTTPS])
def test_sample_app_cookies_are_httponly_samesite_and_secure_under_https(public_url, tmp_path):
    rp_app = make_rp_app(tmp_path, public_url=public_url)
    with set_cookies(rp_app) as seen:
        rp_app.test_client().get("/signout-callback-oidc")  # sets the session (a message)
    assert _check(seen, secure=public_url.startswith("https://")) == {"rp_session"}


def test_lab_app_cookies_are_httponly_samesite_and_secure_under_https(tmp_path):
    apps = lab_apps(idp_url=HTTPS, tenant="contoso", instance_path=tmp_path, public_url=HTTPS)
    for mount, lab_app in apps.items():
        if not lab_app.secret_key:  # a lab app without a session sets no cookie at all
            with pytest.raises(RuntimeError, match="secret key"):
                with lab_app.test_request_context("/"):
                    from flask import session
                    session["x"] = 1
            continue
        config = lab_app.config
        assert config["SESSION_COOKIE_HTTPONLY"], mount
        assert config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict"), mount
        assert config["SESSION_COOKIE_SECURE"], f"{mount}: session cookie not Secure over https"


# --- a new session at sign-in ------------------------------------------------------------------

def test_admin_sign_in_replaces_the_portal_session(app, client):
    set_admin_password(app)
    client.get("/portal/sign-in")
    with client.session_transaction() as session:  # what an attacker planted before sign-in
        session["planted"] = "by-the-attacker"
    before = client.get_cookie("idp_session").value
    assert AdminActions(client, app).login().status_code == 303
    after = client.get_cookie("idp_session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id")
    fixed = app.test_client()  # the attacker's copy of the pre-sign-in cookie
    fixed.set_cookie("idp_session", before, domain="localhost")
    assert fixed.get("/portal/").status_code == 302


def test_a_signed_out_sso_cookie_cannot_be_replayed(app, client, flow):
    """ASVS V3.3.1 for the user flows: logout revokes the SSO session on the server."""
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("replay@example.com")
    stolen = client.get_cookie("x-ms-cpim-sso").value
    assert len(stolen) >= 22  # at least 128 bits (ASVS V3.2.2 asks for 64)
    client.get(policy_url("oauth2/v2.0/logout"))
    replay = FlowDriver(app.test_client(), app)
    replay.client.set_cookie("x-ms-cpim-sso", stolen, domain="localhost")
    replay.authorize(rp["client_id"], rp["redirect_uri"])
    assert replay.last.status_code == 200 and 'id="signInName"' in replay.text
