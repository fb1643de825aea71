"""Federation errors through the runtime, each ending with nothing written to the directory:
consent denied (AADB2C90091 to the app), a provider error, a bad ID token signature, a wrong
nonce, a failing or refusing token endpoint, a forged state, an unreachable provider; a
form_post without the run's cookie; and no provider secret, code or token in the logs, the
audit log or a run.  The provider is a real HTTP server on loopback."""
from __future__ import annotations

import base64
import json

import pytest

from idp.extensions import db
from idp.models import AuditRecord, FlowTransaction, IdentityProvider

from .test_federation_runtime import (AUTHRESP, configure, id_token_claims, nothing_written,
                                      params_of, provider, reply, to_provider)  # noqa: F401


def test_consent_denied_goes_back_to_the_app_as_a_cancel(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    response = reply(flow, {"error": "access_denied", "error_reason": "user_denied",
                            "error_description": "Permissions error",
                            "state": params_of(location)["state"]})
    params = flow.redirect_params(response)
    assert params["error"] == "access_denied" and params["state"] == "st-123"
    assert params["error_description"].startswith("AADB2C90091:")
    assert provider.token_requests == [] and nothing_written(app)


@pytest.mark.parametrize("lesson, code, words", [
    ("wrong_key", "AADB2C90273", "signature"),
    ("wrong_nonce", "AADB2C90273", "nonce"),
    ("token_500", "AADB2C90275", "token endpoint"),
])
def test_broken_provider_answers_end_with_server_error(flow, app, provider, lesson, code, words):
    configure(app, provider)
    provider.lesson = lesson
    location = to_provider(flow)
    response = reply(flow, {"code": provider.consent(location),
                            "state": params_of(location)["state"]})
    params = flow.redirect_params(response)
    assert params["error"] == "server_error"
    assert params["error_description"].startswith(code) and words in params["error_description"]
    assert nothing_written(app)
    with app.app_context():
        audit = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Federate with an identity provider")).scalar_one()
        assert audit.result == "failure"


def test_provider_error_redirect(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    response = reply(flow, {"error": "server_error", "error_description": "The provider broke",
                            "state": params_of(location)["state"]})
    params = flow.redirect_params(response)
    assert params["error"] == "server_error" and "The provider broke" in params["error_description"]
    assert nothing_written(app)


def test_state_mismatch_is_refused(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    params = params_of(location)
    raw = params["state"][len("StateProperties="):]
    data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    forged = "StateProperties=" + base64.urlsafe_b64encode(json.dumps(
        {"TID": data["TID"], "RV": "guessed"}).encode()).decode().rstrip("=")
    response = reply(flow, {"code": provider.consent(location), "state": forged})
    assert flow.redirect_params(response)["error"] == "server_error"
    assert provider.token_requests == [] and nothing_written(app)
    # a state that names no run of this browser: B2C's "trouble loading your current state"
    response = flow.client.post(AUTHRESP, data={"code": "x", "state": "garbage"})
    assert response.status_code == 400 and "state" in response.get_data(as_text=True)


def test_unreachable_provider(flow, app, provider):
    configure(app, provider)
    with app.app_context():
        row = db.session.execute(db.select(IdentityProvider)).scalar_one()
        row.metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
        db.session.commit()
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    response = flow.submit("claimsProviderSelectionForm", "select", exchange="ContosoIDExchange")
    params = flow.redirect_params(response)
    assert params["error"] == "server_error" and params["error_description"].startswith(
        "AADB2C90275")
    assert nothing_written(app)


def test_a_form_post_without_the_cookie_is_posted_again_from_our_origin(flow, app, provider):
    configure(app, provider)
    location = to_provider(flow)
    state = params_of(location)["state"]
    flow.client.delete_cookie("x-ms-cpim-trans", domain="localhost")
    response = flow.client.post(AUTHRESP, data={"code": "c", "state": state})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="x-b2clab-resent"' in html
    assert nothing_written(app)


def test_no_provider_secret_code_or_token_is_logged_or_stored(flow, app, provider, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    configure(app, provider, flow_changes={"application_claims": [
        "displayName", "identityProvider", "identityProviderAccessToken", "objectId"]})
    location = to_provider(flow)
    code = provider.consent(location)
    reply(flow, {"code": code, "state": params_of(location)["state"]})
    flow.submit("attributeVerificationForm", "continue", displayName="Ann", givenName="Ann",
                surname="Lee")
    claims = id_token_claims(flow, flow.redirect_params()["code"])
    assert claims["idp_access_token"] in provider.issued  # selected: it reaches the token
    with app.app_context():
        stored = json.dumps([[tx.state, tx.trace] for tx in db.session.scalars(
            db.select(FlowTransaction))])
        audit = json.dumps([[r.activity, r.result_reason, r.additional_details] for r in db.session.scalars(
            db.select(AuditRecord))], default=str)
    secrets_met = {"client secret": provider.client_secret, "provider code": code,
                   **{f"token {n}": t for n, t in enumerate(provider.issued)}}
    for name, value in secrets_met.items():
        assert value not in caplog.text, f"{name} in the logs"
        assert value not in audit, f"{name} in the audit log"
        assert value not in stored, f"{name} in the run"  # the code row carries it, not the run
    assert "(hidden: a token)" in stored


def test_a_wrong_client_secret_is_quoted_from_the_token_endpoint(flow, app, provider):
    configure(app, provider)
    provider.client_secret = "the-provider-expects-another-one"
    location = to_provider(flow)
    response = reply(flow, {"code": provider.consent(location),
                            "state": params_of(location)["state"]})
    params = flow.redirect_params(response)
    assert params["error"] == "server_error"
    assert params["error_description"].startswith("AADB2C90273")
    assert "invalid_grant" in params["error_description"] and nothing_written(app)


def test_the_run_page_explains_an_unreachable_provider(flow, app, provider, client):
    from idp.models import AdminAccount
    from idp.store.hashing import hash_password
    from tests.portal.conftest import ADMIN_PASSWORD, AdminActions

    test_unreachable_provider(flow, app, provider)
    with app.app_context():
        account = db.session.execute(db.select(AdminAccount)).scalar_one()
        account.password_hash = hash_password(ADMIN_PASSWORD)
        db.session.commit()
        run_id = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    AdminActions(flow.client, app).login()
    response = flow.client.get(f"/portal/runs/{run_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Identity provider, Contoso ID" in html
    assert "the connection failed" in html and "127.0.0.1:9" in html
