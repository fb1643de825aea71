"""Single sign-on and logout (OIDC conformance ``oidcc-prompt-login``,
``oidcc-prompt-none-logged-in``, ``oidcc-max-age-1``; RP-Initiated Logout §2-3)."""
import datetime as dt
from urllib.parse import parse_qs, urlsplit

from idp.extensions import db
from idp.models import SsoSession
from tests.factories import BASE, policy_url


def signed_up(flow, email="sso@example.com"):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up(email)
    params = flow.redirect_params()
    assert "code" in params
    return rp


def test_second_authorize_signs_in_without_a_page(flow):
    rp = signed_up(flow)
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], state="second")
    params = flow.redirect_params(response)
    assert "code" in params and params["state"] == "second"


def test_prompt_none_with_a_session_returns_a_code(flow):
    rp = signed_up(flow)
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="none")
    assert "code" in flow.redirect_params(response)


def test_prompt_login_asks_again(flow):
    rp = signed_up(flow)
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="login")
    assert response.status_code == 200 and 'id="signInName"' in response.get_data(as_text=True)


def test_max_age_compares_with_the_last_authentication(flow, app):
    rp = signed_up(flow)
    with app.app_context():  # the user signed in 100 seconds ago
        session = db.session.execute(db.select(SsoSession)).scalar_one()
        session.auth_time -= 100
        db.session.commit()
    fresh_enough = flow.authorize(rp["client_id"], rp["redirect_uri"], max_age="1000")
    assert "code" in flow.redirect_params(fresh_enough)
    too_old = flow.authorize(rp["client_id"], rp["redirect_uri"], max_age="50")
    assert too_old.status_code == 200 and 'id="signInName"' in too_old.get_data(as_text=True)


def test_sign_in_issues_a_new_session_cookie(flow, client):
    rp = signed_up(flow)
    first = client.get_cookie("x-ms-cpim-sso").value
    flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="login")
    flow.sign_in("sso@example.com")
    assert client.get_cookie("x-ms-cpim-sso").value != first


def test_logout_clears_the_session_and_returns_with_state(flow, client):
    rp = signed_up(flow)
    response = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc", "state": "bye"})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.location).query)["state"] == ["bye"]
    assert client.get_cookie("x-ms-cpim-sso") is None
    after = flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert after.status_code == 200 and 'id="signInName"' in after.get_data(as_text=True)


def test_logout_refuses_an_unregistered_redirect(flow, client):
    signed_up(flow)
    response = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "post_logout_redirect_uri": "https://evil.example/"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert "You have signed out." in html and "https://evil.example/" in html


def test_logout_with_a_forged_id_token_hint_is_refused(client):
    forged = "eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0."
    response = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "id_token_hint": forged, "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert response.status_code == 400 and "AADB2C90208" in response.get_data(as_text=True)


def _second_flow(app, name, sso_scope):
    from idp.models import UserFlow
    from idp.seed import SUSI_CONFIG
    with app.app_context():
        db.session.add(UserFlow(name=name, name_key=name.lower(), flow_type="signUpOrSignIn",
                                config={**SUSI_CONFIG, "properties": {"sso_scope": sso_scope}}))
        db.session.commit()


def test_sso_scope_policy_prompts_in_another_flow(flow, app):
    _second_flow(app, "B2C_1_policy", "Policy")
    rp = signed_up(flow)
    other = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_policy")
    assert other.status_code == 200 and 'id="signInName"' in other.get_data(as_text=True)


def test_sso_scope_tenant_shares_the_session_across_flows(flow, app):
    _second_flow(app, "B2C_1_tenant", "Tenant")
    rp = signed_up(flow)
    other = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_tenant")
    assert "code" in flow.redirect_params(other)


def test_sso_scope_suppressed_always_prompts(flow, app):
    _second_flow(app, "B2C_1_suppressed", "Suppressed")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_suppressed")
    flow.sign_up("suppressed@example.com")
    again = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_suppressed")
    assert again.status_code == 200 and 'id="signInName"' in again.get_data(as_text=True)


