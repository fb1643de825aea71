"""Users blade: the list (search, paging, no N+1), New user and its bad inputs, a user's page,
Properties, Reset password, Block sign in, Revoke sessions, Delete; each change audited; and
the ``demo seed`` command that fills the directory for the benchmark."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import event

from idp.extensions import db
from idp.models._base import utcnow
from idp.models import (AppRegistration, AppRoleAssignment, AuditRecord, DirectoryUser,
                        RefreshToken, SsoSession, UserAttribute, UserIdentity)
from idp.store.directory import SqlDirectory
from idp.store.hashing import check_password
from tests.factories import PASSWORD, TENANT

STRONG = "Str0ng!pass"
LOCKED = ("Your account has been locked. Contact your support person to unlock it, then try "
          "again.")


def make_user(app, email: str, display_name: str, **attributes) -> str:
    with app.app_context():
        object_id = SqlDirectory(TENANT).create_local_account(
            sign_in_type="emailAddress", sign_in_name=email, email=email, password=PASSWORD,
            attributes={"displayName": display_name, **attributes})
        db.session.commit()
        return object_id


def object_id_of(app, email: str) -> str | None:
    with app.app_context():
        return db.session.execute(db.select(UserIdentity.user_object_id).filter_by(
            issuer_assigned_id_key=email.lower())).scalar_one_or_none()


def audits(app, activity: str) -> list[AuditRecord]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditRecord).filter_by(activity=activity)).scalars()
        return [r for r in rows]


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def listed_names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/portal/users/[^"]+">([^<]+)</a></td>', html)


# --- the list -------------------------------------------------------------------------------

def test_list_shows_columns_and_total(admin, client, app):
    make_user(app, "jane@example.com", "Jane Doe")
    html = client.get("/portal/users/").get_data(as_text=True)
    for label in ("Display name", "User principal name", "User type", "Identities",
                  "Account enabled"):
        assert f"<th>{label}</th>" in html
    assert "jane@example.com" in html and "Member" in html and TENANT in html
    assert "1 user found" in html


def test_search_by_display_name_prefix_and_sign_in_name_prefix(admin, client, app):
    make_user(app, "zed@example.com", "Alice Martin")
    make_user(app, "bob.smith@example.com", "Robert Smith")
    make_user(app, "carol@example.com", "Carol Alison")
    assert listed_names(client.get("/portal/users/?q=ali").get_data(as_text=True)) \
        == ["Alice Martin"]  # a prefix of the display name, any case; not "Carol Alison"
    assert listed_names(client.get("/portal/users/?q=BOB.S").get_data(as_text=True)) \
        == ["Robert Smith"]  # a prefix of the e-mail, any case
    html = client.get("/portal/users/?q=nobody%25").get_data(as_text=True)
    assert listed_names(html) == [] and "0 users found" in html  # % is not a wildcard


def test_paging_50_per_page_with_previous_and_next(admin, client, app):
    with app.app_context():
        for n in range(120):
            db.session.add(DirectoryUser(display_name=f"User {n:03d}"))
        db.session.commit()
    first = client.get("/portal/users/").get_data(as_text=True)
    assert len(listed_names(first)) == 50 and "120 users found" in first
    assert "Page 1 of 3" in first and 'href="/portal/users/?page=2" id="page-next"' in first
    third = client.get("/portal/users/?page=3").get_data(as_text=True)
    assert listed_names(third)[0] == "User 100" and len(listed_names(third)) == 20
    assert 'id="page-previous"' in third and 'id="page-next"' not in third
    assert "Page 3 of 3" in client.get("/portal/users/?page=999").get_data(as_text=True)
    assert client.get("/portal/users/?page=abc").status_code == 200


def test_list_loads_identities_without_a_query_per_user(admin, client, app):
    for n in range(30):
        make_user(app, f"u{n}@example.com", f"U {n}")
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/portal/users/")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    identity_queries = [s for s in statements if "FROM user_identity" in s]
    assert len(identity_queries) == 1, identity_queries
    assert len(statements) < 12, statements


# --- New user --------------------------------------------------------------------------------

def new_user(admin, **fields):
    data = {"sign_in_method": "emailAddress", "email": "new@example.com", "username": "",
            "display_name": "New Person", "given_name": "New", "surname": "Person",
            "password_mode": "custom", "password": STRONG, "block_sign_in": "no", **fields}
    return admin.post_form("/portal/users/new", **data)


def test_create_user_with_my_password_is_audited(admin, client, app):
    response = new_user(admin)
    assert response.status_code == 303
    object_id = object_id_of(app, "new@example.com")
    assert response.location == f"/portal/users/{object_id}"
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        assert (user.display_name, user.given_name, user.surname) == ("New Person", "New",
                                                                      "Person")
        assert user.account_enabled and check_password(STRONG, user.password_hash)
    [record] = audits(app, "Add user")
    assert record.category == "UserManagement" and record.target_user_id == object_id
    assert record.initiated_by_admin == "admin"


def test_create_user_with_username_generated_password_and_blocked(admin, client, app):
    response = new_user(admin, sign_in_method="userName", email="", username="jdoe",
                        password_mode="auto", password="", block_sign_in="yes")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="generated-password">([^<]+)<', response.get_data(as_text=True))
    with app.app_context():
        identity = db.session.execute(db.select(UserIdentity).filter_by(
            issuer_assigned_id_key="jdoe")).scalar_one()
        assert identity.sign_in_type == "userName"
        assert check_password(password.group(1).replace("&amp;", "&"),
                              identity.user.password_hash)
        assert identity.user.account_enabled is False


@pytest.mark.parametrize("fields, message", [
    ({"email": "taken@example.com"}, "Another user already signs in with 'taken@example.com'"),
    ({"email": "TAKEN@example.com"}, "Another user already signs in with 'TAKEN@example.com'"),
    ({"email": "not-an-email"}, "'not-an-email' is not a valid email address"),
    ({"email": ""}, "Enter the user's email address."),
    ({"password": "weakpassword"}, "The password must have at least 3 of the following"),
    ({"password": "Sh0rt!"}, "The password must be between 8 and 64 characters."),
    ({"password": ""}, "Enter a password, or choose Auto-generate password."),
    ({"display_name": ""}, "Enter a display name."),
    ({"sign_in_method": "userName", "username": "has space"}, "A username may contain only"),
    ({"sign_in_method": "userName", "username": ""}, "Enter a username."),
])
def test_create_user_refuses_bad_input_and_writes_nothing(admin, client, app, fields, message):
    make_user(app, "taken@example.com", "Taken")
    users, records = count(app, DirectoryUser), count(app, AuditRecord)
    response = new_user(admin, **fields)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert message in html and "Nothing was saved." in html
    assert count(app, DirectoryUser) == users and count(app, AuditRecord) == records


def test_create_user_without_csrf_token_is_refused(admin, client, app):
    response = client.post("/portal/users/new", data={"email": "x@example.com"})
    assert response.status_code == 400 and count(app, DirectoryUser) == 0


# --- a user's page ---------------------------------------------------------------------------

def test_user_page_shows_every_identity(admin, client, app):
    object_id = make_user(app, "multi@example.com", "Multi Identity", city="Oslo")
    with app.app_context():
        db.session.add(UserIdentity(user_object_id=object_id, sign_in_type="federated",
                                    issuer="google.com", issuer_assigned_id="1234567890",
                                    issuer_assigned_id_key="1234567890"))
        db.session.commit()
    html = client.get(f"/portal/users/{object_id}").get_data(as_text=True)
    assert object_id in html and "Oslo" in html
    for cell in ("emailAddress", TENANT, "multi@example.com", "federated", "google.com",
                 "1234567890"):
        assert f"<td>{cell}</td>" in html
    assert client.get("/portal/users/no-such-user").status_code == 404


def test_update_properties_and_custom_attributes(admin, client, app):
    with app.app_context():
        db.session.add_all([UserAttribute(name="Hobby", name_key="hobby"),
                            UserAttribute(name="Age", name_key="age", data_type="Int"),
                            UserAttribute(name="Vip", name_key="vip", data_type="Boolean")])
        db.session.commit()
    object_id = make_user(app, "props@example.com", "Props", extension_Hobby="chess")
    url = f"/portal/users/{object_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="chess"' in page and "extension_Age" in page
    response = admin.post_form(url, display_name="Props Renamed", given_name="", surname="",
                               city="Bergen", jobTitle="", extension_Hobby="go",
                               extension_Age="42", extension_Vip="y")
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        assert user.display_name == "Props Renamed"
        assert user.attributes["city"] == "Bergen"
        assert user.attributes["extension_Hobby"] == "go"
        assert user.attributes["extension_Age"] == 42 and user.attributes["extension_Vip"] is True
    [record] = audits(app, "Update user")
    changed = {p["displayName"]: p for p in record.additional_details["modifiedProperties"]}
    assert changed["city"] == {"displayName": "city", "oldValue": "[]",
                               "newValue": '["Bergen"]'}
    assert set(changed) == {"DisplayName", "city", "extension_Hobby", "extension_Age",
                            "extension_Vip"}


def test_update_properties_refuses_bad_input(admin, client, app):
    with app.app_context():
        db.session.add(UserAttribute(name="Age", name_key="age", data_type="Int"))
        db.session.commit()
    object_id = make_user(app, "bad@example.com", "Bad Input")
    response = admin.post_form(f"/portal/users/{object_id}/edit", display_name="",
                               extension_Age="forty")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a display name." in html
    assert "Age is an Int attribute: enter a whole number." in html
    with app.app_context():
        assert db.session.get(DirectoryUser, object_id).display_name == "Bad Input"
    assert audits(app, "Update user") == []


# --- sign-in effects (driven through the real user flow) ------------------------------------

def test_block_sign_in_shows_the_locked_message_and_unblock_restores(admin, client, app, flow):
    tokens = flow.code_flow("blocked@example.com")
    object_id = object_id_of(app, "blocked@example.com")
    user_page = f"/portal/users/{object_id}"
    assert admin.post_form(user_page, f"{user_page}/block").status_code == 303
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])  # the SSO session was revoked too
    assert flow.last.status_code == 200 and "localAccountForm" in flow.page.forms
    flow.sign_in("blocked@example.com")
    assert flow.last.status_code == 200 and LOCKED in flow.text
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": tokens["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]))
    assert refreshed.get_json()["error_description"].startswith("AADB2C90129")
    [record] = audits(app, "Disable account")
    assert record.target_user_id == object_id and record.category == "UserManagement"
    assert record.additional_details["sessionsRevoked"] == 1
    admin.post_form(user_page, f"{user_page}/unblock")
    assert len(audits(app, "Enable account")) == 1
    flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="login")
    flow.sign_in("blocked@example.com")
    assert "code" in flow.redirect_params()


@pytest.mark.parametrize("mode", ["custom", "auto"])
def test_reset_password_works_at_sign_in(admin, client, app, flow, mode):
    flow.code_flow("reset@example.com")
    object_id = object_id_of(app, "reset@example.com")
    url = f"/portal/users/{object_id}/reset-password"
    response = admin.post_form(url, password_mode=mode, password=STRONG if mode == "custom"
                               else "")
    if mode == "auto":
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        new = re.search(r'id="generated-password">([^<]+)<', html).group(1)
        new = new.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    else:
        assert response.status_code == 303
        new = STRONG
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="login")
    flow.sign_in("reset@example.com")  # the old password
    assert flow.last.status_code == 200
    flow.authorize(rp["client_id"], rp["redirect_uri"], prompt="login")
    flow.sign_in("reset@example.com", password=new)
    assert "code" in flow.redirect_params()
    assert len(audits(app, "Reset user password")) == 1


def test_reset_password_clears_smart_lockout(admin, client, app):
    object_id = make_user(app, "locked@example.com", "Locked Out")
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        user.failed_sign_ins, user.lockout_periods = 10, 1
        user.locked_until = utcnow() + dt.timedelta(hours=1)
        db.session.commit()
    admin.post_form(f"/portal/users/{object_id}/reset-password", password_mode="custom",
                    password=STRONG)
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        assert (user.failed_sign_ins, user.locked_until) == (0, None)
        assert check_password(STRONG, user.password_hash)


def test_reset_password_refuses_a_weak_password(admin, client, app):
    object_id = make_user(app, "weak@example.com", "Weak")
    response = admin.post_form(f"/portal/users/{object_id}/reset-password",
                               password_mode="custom", password="password")
    assert response.status_code == 200
    assert "The password must have at least 3 of the following" in response.get_data(
        as_text=True)
    with app.app_context():
        assert check_password(PASSWORD, db.session.get(DirectoryUser, object_id).password_hash)
    assert audits(app, "Reset user password") == []


def test_revoke_sessions_ends_refresh_tokens_and_sso(admin, client, app, flow):
    tokens = flow.code_flow("revoke@example.com")
    object_id = object_id_of(app, "revoke@example.com")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])  # SSO: signed in without a page
    assert "code" in flow.redirect_params()
    user_page = f"/portal/users/{object_id}"
    response = admin.post_form(user_page, f"{user_page}/revoke-sessions")
    assert response.status_code == 303
    assert "Revoked 1 session(s) and 1 refresh token(s)" in client.get(user_page).get_data(
        as_text=True)
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": tokens["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]))
    assert refreshed.status_code == 400
    assert refreshed.get_json()["error_description"].startswith("AADB2C90129")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert flow.last.status_code == 200 and "localAccountForm" in flow.page.forms
    [record] = audits(app, "Revoke user sessions")
    assert record.additional_details["sessionsRevoked"] == 1


# --- Delete ----------------------------------------------------------------------------------

def test_delete_needs_confirmation_then_removes_everything(admin, client, app, flow):
    flow.code_flow("gone@example.com")
    object_id = object_id_of(app, "gone@example.com")
    with app.app_context():
        resource = db.session.execute(db.select(AppRegistration)).scalars().first()
        db.session.add(AppRoleAssignment(resource_id=resource.id, principal_id=object_id,
                                         app_role_id="00000000-0000-0000-0000-0000000000aa"))
        db.session.commit()
    url = f"/portal/users/{object_id}/delete"
    confirm = client.get(url).get_data(as_text=True)
    assert "This cannot be undone." in confirm and 'id="confirm-delete"' in confirm
    unconfirmed = admin.post_form(url)
    assert unconfirmed.status_code == 400 and object_id_of(app, "gone@example.com")
    response = admin.post_form(url, confirm="yes")
    assert response.status_code == 303 and response.location == "/portal/users/"
    with app.app_context():
        assert db.session.get(DirectoryUser, object_id) is None
        assert db.session.query(UserIdentity).filter_by(user_object_id=object_id).count() == 0
        assert db.session.query(AppRoleAssignment).count() == 0
        assert all(t.revoked_at for t in db.session.query(RefreshToken).filter_by(
            user_object_id=object_id))
        assert all(s.revoked_at for s in db.session.query(SsoSession).filter_by(
            user_object_id=object_id))
    [record] = audits(app, "Delete user")
    assert record.target_user_id == object_id
    assert record.additional_details["targetUserPrincipalName"] == "gone@example.com"
    assert client.get(f"/portal/users/{object_id}").status_code == 404


# --- demo seed -------------------------------------------------------------------------------

def test_demo_seed_command_fills_users_and_audit_records(app, runner):
    result = runner.invoke(args=["demo", "seed", "--users", "50", "--audit", "200"])
    assert result.exit_code == 0, result.output
    assert "50 users" in result.output and "200 audit records" in result.output
    with app.app_context():
        assert db.session.query(DirectoryUser).count() == 50
        assert db.session.query(UserIdentity).count() == 50
        assert db.session.query(AuditRecord).count() == 200
        identity = db.session.execute(db.select(UserIdentity)).scalars().first()
        password = re.search(r"password '([^']+)'", result.output).group(1)
        assert check_password(password, identity.user.password_hash)
    again = runner.invoke(args=["demo", "seed", "--users", "5", "--audit", "0"])
    assert again.exit_code == 0, again.output  # a second run adds, never collides
    with app.app_context():
        assert db.session.query(DirectoryUser).count() == 55


def test_demo_seed_refuses_bad_numbers(app, runner):
    result = runner.invoke(args=["demo", "seed", "--users", "-1"])
    assert result.exit_code != 0 and "-1" in result.output
