"""The App registrations blade: register, the tabs (Authentication, Certificates & secrets,
Expose an API, API permissions, App roles, Users and groups), delete; bad input is refused with
its message and nothing written; every change is audited; secrets and API scopes work at the
token endpoint."""
import hashlib
import html as html_lib

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.extensions import db
from idp.models import (AppRegistration, AppRoleAssignment, AuditRecord, ClientSecret,
                        DirectoryUser, UserIdentity)
from tests.factories import TENANT

URL = "/portal/app-registrations"
API_URI = f"https://{TENANT}/demo-api"


def registration(app, name) -> AppRegistration:
    with app.app_context():
        row = db.session.execute(db.select(AppRegistration).filter(
            AppRegistration.name.startswith(name))).scalar_one()
        db.session.expunge(row)
        return row


def audits(app, activity) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(
            activity=activity)).scalars())


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def register(admin, name="my-web-app", **fields):
    data = {"name": name, "supported_account_types": "b2c", "platform": "web",
            "redirect_uri": "https://app.example/signin-oidc", "grant_admin_consent": "y",
            **fields}
    return admin.post_form(f"{URL}/new", **data)


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def decode(client, token) -> dict:
    keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()
    return jwt.decode(token, KeySet.import_key_set(keys)).claims


# --- list, register, overview ---------------------------------------------------------------

def test_list_shows_the_seeded_apps_and_their_client_ids(admin, client, app):
    html = text(client.get(f"{URL}/"))
    assert "Application (client) ID" in html and "New registration" in html
    for name in ("rp-demo", "webapp1", "b2c-extensions-app"):
        assert name in html and registration(app, name).client_id in html


def test_register_an_application(admin, client, app):
    response = register(admin)
    reg = registration(app, "my-web-app")
    assert response.status_code == 303 and response.location == f"{URL}/{reg.id}/"
    assert reg.platform == "web" and reg.redirect_uris == ["https://app.example/signin-oidc"]
    assert reg.supported_account_types == "b2c"
    assert {(p["value"], p["admin_consent"]) for p in reg.api_permissions} == {
        ("openid", True), ("offline_access", True)}
    html = text(client.get(response.location))
    assert reg.client_id in html and "Accounts in any identity provider or organizational " \
        "directory (for authenticating users with user flows)" in html
    [record] = audits(app, "Add application")
    assert record.category == "ApplicationManagement" and record.app_id == reg.client_id
    assert record.initiated_by_admin == "admin"


def test_register_without_consent_box_and_redirect_uri(admin, app):
    register(admin, "bare", redirect_uri="", grant_admin_consent="", platform="spa")
    reg = registration(app, "bare")
    assert reg.redirect_uris == [] and reg.api_permissions == [] and reg.platform == "spa"


@pytest.mark.parametrize("fields, message", [
    ({"redirect_uri": "http://example.com/cb"},
     "The redirect URI must use https (http is allowed only for localhost)."),
    ({"redirect_uri": "https://app.example/cb#x"},
     "The redirect URI must not contain a fragment (#)."),
    ({"redirect_uri": "/signin-oidc"}, "The redirect URI must be an absolute URL"),
    ({"redirect_uri": "myapp://auth", "platform": "spa"},
     "The redirect URI must use https (http is allowed only for localhost)."),
    ({"name": ""}, "Enter a name."),
    ({"name": "b2c-extensions-app copy"}, "This name is reserved for the b2c-extensions-app."),
    ({"platform": "desktop"}, "Not a valid choice"),
])
def test_register_refuses_bad_input(admin, app, fields, message):
    before = count(app, AppRegistration)
    response = register(admin, **fields)
    assert response.status_code == 200 and message in text(response)
    assert count(app, AppRegistration) == before and audits(app, "Add application") == []


def test_register_accepts_a_custom_scheme_for_public_clients(admin, app):
    register(admin, "native", platform="public", redirect_uri="msalabc://auth")
    assert registration(app, "native").redirect_uris == ["msalabc://auth"]


