"""Graph test helpers: a confidential app holding Graph application permissions (written into
``api_permissions`` as the portal's admin consent writes them), its app-only token from the
client-credentials grant, and a test client that sends that token to ``/graph/v1.0``."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from idp.extensions import db
from idp.models import UserAttribute
from idp.graph.permissions import GRAPH_APP_ID
from idp.store.attributes import extensions_app_id
from tests.factories import make_app_registration
from tests.portal.conftest import admin  # noqa: F401  (the portal test grants through the page)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
STRONG = "Str0ng!pass"


def graph_permissions(*roles: str, consent: bool = True) -> list[dict]:
    return [{"resource_client_id": GRAPH_APP_ID, "value": role, "type": "Application",
             "admin_consent": consent} for role in roles]


def make_graph_app(app, *roles: str, consent: bool = True, name: str = "graph-app") -> dict:
    """A confidential app with these Graph application permissions; returns its credentials."""
    return make_app_registration(app, name=name, api_permissions=graph_permissions(
        *roles, consent=consent))


def token_for(flow, creds: dict, scope: str = GRAPH_SCOPE):
    """The token endpoint's response to a client-credentials request."""
    return flow.token({"grant_type": "client_credentials", "scope": scope},
                      auth=(creds["client_id"], creds["secret"]))


@dataclass
class GraphClient:
    """The Flask test client, sending a bearer token to ``/graph/v1.0``."""

    client: object
    token: str | None

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kwargs):
        return self.client.get(f"/graph/v1.0{path}", headers=self._headers(), **kwargs)

    def post(self, path: str, body=None, **kwargs):
        return self.client.post(f"/graph/v1.0{path}", json=body, headers=self._headers(),
                                **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.client.patch(f"/graph/v1.0{path}", json=body, headers=self._headers(),
                                 **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(f"/graph/v1.0{path}", headers=self._headers(), **kwargs)


def graph_client(client, flow, app, *roles: str, name: str = "graph-app") -> GraphClient:
    creds = make_graph_app(app, *roles, name=name)
    response = token_for(flow, creds)
    assert response.status_code == 200, response.get_json()
    return GraphClient(client, response.get_json()["access_token"])


@pytest.fixture
def graph(client, flow, app) -> GraphClient:
    """The delegated-user-management sample's app: User.ReadWrite.All, Application.Read.All
    and AppRoleAssignment.ReadWrite.All."""
    return graph_client(client, flow, app, "User.ReadWrite.All", "Application.Read.All",
                        "AppRoleAssignment.ReadWrite.All")


@pytest.fixture
def ext(app) -> str:
    """The ``extension_<appIdNoDashes>_`` prefix, with custom attributes CompanyId (String),
    Level (Int) and IsAdmin (Boolean) defined."""
    with app.app_context():
        for name, data_type in (("CompanyId", "String"), ("Level", "Int"),
                                ("IsAdmin", "Boolean")):
            db.session.add(UserAttribute(name=name, name_key=name.lower(), data_type=data_type))
        db.session.commit()
        return f"extension_{extensions_app_id().replace('-', '')}_"


def new_user(email: str, display_name: str = "Jane Doe", **extra) -> dict:
    """A POST /users body for a local account signing in with ``email``."""
    return {"displayName": display_name, "accountEnabled": True,
            "identities": [{"signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com",
                            "issuerAssignedId": email}],
            "passwordProfile": {"password": STRONG, "forceChangePasswordNextSignIn": False},
            "passwordPolicies": "DisablePasswordExpiration", **extra}
