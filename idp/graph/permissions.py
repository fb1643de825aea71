"""Microsoft Graph as a resource: its ids, the permissions B2C Lab offers, and the service
principal ids the lab derives.  Plain Python (the portal, the token endpoint and the Graph
blueprint all read it).

Graph's access tokens carry ``aud: "https://graph.microsoft.com"`` (the resource URI, not the
Graph app id ``00000003-0000-0000-c000-000000000000``), as Entra ID's app-only Graph tokens do;
the Graph API accepts exactly that audience.
"""
from __future__ import annotations

import uuid
from typing import Iterable

#: Microsoft Graph's well-known appId (its API permissions name it as the resource).
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
#: the ``aud`` of every Graph access token the lab issues, and the only one the API accepts.
GRAPH_AUDIENCE = "https://graph.microsoft.com"

#: value -> (type, Graph's permission id, display name), in the order the portal lists them.
#: The ids are Graph's own, so a manifest copied from Azure matches.
GRAPH_PERMISSIONS: dict[str, tuple[str, str, str]] = {
    "openid": ("Delegated", "37f7f235-527c-4136-accd-4a02d197296e", "Sign users in"),
    "offline_access": ("Delegated", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
                       "Maintain access to data you have given it access to"),
    "User.Read.All": ("Application", "df021288-bdef-4463-88db-98f22de89214",
                      "Read all users' full profiles"),
    "User.ReadWrite.All": ("Application", "741f803b-c850-494e-b5df-cde7c675a1ca",
                           "Read and write all users' full profiles"),
    "Application.Read.All": ("Application", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
                             "Read all applications"),
    # Graph needs this one (not User.ReadWrite.All) to create or remove a user's app role
    # assignment: "Grant an appRoleAssignment to a user" lists no other application permission.
    "AppRoleAssignment.ReadWrite.All": ("Application", "06b708a9-e830-4db3-a914-8e69da51d44f",
                                        "Manage app permission grants and app role "
                                        "assignments"),
}

#: what each kind of Graph call needs: any one of these roles in the token.
READ_USERS = ("User.Read.All", "User.ReadWrite.All")
WRITE_USERS = ("User.ReadWrite.All",)
READ_APPLICATIONS = ("Application.Read.All",)
READ_ASSIGNMENTS = ("User.Read.All", "User.ReadWrite.All", "AppRoleAssignment.ReadWrite.All")
WRITE_ASSIGNMENTS = ("AppRoleAssignment.ReadWrite.All",)

#: the namespace of the lab's service principal ids (any fixed UUID would do).
_SERVICE_PRINCIPAL_NAMESPACE = uuid.UUID("5f0c7a7e-2b1d-4c1e-9a59-b2c1ab000001")


def permission_type(value: str) -> str | None:
    """``Delegated`` or ``Application`` for a Graph permission the lab offers, else None."""
    entry = GRAPH_PERMISSIONS.get(value)
    return entry[0] if entry else None


def is_graph_resource(resource: str, public_url: str) -> bool:
    """True for the resource part of ``{resource}/.default`` that names Microsoft Graph:
    ``https://graph.microsoft.com``, the lab's own ``{IDP_PUBLIC_URL}/graph``, or Graph's app
    id (Entra ID accepts that form too).  Compared without regard to case or a final ``/``."""
    value = resource.rstrip("/").lower()
    return value in (GRAPH_AUDIENCE, f"{public_url.rstrip('/')}/graph".lower(), GRAPH_APP_ID)


def granted_graph_roles(api_permissions: Iterable[dict] | None) -> list[str]:
    """The Graph application permissions an app holds with admin consent, in catalogue order:
    the ``roles`` of its app-only Graph token."""
    granted = {p.get("value") for p in api_permissions or ()
               if p.get("resource_client_id") == GRAPH_APP_ID and p.get("admin_consent")
               and p.get("type") == "Application"}
    return [value for value, (kind, _id, _name) in GRAPH_PERMISSIONS.items()
            if kind == "Application" and value in granted]


def service_principal_id(client_id: str) -> str:
    """The object id of an app registration's service principal.

    In Azure the service principal is a separate object with its own id (not the appId); the
    lab has no such row, so it derives a stable UUID (version 5) from the client id.  Samples
    that confuse the two ids fail here as they would in Azure.
    """
    return str(uuid.uuid5(_SERVICE_PRINCIPAL_NAMESPACE, client_id.lower()))
