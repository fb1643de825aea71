"""The user-flow pages over HTTP: CSRF, browser binding, B2C messages, nothing half-written."""
from idp.extensions import db
from idp.models import AuditRecord, DirectoryUser, FlowTransaction
from tests.factories import PASSWORD


def start(flow):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    return rp


def test_sign_up_then_sign_in_with_wrong_and_right_password(flow, app):
    start(flow)
    flow.sign_up("pages@example.com")
    assert "code" in flow.redirect_params()
    flow.client.delete_cookie("x-ms-cpim-sso")
    start(flow)
    flow.sign_in("pages@example.com", "WrongPassw0rd!")
    assert "Your password is incorrect." in flow.text
    flow.sign_in("PAGES@example.com", PASSWORD)  # sign-in names are case-insensitive
    assert "code" in flow.redirect_params()
    with app.app_context():
        activities = [r.activity for r in db.session.execute(db.select(AuditRecord)).scalars()]
    assert "A self-service sign-up request was completed" in activities
    assert activities.count("Validate local account credentials") == 2


def test_post_without_csrf_token_is_refused(flow, client):
    start(flow)
    form = flow.page.forms["localAccountForm"]
    data = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
    response = client.post(form["action"], data={**data, "signInName": "a@b.c",
                                                 "password": "x"})
    assert response.status_code == 400


def test_a_transaction_only_continues_in_its_own_browser(flow, app):
    start(flow)
    action = flow.page.forms["localAccountForm"]["action"]
    other = app.test_client()
    response = other.get(action)
    assert response.status_code == 400 and "AADB2C90046" in response.get_data(as_text=True)


def test_duplicate_account_writes_nothing(flow, app):
    start(flow)
    flow.sign_up("dup@example.com")
    flow.client.delete_cookie("x-ms-cpim-sso")
    start(flow)
    flow.sign_up("DUP@example.com")
    assert "A user with the specified ID already exists." in flow.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(DirectoryUser)).scalar() == 1


def test_too_long_password_is_a_message_not_a_crash(flow, app):
    start(flow)
    long_password = "Aa1!" + "é" * 40
    flow.sign_up("long@example.com", password=long_password)
    assert "at most 72 bytes" in flow.text
    with app.app_context():
        assert db.session.execute(db.select(DirectoryUser)).first() is None


def test_sign_in_with_an_over_long_password_is_just_wrong(flow):
    start(flow)
    flow.sign_up("ok@example.com")
    flow.client.delete_cookie("x-ms-cpim-sso")
    start(flow)
    flow.sign_in("ok@example.com", "x" * 100)
    assert "Your password is incorrect." in flow.text


def test_cancel_sign_up_returns_aadb2c90091(flow):
    rp = start(flow)
    flow.follow_link("createAccount")
    response = flow.submit("attributeVerificationForm", "cancel")
    params = flow.redirect_params(response)
    assert params["error"] == "access_denied"
    assert params["error_description"].startswith("AADB2C90091")
    assert response.location.startswith(rp["redirect_uri"])


def test_forgot_password_returns_aadb2c90118(flow):
    start(flow)
    response = flow.follow_link("forgotPassword")
    assert flow.redirect_params(response)["error_description"].startswith("AADB2C90118")


def test_no_password_is_stored_in_the_run(flow, app):
    start(flow)
    flow.sign_up("secret@example.com", password="Unique-Passw0rd-77")
    with app.app_context():
        rows = db.session.execute(db.select(FlowTransaction)).scalars().all()
        assert rows and all("Unique-Passw0rd-77" not in repr((r.state, r.trace, r.request))
                            for r in rows)
        assert rows[0].status == "completed"
        assert [t["order"] for t in rows[0].trace] == [1, 2, 3, 4]


def test_stale_page_submission_shows_the_current_page(flow, client):
    start(flow)
    form = flow.page.forms["localAccountForm"]
    response = client.post(form["action"], data={**form["fields"], "step": "7"})
    assert response.status_code == 200 and 'id="signInName"' in response.get_data(as_text=True)
