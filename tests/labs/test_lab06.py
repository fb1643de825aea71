"""Lab 06 (social identity providers): the prefill API answers B2C's PostFederationSignup call
from the customer records and shows what it received; ``labs solve 06`` configures the practice
Google with the very credentials its developer console shows, and ``labs reset`` removes it.

The walk in Chromium (tests/e2e/labs) proves the rest end to end: the practice Google, the
claims mapping, the prefilled social sign-up page and the two tokens compared."""
from __future__ import annotations

import pytest

from idp.extensions import db
from idp.models import IdentityProvider, UserFlow
from idp.store.identity_providers import client_secret, set_client_secret
from labs.lab06_social_identity_providers import prefill, web
from labs.lab06_social_identity_providers.lab import FLOW, PROVIDER
from practice_idps.mount import practice_apps
from tests.factories import BASE

FEDERATED = {"signInType": "federated", "issuer": f"{BASE}/practice/google",
             "issuerAssignedId": "159933702485234117404"}


def body(email: str | None = "chen.wei@example.org", **extra) -> dict:
    request = {"identities": [FEDERATED], "displayName": "Chen Wei", "givenName": "Wei",
               "surname": "Chen", "step": "PostFederationSignup", "client_id": "c",
               "ui_locales": "en-US", **extra}
    if email:
        request["email"] = email
    return request


@pytest.fixture
def lab_app(tmp_path):
    return web.create_app({"IDP_URL": BASE, "TENANT": "contoso", "DATA_DIR": str(tmp_path),
                           "PUBLIC_URL": f"{BASE}/labs/social"}).test_client()


def test_a_known_customer_gets_city_and_job_title(lab_app):
    response = lab_app.post(web.CONNECTOR_PATH, json=body("Chen.Wei@example.org"),
                            headers={"Authorization": "Basic ZHVtbXk6ZHVtbXk="})
    assert response.status_code == 200
    assert list(response.json.items()) == [("version", "1.0.0"), ("action", "Continue"),
                                           ("city", "Singapore"), ("jobTitle", "Data engineer")]


@pytest.mark.parametrize("request_body, why", [
    (body("someone@example.com"), "not in the customer records"),
    (body(None), "No e-mail in the request"),
    (body(step="PostAttributeCollection"), "this connector belongs at"),
])
def test_otherwise_it_continues_with_nothing_and_says_why(lab_app, request_body, why):
    response = lab_app.post(web.CONNECTOR_PATH, json=request_body)
    assert response.status_code == 200
    assert response.json == {"version": "1.0.0", "action": "Continue"}
    page = lab_app.get("/").get_data(as_text=True)
    assert why in page