def test_unknown_app_is_404_and_post_without_csrf_is_refused(admin, client):
    assert client.get(f"{URL}/999/").status_code == 404
    assert client.post(f"{URL}/1/edit", data={"name": "x"}).status_code == 400


def test_rename(admin, client, app):
    reg = registration(app, "webapp1")
    response = admin.post_form(f"{URL}/{reg.id}/edit", name="webapp-renamed")
    assert response.status_code == 303 and registration(app, "webapp-renamed").id == reg.id
    assert audits(app, "Update application")[0].additional_details["oldDisplayName"] == "webapp1"


# --- Authentication -------------------------------------------------------------------------

def test_redirect_uris_add_remove_and_refuse(admin, client, app):
    reg = registration(app, "webapp1")
    page = f"{URL}/{reg.id}/authentication/"
    add = f"{page}redirect-uris"
    assert admin.post_form(page, add, redirect_uri="https://jwt.ms").status_code == 303
    duplicate = admin.post_form(page, add, redirect_uri="https://jwt.ms")
    assert "This redirect URI is already registered" in text(duplicate)
    bad = admin.post_form(page, add, redirect_uri="http://example.com/")
    assert bad.status_code == 200 and "http is allowed only for localhost" in text(bad)
    assert registration(app, "webapp1").redirect_uris == [*reg.redirect_uris, "https://jwt.ms"]
    removed = admin.post_form(page, f"{page}redirect-uris/delete", redirect_uri="https://jwt.ms")
    assert removed.status_code == 303
    assert registration(app, "webapp1").redirect_uris == reg.redirect_uris
    assert len(audits(app, "Update application")) == 2


def test_authentication_settings(admin, app):
    reg = registration(app, "webapp1")
    page = f"{URL}/{reg.id}/authentication/"
    bad = admin.post_form(page, platform="web", front_channel_logout_url="http://app.example/")
    assert "The front-channel logout URL must use https" in text(bad)
    assert registration(app, "webapp1").front_channel_logout_url is None
    ok = admin.post_form(page, platform="web", front_channel_logout_url="https://a.example/out",
                         implicit_access_tokens="y")
    assert ok.status_code == 303
    saved = registration(app, "webapp1")
    assert saved.front_channel_logout_url == "https://a.example/out"
    assert saved.implicit_access_tokens and not saved.implicit_id_tokens


def test_platform_change_keeps_redirect_uris_valid(admin, app):
    register(admin, "native", platform="public", redirect_uri="msalabc://auth")
    reg = registration(app, "native")
    response = admin.post_form(f"{URL}/{reg.id}/authentication/", platform="web")
    assert response.status_code == 200 and "Remove it before changing the platform" in text(
        response)
    assert registration(app, "native").platform == "public"


# --- Certificates & secrets -----------------------------------------------------------------

def test_secret_is_shown_once_and_works_until_deleted(admin, client, app, flow):
    reg = registration(app, "webapp1")
    page = f"{URL}/{reg.id}/client-secrets/"
    response = admin.post_form(page, description="ci", expires="180")
    html = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    value = html.split('id="secret-value">')[1].split("<")[0]
    assert len(value) == 40
    with app.app_context():
        secret = db.session.execute(db.select(ClientSecret).filter_by(
            app_registration_id=reg.id)).scalar_one()
        assert secret.secret_hash != value
        assert secret.secret_hash == hashlib.sha256(value.encode()).hexdigest()
        secret_id = secret.id
    again = text(client.get(page))
    assert value not in again and f"{value[:3]}****" in again
    data = {"grant_type": "client_credentials", "scope": f"{reg.client_id}/.default"}
    assert flow.token(data, auth=(reg.client_id, value)).status_code == 200
    deleted = admin.post_form(page, f"{page}{secret_id}/delete")
    assert deleted.status_code == 303 and count(app, ClientSecret) == 1  # rp-demo's remains
    refused = flow.token(data, auth=(reg.client_id, value))
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_client"
    assert len(audits(app, "Add client secret")) == 1
    assert len(audits(app, "Remove client secret")) == 1


