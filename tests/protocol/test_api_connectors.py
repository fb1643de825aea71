"""API connectors in the runtime (b2c-reference §1): every contract case through a sign-up with
a real HTTP connector on loopback, the request body field by field, nothing written for a
blocked or invalid sign-up, and Before sending the token never on refresh."""
import base64

import pytest

from idp.extensions import db
from idp.models import ApiConnector, AuditRecord, DirectoryUser, FlowTransaction, UserAttribute, \
    UserFlow
from idp.store.attributes import extensions_app_id
from idp.store.secret_box import seal
from tests.connector_server import ConnectorServer, start

EMAIL = "conn@example.com"


@pytest.fixture
def connector(app):
    server = ConnectorServer()
    url, stop = start(server)
    with app.app_context():
        db.session.add(UserAttribute(name="InvitationCode", name_key="invitationcode"))
        row = ApiConnector(display_name="redeem", endpoint_url=url, auth_type="basic",
                           username="lab", secret_encrypted=seal("s3cret"), timeout_seconds=1)
        db.session.add(row)
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config,
                       "user_attributes": [{"claim": "displayName", "order": 1},
                                           {"claim": "givenName", "order": 2, "optional": True},
                                           {"claim": "surname", "order": 3},
                                           {"claim": "extension_InvitationCode", "order": 4,
                                            "optional": True}],
                       "application_claims": [*flow.config["application_claims"],
                                              "extension_InvitationCode", "postalCode"],
                       "api_connectors": {"PostAttributeCollection": row.id}}
        db.session.commit()
        server.connector_id, server.ext = row.id, extensions_app_id().replace("-", "")
    yield server
    stop()


def sign_up(flow, code="ABCDEFGHIJ"):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], ui_locales="en-GB")
    flow.follow_link("createAccount")
    form = "attributeVerificationForm"
    flow.submit(form, "send_code", email=EMAIL)
    flow.submit(form, "verify_code", verificationCode=flow.mailbox_code(EMAIL))
    return flow.submit(form, "continue", newPassword="Passw0rd!x", reenterPassword="Passw0rd!x",
                       displayName="Conn", givenName="", surname="Ector",
                       extension_InvitationCode=code)


def users(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(DirectoryUser))


def test_continue_overrides_and_the_request_body_is_b2c_shaped(flow, app, connector):
    connector.answer(200, {"version": "1.0.0", "action": "Continue", "postalCode": "12349",
                           "extension_InvitationCode": "OVERRIDDEN"})
    sign_up(flow)
    assert "code" in flow.redirect_params()
    [call] = connector.received
    assert call["json"] == {
        "email": EMAIL,
        "identities": [{"signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com",
                        "issuerAssignedId": EMAIL}],
        "displayName": "Conn", "surname": "Ector",
        f"extension_{connector.ext}_InvitationCode": "ABCDEFGHIJ",
        "step": "PostAttributeCollection", "client_id": flow.rp()["client_id"],
        "ui_locales": "en-GB"}  # givenName was empty: omitted
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(b"lab:s3cret").decode()
    with app.app_context():
        user = db.session.execute(db.select(DirectoryUser)).scalar_one()
        assert user.attributes["extension_InvitationCode"] == "OVERRIDDEN"
        assert "postalCode" not in user.attributes  # not a User attribute of the flow: not stored
        activities = db.session.scalars(db.select(AuditRecord).filter_by(
            activity="An API was called as part of a user flow")).all()
        assert activities[0].additional_details["numberOfAttempts"] == 1
        trace = db.session.execute(db.select(FlowTransaction)).scalar_one().trace
        calls = [c for t in trace for c in t.get("calls", [])]
        assert calls[0]["verdict"] == "continue" and calls[0]["status"] == 200


