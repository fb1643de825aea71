"""App-only tokens for Microsoft Graph: client credentials with
``https://graph.microsoft.com/.default`` (or the lab's ``{IDP_PUBLIC_URL}/graph/.default``)
give ``aud`` Graph and ``roles`` = the Graph application permissions granted with admin consent;
granted once through the portal's API permissions page."""
import html as html_lib

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.extensions import db
from idp.graph.permissions import GRAPH_APP_ID, service_principal_id
from idp.models import AppRegistration, AuditRecord
from tests.factories import BASE, TENANT, make_app_registration, tenant_id
from tests.graph.conftest import GRAPH_SCOPE, GraphClient, make_graph_app, token_for


def claims_of(client, token: str) -> dict:
    keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()
    return jwt.decode(token, KeySet.import_key_set(keys)).claims


@pytest.mark.parametrize("scope", [GRAPH_SCOPE, f"{BASE}/graph/.default",
                                   f"{GRAPH_APP_ID}/.default",
                                   "HTTPS://GRAPH.MICROSOFT.COM/.default"])
def test_graph_token_carries_the_granted_roles(client, flow, app, scope):
    creds = make_graph_app(app, "User.Read.All", "Application.Read.All")
    response = token_for(flow, creds, scope)
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["resource"] == "https://graph.microsoft.com" and body["token_type"] == "Bearer"
    claims = claims_of(client, body["access_token"])
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["roles"] == ["User.Read.All", "Application.Read.All"]
    assert claims["azp"] == claims["appid"] == creds["client_id"]
    assert claims["sub"] == claims["oid"] == service_principal_id(creds["client_id"])
    assert claims["idtyp"] == "app" and claims["tid"] == tenant_id(app)
    assert claims["iss"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert "scp" not in claims and "name" not in claims


def test_permissions_without_consent_or_of_another_kind_give_no_roles(client, flow, app):
    """Entra ID issues the token anyway, without ``roles``; Graph then answers 403."""
    creds = make_app_registration(app, name="no-consent", api_permissions=[
        {"resource_client_id": GRAPH_APP_ID, "value": "User.Read.All", "type": "Application",
         "admin_consent": False},
        {"resource_client_id": GRAPH_APP_ID, "value": "openid", "type": "Delegated",
         "admin_consent": True}])
    body = token_for(flow, creds).get_json()
    assert "roles" not in claims_of(client, body["access_token"])
    denied = GraphClient(client, body["access_token"]).get("/users")
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "Authorization_RequestDenied"


def test_graph_token_is_audited(flow, app):
    creds = make_graph_app(app, "User.Read.All")
    token_for(flow, creds)
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Validate Client Credentials")).scalars().all()[-1]
    assert record.app_id == creds["client_id"]
    assert record.additional_details["roles"] == "User.Read.All"


def test_public_clients_and_other_apis_are_still_refused(flow, app):
    spa = make_app_registration(app, name="spa-g", platform="spa",
                                redirect_uris=["http://localhost:3000/"])
    refused = flow.token({"grant_type": "client_credentials", "scope": GRAPH_SCOPE,
                          "client_id": spa["client_id"]})
    assert refused.get_json()["error"] == "unauthorized_client"
    creds = make_graph_app(app, "User.Read.All")
    other = token_for(flow, creds, f"https://{TENANT}/someone-else/.default")
    assert other.get_json()["error_description"].startswith("AADB2C90205")


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def test_grant_graph_application_permissions_in_the_portal(admin, client, app, flow):
    creds = make_app_registration(app, name="user-manager")
    with app.app_context():
        reg_id = db.session.execute(db.select(AppRegistration.id).filter_by(
            name="user-manager")).scalar_one()
    page = f"/portal/app-registrations/{reg_id}/api-permissions/"
    chooser = text(client.get(f"{page}new"))
    assert "Commonly used Microsoft APIs" in chooser and "Microsoft Graph" in chooser
    graph_page = text(client.get(f"{page}new?api={GRAPH_APP_ID}"))
    assert "Application permissions" in graph_page and "Delegated permissions" in graph_page
    for value in ("User.ReadWrite.All", "User.Read.All", "Application.Read.All", "openid"):
        assert f'value="{value}"' in graph_page
    added = admin.post_form(f"{page}new?api={GRAPH_APP_ID}", f"{page}new", api=GRAPH_APP_ID,
                            scopes=["User.ReadWrite.All", "Application.Read.All"])
    assert added.status_code == 303, text(added)
    bogus = admin.post_form(f"{page}new?api={GRAPH_APP_ID}", f"{page}new", api=GRAPH_APP_ID,
                            scopes=["Directory.ReadWrite.All"])
    assert bogus.status_code == 200 and "not a valid choice" in text(bogus).lower()
    listed = text(client.get(page))
    assert "Microsoft Graph" in listed and "Application" in listed
    assert "Not granted for contoso" in listed
    body = token_for(flow, creds).get_json()
    assert "roles" not in claims_of(client, body["access_token"])  # no consent yet
    assert admin.post_form(page, f"{page}admin-consent").status_code == 303
    assert "Granted for contoso" in text(client.get(page))
    body = token_for(flow, creds).get_json()
    assert claims_of(client, body["access_token"])["roles"] == [
        "User.ReadWrite.All", "Application.Read.All"]
    with app.app_context():
        permissions = db.session.get(AppRegistration, reg_id).api_permissions
    assert {(p["value"], p["type"], p["admin_consent"]) for p in permissions} == {
        ("User.ReadWrite.All", "Application", True), ("Application.Read.All", "Application", True)}