@pytest.mark.parametrize("end, message", [
    ("", "Enter the end date of a custom expiry."),
    ("2001-01-01", "The end date must be in the future."),
    ("2999-01-01", "A client secret can be valid for at most 24 months."),
])
def test_custom_expiry_is_checked(admin, app, end, message):
    reg = registration(app, "webapp1")
    response = admin.post_form(f"{URL}/{reg.id}/client-secrets/", description="x",
                               expires="custom", custom_end=end)
    assert response.status_code == 200 and message in text(response)
    assert audits(app, "Add client secret") == []


def test_public_clients_get_no_secret(admin, client, app):
    register(admin, "spa-app", platform="spa", redirect_uri="http://localhost:3000/")
    reg = registration(app, "spa-app")
    page = f"{URL}/{reg.id}/client-secrets/"
    assert "it is a public client" in text(client.get(page))
    response = admin.post_form(page, description="x", expires="180")
    assert response.status_code == 400
    assert "Only Web apps can hold a client secret" in text(response)
    assert audits(app, "Add client secret") == []


# --- Expose an API, API permissions, and the scope at run time ------------------------------

def expose(admin, app, name="demo-api", uri=API_URI, scope="read"):
    register(admin, name)
    reg = registration(app, name)
    page = f"{URL}/{reg.id}/expose-an-api/"
    assert admin.post_form(page, f"{page}application-id-uri", app_id_uri=uri).status_code == 303
    response = admin.post_form(page, f"{page}scopes", value=scope, state="Enabled",
                               admin_consent_display_name="Read",
                               admin_consent_description="Reads the demo data.")
    assert response.status_code == 303
    return registration(app, name)


def test_expose_an_api_defaults_and_refusals(admin, client, app):
    api = expose(admin, app)
    page = f"{URL}/{api.id}/expose-an-api/"
    assert api.app_id_uri == API_URI and api.exposed_scopes[0]["value"] == "read"
    register(admin, "other")
    other = registration(app, "other")
    other_page = f"{URL}/{other.id}/expose-an-api/"
    assert f"https://{TENANT}/{other.client_id}" in text(client.get(other_page))
    for uri, message in [(API_URI, "Another application already uses this Application ID URI"),
                         ("http://contoso.onmicrosoft.com/x", "must use https"),
                         ("https://evil.example/x", "must use the tenant's domain")]:
        response = admin.post_form(other_page, f"{other_page}application-id-uri", app_id_uri=uri)
        assert response.status_code == 200 and message in text(response)
    no_uri = admin.post_form(other_page, f"{other_page}scopes", value="read", state="Enabled",
                             admin_consent_display_name="R", admin_consent_description="R")
    assert "Set the Application ID URI before adding a scope." in text(no_uri)
    for value, message in [("read", "scope names must be unique"),
                           ("READ", "scope names must be unique"),
                           ("read all", "A scope name may contain only letters")]:
        response = admin.post_form(page, f"{page}scopes", value=value, state="Enabled",
                                   admin_consent_display_name="R", admin_consent_description="R")
        assert response.status_code == 200 and message in text(response)
    assert len(registration(app, "demo-api").exposed_scopes) == 1
    assert registration(app, "other").app_id_uri is None


def test_scope_must_be_disabled_before_delete(admin, app):
    api = expose(admin, app)
    page = f"{URL}/{api.id}/expose-an-api/"
    scope_id = api.exposed_scopes[0]["id"]
    refused = admin.post_form(page, f"{page}scopes/{scope_id}/delete")
    assert refused.status_code == 400 and "Disable the scope before deleting it." in text(refused)
    admin.post_form(page, f"{page}scopes/{scope_id}/state")
    assert registration(app, "demo-api").exposed_scopes[0]["enabled"] is False
    assert admin.post_form(page, f"{page}scopes/{scope_id}/delete").status_code == 303
    assert registration(app, "demo-api").exposed_scopes == []


def grant(admin, app, api, client_name="rp-demo", scopes=("read",)):
    reg = registration(app, client_name)
    page = f"{URL}/{reg.id}/api-permissions/"
    response = admin.post_form(f"{page}new?api={api.client_id}", f"{page}new",
                               api=api.client_id, scopes=list(scopes))
    assert response.status_code == 303, text(response)
    assert admin.post_form(page, f"{page}admin-consent").status_code == 303
    return page


