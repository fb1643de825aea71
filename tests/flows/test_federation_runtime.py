"""Federation through the runtime: the unified page's buttons, the redirect to the provider,
the reply at ``/{tenant}.onmicrosoft.com/oauth2/authresp``, sign-up (social account sign-up
page, PostFederationSignup connector) then sign-in by the federated identity, the token's
``idp``, and every error ending with nothing written.  The provider is a real HTTP server on
loopback (tests/flows/federation_provider.py); the Flask test client plays the browser."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from idp.extensions import db
from idp.models import (ApiConnector, AuditRecord, DirectoryUser, FlowTransaction,
                        IdentityProvider, UserFlow, UserIdentity)
from idp.store.secret_box import seal
from tests import connector_server
from tests.factories import BASE

from . import federation_provider
from .federation_provider import ProviderServer

AUTHRESP = "/contoso.onmicrosoft.com/oauth2/authresp"


@pytest.fixture
def provider():
    server = ProviderServer()
    stop = federation_provider.start(server)
    yield server
    stop()


def configure(app, provider, kind="oidc", flow_changes=None) -> str:
    """Add the provider (as the Identity providers blade would) and tick it in B2C_1_susi."""
    with app.app_context():
        row = IdentityProvider(kind=kind, display_name="Contoso ID" if kind == "oidc"
                               else kind.capitalize(), client_id=provider.client_id,
                               client_secret_encrypted=seal(provider.client_secret),
                               metadata_url=provider.base + "/.well-known/openid-configuration",
                               scope="openid profile email", response_type="code",
                               response_mode="form_post", claims_mapping={})
        db.session.add(row)
        db.session.flush()
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "identity_providers": [row.id], **(flow_changes or {})}
        db.session.commit()
        return row.id


def params_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def to_provider(flow, exchange="ContosoIDExchange", **authorize_params):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], **authorize_params)
    assert exchange in flow.page.ids, flow.text[:3000]
    response = flow.submit("claimsProviderSelectionForm", "select", exchange=exchange)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.location


def reply(flow, data, method="post"):
    call = flow.client.post if method == "post" else flow.client.get
    response = call(AUTHRESP, data=data) if method == "post" else call(AUTHRESP, query_string=data)
    flow.last = response
    if response.status_code == 303 and "/api/step" in response.location:
        return flow.get(response.location)
    return response


def id_token_claims(flow, code, policy="B2C_1_susi") -> dict:
    rp = flow.rp()
    body = flow.token({"grant_type": "authorization_code", "code": code,
                       "redirect_uri": rp["redirect_uri"]},
                      auth=(rp["client_id"], rp["secret"]), policy=policy).get_json()
    payload = body["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def nothing_written(app) -> bool:
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count()).select_from(DirectoryUser)) == 0
                and db.session.scalar(db.select(db.func.count()).select_from(UserIdentity)) == 0)


def test_unified_page_shows_b2cs_social_buttons(flow, app, provider):
    configure(app, provider)
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    html = flow.text
    assert '<div class="claims-provider-list-buttons social"' in html
    assert 'class="accountButton firstButton claims-provider-selection" id="ContosoIDExchange"' \
        in html
    assert "Sign in with your social account" in html
    assert "localAccountForm" in flow.page.forms  # the local account form is still there


def test_oidc_sign_up_then_sign_in(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    params = params_of(location)
    assert location.startswith(provider.base + "/authorize?")
    assert params["redirect_uri"] == BASE + AUTHRESP
    assert params["response_mode"] == "form_post" and params["nonce"]
    assert params["scope"] == "openid profile email"
    reply(flow, {"code": provider.consent(location), "state": params["state"]})
    # the social account sign-up page, prefilled from the mapped claims
    fields = flow.page.forms["attributeVerificationForm"]["fields"]
    assert fields["displayName"] == "Ann Lee" and fields["givenName"] == "Ann"
    assert fields["surname"] == "Lee"
    assert nothing_written(app)
    [token_request] = provider.token_requests
    assert token_request["client_secret"] == provider.client_secret
    assert token_request["redirect_uri"] == BASE + AUTHRESP
    flow.submit("attributeVerificationForm", "continue", displayName="Ann L.", givenName="Ann",
                surname="Lee")
    claims = id_token_claims(flow, flow.redirect_params()["code"])
    assert claims["idp"] == provider.base and claims["newUser"] is True
    assert claims["name"] == "Ann L." and claims["given_name"] == "Ann"
    assert claims["emails"] == ["ann.lee@example.com"]
    with app.app_context():
        identity = db.session.execute(db.select(UserIdentity)).scalar_one()
        assert (identity.sign_in_type, identity.issuer, identity.issuer_assigned_id) == (
            "federated", provider.base, "persona-sub-1")
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditRecord).filter_by(
            activity="Federate with an identity provider")) == 1
        issued = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Issue an authorization code to the application")).scalar_one()
        assert issued.additional_details["IdentityProviderName"] == provider.base
        trace = db.session.execute(db.select(FlowTransaction)).scalars().first().trace
    shown = json.dumps(trace)
    assert '"kind": "federation"' in shown and "mapped_claims" in shown
    assert provider.issued and not any(token in shown for token in provider.issued)

    # later: straight in (prompt=login, so the SSO session does not short-cut it)
    location = to_provider(flow, prompt="login")
    params = params_of(location)
    reply(flow, {"code": provider.consent(location), "state": params["state"]})
    claims = id_token_claims(flow, flow.redirect_params()["code"])
    assert claims["idp"] == provider.base and "newUser" not in claims
    assert claims["name"] == "Ann L."  # from the directory
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DirectoryUser)) == 1


def test_facebook_kind_uses_dialog_access_token_and_me(flow, app, provider):
    app.config["IDP_PRACTICE_FACEBOOK_URL"] = provider.base
    configure(app, provider, kind="facebook")
    location = to_provider(flow, exchange="FacebookExchange")
    params = params_of(location)
    assert location.startswith(provider.base + "/dialog/oauth?")
    assert params["response_type"] == "code" and "nonce" not in params
    assert params["scope"] == "openid profile email"
    reply(flow, {"code": provider.consent(location), "state": params["state"]}, method="get")
    assert provider.me_requests == [{"fields": "id,first_name,last_name,name,email"}]
    flow.submit("attributeVerificationForm", "continue", displayName="Ann Lee", givenName="Ann",
                surname="Lee")
    claims = id_token_claims(flow, flow.redirect_params()["code"])
    assert claims["idp"] == "facebook.com"
    with app.app_context():
        identity = db.session.execute(db.select(UserIdentity)).scalar_one()
        assert (identity.issuer, identity.issuer_assigned_id) == ("facebook.com", "1000001")


def test_post_federation_signup_connector_gets_the_federated_identity(flow, app, provider):
    connector = connector_server.ConnectorServer()
    url, stop = connector_server.start(connector)
    try:
        with app.app_context():
            row = ApiConnector(display_name="prefill", endpoint_url=url, auth_type="basic",
                               username="lab", secret_encrypted=seal("pw"), timeout_seconds=2)
            db.session.add(row)
            db.session.commit()
            connector_id = row.id
        configure(app, provider, flow_changes={"api_connectors": {
            "PostFederationSignup": connector_id}})
        connector.answer(200, {"version": "1.0.0", "action": "Continue",
                               "displayName": "Prefilled by the API"})
        location = to_provider(flow)
        reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
        [call] = connector.received
        body = call["json"]
        assert body["identities"] == [{"signInType": "federated", "issuer": provider.base,
                                       "issuerAssignedId": "persona-sub-1"}]
        assert body["step"] == "PostFederationSignup" and body["email"] == "ann.lee@example.com"
        assert body["givenName"] == "Ann" and "objectId" not in body
        fields = flow.page.forms["attributeVerificationForm"]["fields"]
        assert fields["displayName"] == "Prefilled by the API"
        assert nothing_written(app)

        connector.answer(200, {"version": "1.0.0", "action": "ShowBlockPage",
                               "userMessage": "Not from that provider, sorry."})
        location = to_provider(flow, prompt="login")
        reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
        assert "Not from that provider, sorry." in flow.text
        assert nothing_written(app)
    finally:
        stop()


def test_social_only_flow_shows_buttons_only(flow, app, provider):
    configure(app, provider, flow_changes={"local_account_type": "none"})
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert "ContosoIDExchange" in flow.page.ids
    assert "localAccountForm" not in flow.page.forms


def test_single_sign_on_after_a_federated_sign_in_keeps_the_idp(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
    flow.submit("attributeVerificationForm", "continue", displayName="Ann", givenName="Ann",
                surname="Lee")
    first = id_token_claims(flow, flow.redirect_params()["code"])
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"])  # the SSO session covers it
    claims = id_token_claims(flow, flow.redirect_params(response)["code"])
    assert claims["sub"] == first["sub"] and claims["idp"] == provider.base
    assert len(provider.token_requests) == 1  # no second round trip to the provider


def test_profile_edit_after_a_federated_sign_in(flow, app, provider):
    configure(app, provider)
    with app.app_context():
        susi = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        edit = db.session.execute(db.select(UserFlow).filter_by(
            name_key="b2c_1_profile_edit")).scalar_one()
        edit.config = {**edit.config, "identity_providers": susi.config["identity_providers"]}
        db.session.commit()
    location = to_provider(flow)
    reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
    flow.submit("attributeVerificationForm", "continue", displayName="Ann", givenName="Ann",
                surname="Lee")
    # a new browser: Edit profile asks which account, then shows the directory's values
    flow.client.delete_cookie("x-ms-cpim-sso", domain="localhost")
    location = to_provider(flow, policy="B2C_1_profile_edit")
    reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
    fields = flow.page.forms["attributeVerificationForm"]["fields"]
    assert fields["displayName"] == "Ann"
    flow.submit("attributeVerificationForm", "continue", displayName="Ann Edited",
                givenName="Ann", surname="Lee")
    claims = id_token_claims(flow, flow.redirect_params()["code"], policy="B2C_1_profile_edit")
    assert claims["name"] == "Ann Edited" and claims["idp"] == provider.base


def test_domain_hint_skips_the_sign_in_page(flow, app, provider):
    app.config["IDP_PRACTICE_FACEBOOK_URL"] = provider.base
    configure(app, provider, kind="facebook")
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], domain_hint="facebook.com")
    assert response.status_code == 303
    assert response.location.startswith(provider.base + "/dialog/oauth?")
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], domain_hint="other.example")
    assert response.status_code == 200 and "FacebookExchange" in flow.page.ids


def test_the_runs_trace_shows_the_provider_round_trip(flow, app, provider):
    from tests.portal.conftest import ADMIN_PASSWORD, AdminActions
    from idp.models import AdminAccount
    from idp.store.hashing import hash_password

    configure(app, provider)
    location = to_provider(flow)
    reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
    flow.submit("attributeVerificationForm", "continue", displayName="Ann", givenName="Ann",
                surname="Lee")
    with app.app_context():
        account = db.session.execute(db.select(AdminAccount)).scalar_one()
        account.password_hash = hash_password(ADMIN_PASSWORD)
        db.session.commit()
        run_id = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    AdminActions(flow.client, app).login()
    html = flow.client.get(f"/portal/runs/{run_id}").get_data(as_text=True)
    for profile in ("ContosoID-OpenIdConnect", "AAD-UserReadUsingAlternativeSecurityId-NoError",
                    "SelfAsserted-Social"):
        assert profile in html
    assert "Identity provider, Contoso ID" in html and "persona-sub-1" in html
    assert "mapped_claims" in html and provider.issued
    assert not any(token in html for token in provider.issued)


def test_sign_up_flow_offers_email_signup_and_the_providers(flow, app, provider):
    provider_id = configure(app, provider)
    with app.app_context():
        susi = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        db.session.add(UserFlow(name="B2C_1_signup", name_key="b2c_1_signup", flow_type="signUp",
                                config={**susi.config, "type": "signUp",
                                        "identity_providers": [provider_id]}))
        db.session.commit()
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_signup")
    assert {"SignUpWithLogonEmailExchange", "ContosoIDExchange"} <= flow.page.ids
    assert "Email signup" in flow.text and "localAccountForm" not in flow.page.forms
    response = flow.submit("claimsProviderSelectionForm", "select",
                           exchange="SignUpWithLogonEmailExchange")
    assert response.status_code in (200, 303)
    assert "attributeVerificationForm" in flow.page.forms and "newPassword" in flow.text
    # and through the provider
    location = to_provider(flow, policy="B2C_1_signup")
    reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
    flow.submit("attributeVerificationForm", "continue", displayName="Ann", givenName="Ann",
                surname="Lee")
    claims = id_token_claims(flow, flow.redirect_params()["code"], policy="B2C_1_signup")
    assert claims["idp"] == provider.base and claims["newUser"] is True


def test_before_creating_the_user_sees_the_federated_identity(flow, app, provider):
    connector = connector_server.ConnectorServer()
    url, stop = connector_server.start(connector)
    try:
        with app.app_context():
            row = ApiConnector(display_name="check", endpoint_url=url, auth_type="basic",
                               username="lab", secret_encrypted=seal("pw"), timeout_seconds=2)
            db.session.add(row)
            db.session.commit()
            connector_id = row.id
        configure(app, provider, flow_changes={"api_connectors": {
            "PostAttributeCollection": connector_id}})
        connector.answer(400, {"version": "1.0.0", "status": 400, "action": "ValidationError",
                               "userMessage": "Use your full name."})
        location = to_provider(flow)
        reply(flow, {"code": provider.consent(location), "state": params_of(location)["state"]})
        flow.submit("attributeVerificationForm", "continue", displayName="A", givenName="Ann",
                    surname="Lee")
        [call] = connector.received
        assert call["json"]["step"] == "PostAttributeCollection"
        assert call["json"]["identities"] == [{"signInType": "federated",
                                               "issuer": provider.base,
                                               "issuerAssignedId": "persona-sub-1"}]
        assert "Use your full name." in flow.text and nothing_written(app)
        connector.answer(200, {"version": "1.0.0", "action": "Continue"})
        flow.submit("attributeVerificationForm", "continue", displayName="Ann Lee",
                    givenName="Ann", surname="Lee")
        assert flow.redirect_params()["code"] and not nothing_written(app)
    finally:
        stop()


def test_back_from_the_provider_shows_the_sign_in_page_again(flow, app, provider):
    configure(app, provider)
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    unified = flow.page
    page_url = unified.forms["claimsProviderSelectionForm"]["action"]
    response = flow.submit("claimsProviderSelectionForm", "select", exchange="ContosoIDExchange")
    assert response.status_code == 303  # off to the provider; the person presses Back
    # Back to the page from the browser's cache: its form (step 0) applies once more
    flow.page = unified
    response = flow.submit("claimsProviderSelectionForm", "select", exchange="ContosoIDExchange")
    assert response.status_code == 303 and response.location.startswith(provider.base)
    # Back with the page fetched again: the sign-in page, not the provider once more
    back = flow.get(page_url)
    assert back.status_code == 200 and "ContosoIDExchange" in flow.page.ids
    assert "localAccountForm" in flow.page.forms
    # the cached page's form still works: a local sign-up link, or the provider again
    flow.page = unified
    again = flow.submit("claimsProviderSelectionForm", "select", exchange="ContosoIDExchange")
    assert again.status_code == 303 and again.location.startswith(provider.base)
    with app.app_context():
        trace = db.session.execute(db.select(FlowTransaction)).scalar_one().trace
    assert any(t["status"] == "abandoned" for t in trace)
    assert nothing_written(app)
