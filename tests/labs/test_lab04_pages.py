"""Lab 04's app without B2C Lab: the Settings page (secrets never shown back, bad input refused
with a message), clear pages instead of errors when it cannot sign in or reach Graph, the custom
sign-up page, and the invitation rules as plain functions."""
from __future__ import annotations

import datetime as dt

import pytest

from labs.lab04_invitation_codes import lab_settings
from labs.lab04_invitation_codes.invitations import (COMPANY_ADMIN, COMPANY_USER, GLOBAL_ADMIN,
                                                     new_invitation, visible_company)
from labs.lab04_invitation_codes.web import create_app
from tests.labs.lab04_stack import csrf

CLIENT_ID = "c50282fe-12ff-4e2f-9399-d1675e180ff7"
EXT_APP = "0f4ee2f3-41ad-4daa-a7e4-c734a7b48218"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def client(tmp_path):
    return create_app({"IDP_URL": "http://127.0.0.1:9", "TENANT": "contoso",
                       "DATA_DIR": str(tmp_path), "TESTING": True,
                       "PUBLIC_URL": "http://localhost:5004"}).test_client()


def save(client, **fields):
    token = csrf(client.get("/settings").get_data(as_text=True))
    data = {"csrf_token": token, "user_flow": "B2C_1_lab04", "client_id": CLIENT_ID,
            "client_secret": "", "extensions_app_client_id": EXT_APP,
            "connector_username": "dummy", "connector_password": "", **fields}
    return client.post("/settings", data=data, follow_redirects=True)


def test_settings_are_saved_and_secrets_never_shown_back(client, tmp_path):
    page = save(client, client_secret="s3cret-value", connector_password="pw-123",
                client_id=f" {CLIENT_ID.upper()} ")
    html = page.get_data(as_text=True)
    assert "Settings saved." in html and "s3cret-value" not in html and "pw-123" not in html
    assert "A secret is stored. Leave this empty to keep it." in html
    save(client)  # secrets left empty: kept
    stored = lab_settings.load(tmp_path)
    assert (stored.client_id, stored.client_secret, stored.connector_password) == (
        CLIENT_ID, "s3cret-value", "pw-123")
    assert stored.extension_prefix == "extension_0f4ee2f341ad4daaa7e4c734a7b48218_"


@pytest.mark.parametrize("fields, message", [
    ({"client_id": "not-a-guid", "client_secret": "x", "connector_password": "y"},
     "Paste the Application (client) ID"),
    ({"client_secret": "x"}, "Type the password you gave the API connector."),
    ({"connector_password": "y"}, "Paste the client secret&#39;s Value"),
    ({"user_flow": "lab04", "client_secret": "x", "connector_password": "y"},
     "A user flow name starts with B2C_1_"),
])
def test_bad_settings_are_refused_with_a_message(client, tmp_path, fields, message):
    response = save(client, **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert not (tmp_path / "settings.json").exists()


def test_without_settings_the_pages_say_what_to_do(client):
    signin = client.get("/signin", follow_redirects=True)
    assert "Enter the Application (client) ID and Client secret on the Settings page" in \
        signin.get_data(as_text=True)
    invitations = client.get("/invitations")
    assert invitations.status_code == 502
    assert "enter Application (client) ID, Client secret, b2c-extensions-app client ID on the " \
           "Settings page" in invitations.get_data(as_text=True)
    assert client.get("/users").location.endswith("/signin")  # anonymous: sign in first
    assert client.get("/identity").status_code == 200


def test_an_unreachable_b2c_lab_is_a_message_not_an_error(client):
    save(client, client_secret="s3cret", connector_password="pw")
    page = client.get("/invitations")
    assert page.status_code == 502 and "Could not reach http://127.0.0.1:9/" in page.get_data(
        as_text=True)
    assert client.get("/signin").status_code == 502


def test_a_post_without_its_csrf_token_is_a_clear_400(client):
    response = client.post("/settings", data={"client_id": CLIENT_ID})
    assert response.status_code == 400 and "reload the page" in response.get_data(as_text=True)


def test_the_custom_sign_up_page_hides_company_and_role(client):
    page = client.get("/page-layouts/selfasserted.html")
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and '<div id="api"></div>' in html
    assert ".extension_CompanyId_li, .extension_DelegatedUserManagementRole_li { display: none; }" \
        in html and "InvitationCode_li" not in html


def test_company_admins_invite_into_their_company_and_never_a_global_admin():
    admin = {"oid": "o1", "extension_DelegatedUserManagementRole": COMPANY_ADMIN,
             "extension_CompanyId": "fabrikam"}
    made = new_invitation(admin, GLOBAL_ADMIN, "contoso", 2, NOW)
    assert (made.role, made.company_id, made.created_by) == (COMPANY_ADMIN, "fabrikam", "o1")
    assert made.expires_time - made.created_time == dt.timedelta(hours=2)
    assert len(made.invitation_code) == 36 and made.invitation_code != new_invitation(
        admin, COMPANY_USER, None, 2, NOW).invitation_code
    glob = {"oid": "o2", "extension_DelegatedUserManagementRole": GLOBAL_ADMIN}
    assert new_invitation(glob, GLOBAL_ADMIN, "  ", 24, NOW).company_id is None
    assert new_invitation(glob, COMPANY_USER, " contoso ", 24, NOW).company_id == "contoso"
    with pytest.raises(PermissionError):
        new_invitation({"extension_DelegatedUserManagementRole": COMPANY_USER}, COMPANY_USER,
                       None, 24, NOW)
    assert visible_company(admin) == (True, "fabrikam")
    assert visible_company(glob) == (True, None)
    assert visible_company({}) == (False, None)