def test_api_permissions_add_and_consent(admin, client, app):
    api = expose(admin, app)
    reg = registration(app, "rp-demo")
    page = f"{URL}/{reg.id}/api-permissions/"
    chooser = text(client.get(f"{page}new"))
    assert "My APIs" in chooser and "demo-api" in chooser
    admin.post_form(f"{page}new?api={api.client_id}", f"{page}new", api=api.client_id,
                    scopes=["read"])
    assert "Not granted for contoso" in text(client.get(page))
    again = admin.post_form(f"{page}new?api={api.client_id}", f"{page}new",
                            api=api.client_id, scopes=["read"])
    assert again.status_code == 200 and "Already added: read." in text(again)
    bogus = admin.post_form(f"{page}new?api={api.client_id}", f"{page}new",
                            api=api.client_id, scopes=["write"])
    assert bogus.status_code == 200 and "not a valid choice" in text(bogus).lower()
    admin.post_form(page, f"{page}admin-consent")
    html = text(client.get(page))
    assert "Granted for contoso" in html and "Delegated" in html and "demo-api" in html
    added = [p for p in registration(app, "rp-demo").api_permissions
             if p["resource_client_id"] == api.client_id]
    assert added == [{"resource_client_id": api.client_id, "value": "read",
                      "type": "Delegated", "admin_consent": True}]
    [consent] = audits(app, "Consent to application")
    assert consent.app_id == reg.client_id and consent.category == "ApplicationManagement"


def test_exposed_scope_gives_an_access_token_for_the_api(admin, client, app, flow):
    api = expose(admin, app)
    grant(admin, app, api)
    body = flow.code_flow("api-user@example.com",
                          scope=f"openid offline_access {API_URI}/read")
    claims = decode(client, body["access_token"])
    assert claims["aud"] == api.client_id and claims["scp"] == "read"
    assert claims["azp"] == registration(app, "rp-demo").client_id


def test_disabled_or_unknown_scope_is_not_resolved(admin, app):
    from idp.store.clients import resolve_api_scope
    api = expose(admin, app)
    with app.app_context():
        assert resolve_api_scope(f"{API_URI}/read") == (api.client_id, "read")
        assert resolve_api_scope(f"{API_URI.upper()}/READ") == (api.client_id, "read")
        assert resolve_api_scope(f"{API_URI}/write") is None
        assert resolve_api_scope(f"https://{TENANT}/nothing/read") is None
        row = db.session.get(AppRegistration, api.id)
        row.exposed_scopes = [{**row.exposed_scopes[0], "enabled": False}]
        db.session.commit()
        assert resolve_api_scope(f"{API_URI}/read") is None


# --- App roles and Users and groups ---------------------------------------------------------

def add_role(admin, reg, value="Admin", **fields):
    page = f"{URL}/{reg.id}/app-roles/"
    data = {"display_name": "Administrator", "allowed_member_types": "User", "value": value,
            "description": "Can do everything.", "enabled": "y", **fields}
    return admin.post_form(page, **data)


def make_user(app, email="jane@example.com") -> str:
    with app.app_context():
        user = DirectoryUser(display_name="Jane Doe")
        user.identities.append(UserIdentity(sign_in_type="emailAddress", issuer=TENANT,
                                            issuer_assigned_id=email,
                                            issuer_assigned_id_key=email.lower()))
        db.session.add(user)
        db.session.commit()
        return user.object_id


def test_app_roles_create_and_refuse(admin, app):
    reg = registration(app, "webapp1")
    assert add_role(admin, reg).status_code == 303
    role = registration(app, "webapp1").app_roles[0]
    assert role["value"] == "Admin" and role["allowed_member_types"] == ["User"]
    assert len(role["id"]) == 36 and role["enabled"] is True
    for value, message in [("Admin", "An app role with the value 'Admin' already exists"),
                           ("admin", "already exists"), ("Super Admin", "cannot contain spaces")]:
        response = add_role(admin, reg, value=value)
        assert response.status_code == 200 and message in text(response)
    assert len(registration(app, "webapp1").app_roles) == 1


