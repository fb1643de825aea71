"""Every interactive flow type over HTTP, smart lockout, and flows that cannot run."""
import datetime as dt

from idp.extensions import db
from idp.models import DirectoryUser, Tenant, UserFlow
from idp.seed import SUSI_CONFIG
from tests.factories import PASSWORD


def add_flow(app, name, **config):
    with app.app_context():
        db.session.add(UserFlow(name=name, name_key=name.lower(),
                                flow_type=config.get("type", "signUpOrSignIn"),
                                config={**SUSI_CONFIG, **config}))
        db.session.commit()


def signed_up(flow, email):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up(email)
    assert "code" in flow.redirect_params()
    flow.client.delete_cookie("x-ms-cpim-sso")
    return rp


def test_password_reset_flow_then_sign_in_with_the_new_password(flow, app):
    add_flow(app, "B2C_1_reset", type="passwordReset")
    rp = signed_up(flow, "reset@example.com")
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_reset")
    form = "attributeVerificationForm"
    flow.submit(form, "send_code", email="reset@example.com")
    flow.submit(form, "verify_code", verificationCode=flow.mailbox_code("reset@example.com"))
    flow.submit(form, "continue")
    flow.submit(form, "continue", newPassword="Brand-N3w-pass", reenterPassword="Other-N3w-pass")
    assert "The password entry fields do not match." in flow.text
    flow.submit(form, "continue", newPassword="Brand-N3w-pass", reenterPassword="Brand-N3w-pass")
    assert "code" in flow.redirect_params()
    flow.client.delete_cookie("x-ms-cpim-sso")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_in("reset@example.com", PASSWORD)
    assert "Your password is incorrect." in flow.text
    flow.sign_in("reset@example.com", "Brand-N3w-pass")
    assert "code" in flow.redirect_params()


def test_profile_edit_uses_sso_and_saves(flow, app):
    add_flow(app, "B2C_1_edit", type="profileUpdate")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("edit@example.com")
    flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_edit")
    assert 'value="Jane Doe"' in flow.text  # straight to the edit page, prefilled
    flow.submit("attributeVerificationForm", "continue", displayName="Janet Doe")
    assert "code" in flow.redirect_params()
    with app.app_context():
        assert db.session.execute(db.select(DirectoryUser)).scalar_one().display_name == \
            "Janet Doe"


def test_ten_wrong_passwords_lock_and_the_period_ends(flow, app):
    rp = signed_up(flow, "lock@example.com")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    for attempt in range(10):
        flow.sign_in("lock@example.com", f"Wrong-{attempt}")
    locked = "Your account is temporarily locked to prevent unauthorized use. Try again later."
    assert locked in flow.text
    flow.sign_in("lock@example.com", PASSWORD)
    assert locked in flow.text
    with app.app_context():  # a minute passes
        user = db.session.execute(db.select(DirectoryUser)).scalar_one()
        user.locked_until -= dt.timedelta(seconds=61)
        db.session.commit()
    flow.sign_in("lock@example.com", PASSWORD)
    assert "code" in flow.redirect_params()


def test_lockout_threshold_is_a_tenant_setting(flow, app):
    with app.app_context():
        tenant = db.session.execute(db.select(Tenant)).scalar_one()
        tenant.settings = {"lockout_threshold": 3}
        db.session.commit()
    rp = signed_up(flow, "three@example.com")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    for attempt in range(3):
        flow.sign_in("three@example.com", f"Wrong-{attempt}")
    assert "temporarily locked" in flow.text


def test_a_flow_that_cannot_run_in_a_browser_says_why(flow, app):
    add_flow(app, "B2C_1_ropc", type="resourceOwner")
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"], policy="B2C_1_ropc")
    params = flow.redirect_params(response)
    assert params["error"] == "invalid_request"
    assert "cannot run" in params["error_description"]


def test_ropc_grant(flow, app, client):
    from tests.factories import make_app_registration
    add_flow(app, "B2C_1_ropc", type="resourceOwner")
    signed_up(flow, "ropc@example.com")
    native = make_app_registration(app, name="native", platform="public",
                                   redirect_uris=["https://login.example/native"])
    web = make_app_registration(app, name="web-no-ropc")
    data = {"grant_type": "password", "username": "ropc@example.com", "password": PASSWORD,
            "scope": f"openid {native['client_id']} offline_access",
            "client_id": native["client_id"]}
    body = flow.token(data, policy="B2C_1_ropc").get_json()
    assert {"access_token", "id_token", "refresh_token"} <= set(body)
    wrong = flow.token({**data, "password": "nope"}, policy="B2C_1_ropc").get_json()
    assert wrong["error"] == "invalid_grant"
    assert wrong["error_description"].startswith("AADB2C90225")
    not_allowed = flow.token({**data, "client_id": web["client_id"]},
                             auth=(web["client_id"], web["secret"]), policy="B2C_1_ropc")
    assert not_allowed.get_json()["error_description"].startswith("AADB2C90224")
    wrong_flow = flow.token(data).get_json()  # B2C_1_susi is not an ROPC flow
    assert wrong_flow["error"] == "unsupported_grant_type"


def test_a_blocked_account_gets_no_sso_and_no_refresh(flow, app):
    rp = flow.rp()
    body = flow.code_flow("blocked@example.com")
    with app.app_context():
        db.session.execute(db.select(DirectoryUser)).scalar_one().account_enabled = False
        db.session.commit()
    again = flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert again.status_code == 200 and 'id="signInName"' in again.get_data(as_text=True)
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"])).get_json()
    assert refreshed["error"] == "invalid_grant"
    assert refreshed["error_description"].startswith("AADB2C90111")
    flow.sign_in("blocked@example.com")
    assert "Your account has been locked." in flow.text