def test_sso_scope_application_prompts_for_another_app(flow, app):
    from tests.factories import make_app_registration
    _second_flow(app, "B2C_1_app", "Application")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_app")
    flow.sign_up("appscope@example.com")
    other = make_app_registration(app, name="other-app")
    response = flow.authorize(other["client_id"], other["redirect_uri"], policy="B2C_1_app")
    assert response.status_code == 200 and 'id="signInName"' in response.get_data(as_text=True)
    same = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_app")
    assert "code" in flow.redirect_params(same)


def _set_props(app, **props):
    from idp.models import UserFlow
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "properties": {**flow.config.get("properties", {}),
                                                     **props}}
        db.session.commit()


def _session_expiry(app):
    with app.app_context():
        return db.session.execute(db.select(SsoSession).filter(
            SsoSession.revoked_at.is_(None))).scalar_one().expires_at


def test_rolling_session_is_extended_by_each_sso_sign_in(flow, app):
    _set_props(app, session_lifetime_minutes=15, session_timeout="Rolling")
    rp = signed_up(flow, "rolling@example.com")
    with app.app_context():  # ten minutes pass
        row = db.session.execute(db.select(SsoSession)).scalar_one()
        row.expires_at -= dt.timedelta(minutes=10)
        db.session.commit()
    before = _session_expiry(app)
    assert "code" in flow.redirect_params(flow.authorize(rp["client_id"], rp["redirect_uri"]))
    assert _session_expiry(app) > before + dt.timedelta(minutes=9)


def test_absolute_session_expires_at_its_lifetime(flow, app):
    _set_props(app, session_lifetime_minutes=15, session_timeout="Absolute")
    rp = signed_up(flow, "absolute@example.com")
    before = _session_expiry(app)
    assert "code" in flow.redirect_params(flow.authorize(rp["client_id"], rp["redirect_uri"]))
    assert _session_expiry(app) == before  # not extended
    with app.app_context():  # the 15 minutes are over
        row = db.session.execute(db.select(SsoSession)).scalar_one()
        row.expires_at = row.created_at - dt.timedelta(seconds=1)
        db.session.commit()
    again = flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert again.status_code == 200 and 'id="signInName"' in again.get_data(as_text=True)


def test_require_id_token_in_logout(flow, app, client):
    _set_props(app, require_id_token_in_logout=True)
    body = flow.code_flow("logout-hint@example.com")
    missing = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert missing.status_code == 400 and "AADB2C90272" in missing.get_data(as_text=True)
    unregistered = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "id_token_hint": body["id_token"], "post_logout_redirect_uri": "https://evil.example/"})
    assert "Location" not in unregistered.headers
    assert "is not a registered redirect URI" in " ".join(
        unregistered.get_data(as_text=True).split())
    registered = client.get(policy_url("oauth2/v2.0/logout"), query_string={
        "id_token_hint": body["id_token"], "state": "s",
        "post_logout_redirect_uri": f"{BASE}/rp/signout-callback-oidc"})
    assert registered.status_code == 303 and registered.location.endswith("state=s")


def test_keep_me_signed_in_makes_a_persistent_longer_session(flow, app, client):
    _set_props(app, keep_me_signed_in=True, keep_me_signed_in_days=30)
    rp = signed_up(flow, "kmsi@example.com")
    client.delete_cookie("x-ms-cpim-sso")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert 'id="rememberMe"' in flow.text and "Keep me signed in" in flow.text
    response = flow.submit("localAccountForm", signInName="kmsi@example.com",
                           password="Passw0rd!lab", rememberMe="on")
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("x-ms-cpim-sso="))
    assert "Max-Age=2592000" in cookie  # 30 days: survives closing the browser
    with app.app_context():
        newest = db.session.execute(db.select(SsoSession).order_by(
            SsoSession.id.desc())).scalars().first()
        assert newest.expires_at > newest.created_at + dt.timedelta(days=29)


def test_without_keep_me_signed_in_the_cookie_ends_with_the_browser(flow, app, client):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert 'id="rememberMe"' not in flow.text
    response = flow.sign_up("nokmsi@example.com")
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("x-ms-cpim-sso="))
    assert "Max-Age" not in cookie and "Expires" not in cookie