def test_validation_error_stays_on_the_form_and_writes_nothing(flow, app, connector):
    connector.answer(400, {"version": "1.0.0", "status": 400, "action": "ValidationError",
                           "userMessage": "Your invitation code is invalid."})
    sign_up(flow)
    assert "Your invitation code is invalid." in flow.text
    assert 'id="attributeVerificationForm"' in flow.text and users(app) == 0
    connector.answer(200, {"version": "1.0.0", "action": "Continue"})
    flow.submit("attributeVerificationForm", "continue", newPassword="Passw0rd!x",
                reenterPassword="Passw0rd!x", displayName="Conn", surname="Ector",
                extension_InvitationCode="GOODCODE12")
    assert "code" in flow.redirect_params() and users(app) == 1


def test_show_block_page_ends_on_the_block_page(flow, app, connector):
    connector.answer(200, {"version": "1.0.0", "action": "ShowBlockPage",
                           "userMessage": "Sign-ups are closed."})
    response = sign_up(flow)
    assert response.status_code == 200 and "Sign-ups are closed." in flow.text
    assert 'id="blockPage"' in flow.text and users(app) == 0


@pytest.mark.parametrize("status,body,code", [
    (400, {"version": "1.0.0", "action": "ValidationError", "userMessage": "x"}, "BadRequest"),
    (200, {"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "x"},
     "200"),
    (200, {"action": "Continue"}, "200"),
    (200, "not json", "200"),
    (500, {"error": "boom"}, "InternalServerError"),
])
def test_contract_violations_show_aadb2c90075(flow, app, connector, status, body, code):
    connector.answer(status, body)
    response = sign_up(flow)
    text = flow.text
    assert response.status_code >= 400 or "AADB2C90075" in text
    assert "AADB2C90075: The claims exchange &#39;PreUserWriteRestful&#39;" in text
    assert users(app) == 0


def test_timeout_then_one_retry(flow, app, connector):
    connector.answer(200, {"version": "1.0.0", "action": "Continue"}, delay=1.5)
    sign_up(flow)
    assert "AADB2C90075" in flow.text and users(app) == 0
    assert len(connector.received) == 2  # the first try timed out after 1 s, then one retry
    with app.app_context():
        record = db.session.scalars(db.select(AuditRecord).filter_by(
            activity="An API was called as part of a user flow")).one()
        assert record.result == "failure" and record.additional_details["numberOfAttempts"] == 2


def test_before_sending_the_token_adds_claims_but_not_on_refresh(flow, app, connector):
    from joserfc import jwt
    from joserfc.jwk import KeySet
    with app.app_context():
        flow_row = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow_row.config = {**flow_row.config,
                           "api_connectors": {"PreTokenIssuance": connector.connector_id}}
        db.session.commit()
    connector.answer(200, {"version": "1.0.0", "action": "Continue",
                           "extension_InvitationCode": "FROM-API", "email": "x@evil.example"})
    body = flow.code_flow(EMAIL)
    [call] = connector.received
    assert call["json"]["step"] == "PreTokenIssuance" and call["json"]["objectId"]
    keys = KeySet.import_key_set(flow.client.get(
        "/contoso.onmicrosoft.com/B2C_1_susi/discovery/v2.0/keys").get_json())
    claims = jwt.decode(body["id_token"], keys).claims
    assert claims["extension_InvitationCode"] == "FROM-API"
    assert claims["emails"] == [EMAIL]  # email cannot be overridden
    rp = flow.rp()
    flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
               auth=(rp["client_id"], rp["secret"]))
    assert len(connector.received) == 1  # never called on refresh


def test_the_run_trace_shows_the_call(flow, app, connector, client):
    from tests.portal.conftest import AdminActions, ADMIN_PASSWORD
    from idp.models import AdminAccount
    from idp.store.hashing import hash_password
    connector.answer(400, {"version": "1.0.0", "status": 400, "action": "ValidationError",
                           "userMessage": "Nope."})
    sign_up(flow)
    with app.app_context():
        db.session.execute(db.select(AdminAccount)).scalar_one().password_hash = \
            hash_password(ADMIN_PASSWORD)
        db.session.commit()
        run_id = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    AdminActions(client, app).login()
    html = client.get(f"/portal/runs/{run_id}").get_data(as_text=True)
    assert 'class="connector-call" data-verdict="validation"' in html
    assert "B2C would treat this as ValidationError" in html and "HTTP 400" in html