def test_assign_and_remove_a_role(admin, client, app):
    reg = registration(app, "webapp1")
    add_role(admin, reg)
    role_id = registration(app, "webapp1").app_roles[0]["id"]
    object_id = make_user(app)
    page = f"{URL}/{reg.id}/users-and-groups/"
    unknown = admin.post_form(page, user="nobody@example.com", app_role=role_id)
    assert "No user in the directory has this e-mail address" in text(unknown)
    assert admin.post_form(page, user="JANE@example.com", app_role=role_id).status_code == 303
    twice = admin.post_form(page, user=object_id, app_role=role_id)
    assert "This user already has this role." in text(twice)
    assert "Jane Doe" in text(client.get(page)) and count(app, AppRoleAssignment) == 1
    with app.app_context():
        assignment = db.session.execute(db.select(AppRoleAssignment)).scalar_one()
        assert (assignment.resource_id, assignment.app_role_id, assignment.principal_id,
                assignment.principal_type) == (reg.id, role_id, object_id, "User")
        assignment_id = assignment.id
    [added] = audits(app, "Add app role assignment to user")
    assert added.category == "UserManagement" and added.target_user_id == object_id
    assert admin.post_form(page, f"{page}{assignment_id}/delete").status_code == 303
    assert count(app, AppRoleAssignment) == 0
    assert len(audits(app, "Remove app role assignment from user")) == 1


# --- Delete ---------------------------------------------------------------------------------

def test_delete_removes_secrets_and_assignments(admin, client, app):
    reg = registration(app, "webapp1")
    admin.post_form(f"{URL}/{reg.id}/client-secrets/", description="x", expires="90")
    add_role(admin, reg)
    role_id = registration(app, "webapp1").app_roles[0]["id"]
    make_user(app)
    admin.post_form(f"{URL}/{reg.id}/users-and-groups/", user="jane@example.com",
                    app_role=role_id)
    confirm = text(client.get(f"{URL}/{reg.id}/delete"))
    assert "1 client secret" in confirm and "1 app role assignment" in confirm
    response = admin.post_form(f"{URL}/{reg.id}/delete")
    assert response.status_code == 303 and response.location == f"{URL}/"
    with app.app_context():
        assert db.session.get(AppRegistration, reg.id) is None
        assert db.session.execute(db.select(ClientSecret).filter_by(
            app_registration_id=reg.id)).first() is None
    assert count(app, AppRoleAssignment) == 0
    [record] = audits(app, "Delete application")
    assert record.app_id == reg.client_id and record.additional_details["clientSecrets"] == 1
    assert record.additional_details["appRoleAssignments"] == 1


def test_extensions_app_cannot_be_deleted_or_renamed(admin, client, app):
    ext = registration(app, "b2c-extensions-app")
    overview = text(client.get(f"{URL}/{ext.id}/"))
    assert "Do not modify. Used by AADB2C for storing user data." in overview
    assert f"extension_{ext.client_id.replace('-', '')}_Name" in overview
    assert 'id="delete-app"' not in overview
    response = admin.post_form(f"{URL}/{ext.id}/delete")
    assert response.status_code == 400 and "cannot be deleted" in text(response)
    renamed = admin.post_form(f"{URL}/{ext.id}/edit", name="mine now")
    assert "The b2c-extensions-app cannot be renamed" in text(renamed)
    assert registration(app, "b2c-extensions-app").name == ext.name
    assert audits(app, "Delete application") == [] and audits(app, "Update application") == []


def test_api_scope_without_consented_permission_is_refused(admin, client, app, flow):
    """B2C answers AADB2C90205 until the client holds the permission with admin consent."""
    expose(admin, app)
    rp = flow.rp()
    response = flow.authorize(rp["client_id"], rp["redirect_uri"],
                              scope=f"openid {API_URI}/read")
    params = flow.redirect_params(response)
    assert params["error"] == "invalid_scope"
    assert params["error_description"].startswith("AADB2C90205")
