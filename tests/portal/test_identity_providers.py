"""Identity providers blade: the local account types with the user flows that use each, the
tenant default for new user flows (changed, audited, bad values refused), the provider list
(Local account first) and the providers B2C Lab does not offer.  Facebook, Google and OpenID
Connect providers: tests/portal/test_identity_providers_forms.py."""
from __future__ import annotations

import pytest

from idp.extensions import db
from idp.models import AuditRecord, Tenant, UserFlow

PAGE = "/portal/identity-providers/"
ACTION = "/portal/identity-providers/local-account"


def tenant_settings(app) -> dict:
    with app.app_context():
        return dict(db.session.execute(db.select(Tenant)).scalar_one().settings or {})


def audits(app) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(
            activity="Update identity provider")).scalars())


def test_page_shows_local_account_types_with_their_flows(admin, client, app):
    with app.app_context():
        db.session.add(UserFlow(name="B2C_1_usernames", name_key="b2c_1_usernames",
                                flow_type="signUpOrSignIn",
                                config={"local_account_type": "username"}))
        db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    email = html.split('id="local-account-email"')[1].split("</tr>")[0]
    username = html.split('id="local-account-username"')[1].split("</tr>")[0]
    none = html.split('id="local-account-none"')[1].split("</tr>")[0]
    assert "Email signup" in email and "B2C_1_susi" in email
    assert "Default for new user flows" in email
    assert "User ID signup" in username and "B2C_1_usernames" in username
    assert "B2C_1_" not in none
    listed = html.split('id="identity-providers"')[1].split("</table>")[0]
    assert '<tr id="provider-local"><td>Local account</td><td>Local account</td>' in listed
    assert listed.count("<tr id=\"provider-") == 1  # no provider configured yet
    others = html.split('id="not-offered-identity-providers"')[1]
    for name in ("Microsoft Account", "Apple", "Amazon", "GitHub", "LinkedIn", "Twitter"):
        assert f"<td>{name}</td>" in others
    assert others.count("Not offered in B2C Lab") == 6
    assert "arrive with a later version" not in html


def test_change_the_default_local_account_type(admin, client, app):
    response = admin.post_form(PAGE, ACTION, default_local_account_type="username")
    assert response.status_code == 303
    assert tenant_settings(app)["default_local_account_type"] == "username"
    html = client.get(PAGE).get_data(as_text=True)
    assert "New user flows now start with User ID signup." in html
    assert "Default for new user flows" in html.split('id="local-account-username"')[1].split(
        "</tr>")[0]
    [record] = audits(app)
    assert record.category == "Resource" and record.initiated_by_admin == "admin"
    assert record.additional_details["OldValue"] == "Email signup"
    assert record.additional_details["NewValue"] == "User ID signup"


def test_saving_the_same_value_writes_nothing(admin, app):
    response = admin.post_form(PAGE, ACTION, default_local_account_type="email")
    assert response.status_code == 303
    assert audits(app) == [] and "default_local_account_type" not in tenant_settings(app)


@pytest.mark.parametrize("value", ["phone", "", "EMAIL", "<script>"])
def test_unknown_local_account_type_is_refused(admin, app, value):
    before = tenant_settings(app)
    response = admin.post_form(PAGE, ACTION, default_local_account_type=value)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose Email signup, User ID signup or None." in html
    assert "<script>" not in html.split("<main")[1]
    assert tenant_settings(app) == before and audits(app) == []


def test_missing_value_and_missing_csrf_are_refused(admin, client, app):
    before = tenant_settings(app)
    assert admin.post_form(PAGE, ACTION).status_code == 400
    assert client.post(ACTION, data={"default_local_account_type": "none"}).status_code == 400
    assert tenant_settings(app) == before and audits(app) == []


def test_smart_lockout_settings_apply_to_the_next_sign_in(admin, client, app, flow):
    from idp.models import AuditRecord
    response = admin.post_form("/portal/identity-providers/", "/portal/identity-providers/smart-lockout",
                               lockout_threshold="2", lockout_duration_seconds="120")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(AuditRecord.activity)).all().count(
            "Update password protection settings") == 1
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("lock2@example.com")
    client.delete_cookie("x-ms-cpim-sso")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_in("lock2@example.com", "Wrong-1")
    flow.sign_in("lock2@example.com", "Wrong-2")
    assert "temporarily locked" in flow.text


@pytest.mark.parametrize("threshold,duration,message", [
    ("0", "60", "The threshold must be a whole number from 1 to 50."),
    ("10", "2", "The duration must be from 5 to 18000 seconds"),
    ("ten", "60", "Not a valid integer value."),
])
def test_smart_lockout_bad_values_are_refused(admin, app, threshold, duration, message):
    response = admin.post_form("/portal/identity-providers/", "/portal/identity-providers/smart-lockout",
                               lockout_threshold=threshold, lockout_duration_seconds=duration)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert "lockout_threshold" not in db.session.execute(db.select(Tenant)).scalar_one().settings