def test_a_body_that_is_not_a_json_object_is_refused(lab_app):
    for data in ("not json", "[1, 2]"):
        response = lab_app.post(web.CONNECTOR_PATH, data=data,
                                headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and response.json["status"] == 400
    assert "None yet" in lab_app.get("/").get_data(as_text=True)


def test_the_page_shows_the_records_and_the_last_requests_newest_first(lab_app):
    page = lab_app.get("/").get_data(as_text=True)
    assert all(email in page for email in prefill.CUSTOMER_RECORDS)
    assert "None yet" in page and f"{BASE}/labs/social/api/prefill" in page
    for number in range(web.KEEP_CALLS + 2):
        lab_app.post(web.CONNECTOR_PATH, json=body(f"user{number}@example.com"))
    lab_app.post(web.CONNECTOR_PATH, json=body())
    page = lab_app.get("/").get_data(as_text=True)
    assert page.count('class="call"') == web.KEEP_CALLS
    last = page.split('id="last-request"')[1].split('class="call"')[0]
    assert "chen.wei@example.org is a known customer" in last
    assert f"federated identity from <code>{BASE}/practice/google</code>" in last
    assert "&#34;signInType&#34;: &#34;federated&#34;" in last or '"signInType"' in last
    assert "user0@example.com" not in page  # the oldest were dropped


def test_solve_uses_the_credentials_the_practice_console_shows(runner, app):
    before = runner.invoke(args=["labs", "check", "06"]).output
    assert f"[ ] OpenID Connect identity provider {PROVIDER}" in before
    assert runner.invoke(args=["labs", "solve", "06"]).exit_code == 0
    console = practice_apps(public_url=BASE, tenant="contoso",
                            instance_path=app.instance_path)["/practice/google"]
    shown = console.test_client().get("/developers/app.json").json
    with app.app_context():
        provider = db.session.execute(db.select(IdentityProvider).filter_by(
            display_name=PROVIDER)).scalar_one()
        assert provider.kind == "oidc" and provider.client_id == shown["client_id"]
        assert client_secret(provider) == shown["client_secret"]
        assert provider.metadata_url == f"{BASE}/practice/google/.well-known/openid-configuration"
        flow = db.session.execute(db.select(UserFlow).filter_by(
            name_key=FLOW.lower())).scalar_one()
        assert flow.config["identity_providers"] == [provider.id]
        assert flow.config["api_connectors"]["PostFederationSignup"]


def test_check_notices_a_wrong_secret_and_reset_removes_the_provider(runner, app):
    runner.invoke(args=["labs", "solve", "06"])
    with app.app_context():
        provider = db.session.execute(db.select(IdentityProvider)).scalar_one()
        set_client_secret(provider, "GOCSPX-typo")
        db.session.commit()
    assert "Lab 06: not done. Next: Identity providers > + New OpenID Connect provider" in \
        runner.invoke(args=["labs", "check", "06"]).output
    assert runner.invoke(args=["labs", "reset", "--yes"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(db.select(IdentityProvider)).first() is None


def test_check_wants_a_user_who_signed_in_with_google_and_solve_makes_one(runner, app):
    from idp.models import DirectoryUser, UserIdentity
    from practice_idps.personas import SEEDED

    assert runner.invoke(args=["labs", "solve", "06"]).exit_code == 0
    with app.app_context():  # configured, but nobody has signed in with Google yet
        db.session.execute(db.delete(UserIdentity))
        db.session.execute(db.delete(DirectoryUser))
        db.session.commit()
    output = runner.invoke(args=["labs", "check", "06"]).output
    assert f"[ ] a user who signed in with {PROVIDER}" in output
    assert "Lab 06: not done. Next: Run the user flow, choose Google" in output

    assert runner.invoke(args=["labs", "solve", "06"]).exit_code == 0
    assert runner.invoke(args=["labs", "solve", "06"]).exit_code == 0  # no second account
    chen = next(p for p in SEEDED["google"] if p.email == "chen.wei@example.org")
    with app.app_context():
        identities = db.session.execute(db.select(UserIdentity).filter_by(
            sign_in_type="federated")).scalars().all()
        assert [(i.issuer, i.issuer_assigned_id) for i in identities] == [
            (f"{BASE}/practice/google", chen.id)]
        assert identities[0].user.display_name == "Chen Wei"
    output = runner.invoke(args=["labs", "check", "06"]).output
    assert f"[x] a user who signed in with {PROVIDER}" in output
    assert "Lab 06: done." in output


def test_a_local_account_or_another_issuer_does_not_count(runner, app):
    from idp.models import DirectoryUser, UserIdentity

    runner.invoke(args=["labs", "solve", "06"])
    with app.app_context():
        identity = db.session.execute(db.select(UserIdentity).filter_by(
            sign_in_type="federated")).scalar_one()
        identity.issuer = "https://accounts.google.com"  # the real Google, not this provider
        db.session.commit()
        assert db.session.execute(db.select(DirectoryUser)).first() is not None
    assert f"[ ] a user who signed in with {PROVIDER}" in \
        runner.invoke(args=["labs", "check", "06"]).output
