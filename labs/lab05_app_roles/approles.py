"""What ``POST /api/approles/getapproles`` answers, exactly as the Authorization-AppRoles sample's
``AppRolesController`` and ``AzureADAppRolesProvider`` do (b2c-reference §2.2):

1. read ``objectId`` and ``client_id`` from the body (a missing one is an error);
2. Graph ``GET /servicePrincipals?$filter=appId eq '{client_id}'``: exactly one expected;
3. Graph ``GET /users/{objectId}/appRoleAssignments?$filter=resourceId eq {spId}``;
4. the service principal's ``appRoles`` whose ``id`` is an assigned ``appRoleId``, in the
   service principal's order, by ``value``;
5. Continue with the values space-joined (custom attributes cannot hold a list), or ``null``
   when there are none; any error ends the flow with ShowBlockPage.

Like the sample, only the first page of each Graph answer is read.  Plain Python: the Graph
reader is passed in, so tests can give it any answers.
"""
from __future__ import annotations

from typing import Any, Protocol

SUCCEEDED = "Your app roles were successfully determined."
FAILED = "An error occurred while determining your app roles, please try again later."
DEFAULT_ATTRIBUTE = "extension_AppRoles"


class GraphReader(Protocol):
    def get(self, path: str, params: dict | None = None) -> dict:
        """The JSON of a Graph GET.  :raise Exception: on any failure."""


class RolesError(Exception):
    """Why the roles could not be determined (shown on the lab app's log page)."""


def _text(body: Any, key: str) -> str:
    if not isinstance(body, dict) or key not in body:
        raise RolesError(f"The request body has no \"{key}\".")
    value = body[key]
    if not isinstance(value, str) or not value:
        raise RolesError(f"\"{key}\" in the request body is not a non-empty string.")
    return value


def app_roles(graph: GraphReader, object_id: str, client_id: str) -> list[str]:
    """The values of the app roles ``object_id`` holds on the app ``client_id``.

    :raise RolesError: when the app has no service principal, or several.
    :raise Exception: whatever the Graph reader raises.
    """
    found = graph.get("/servicePrincipals",
                      {"$filter": f"appId eq '{client_id}'"}).get("value") or []
    if len(found) != 1:
        raise RolesError(f"App roles could not be determined for app \"{client_id}\": "
                         f"{len(found)} service principals have this appId (one expected).")
    principal = found[0]
    assignments = graph.get(f"/users/{object_id}/appRoleAssignments",
                            {"$filter": f"resourceId eq {principal['id']}"}).get("value") or []
    assigned = {a.get("appRoleId") for a in assignments}
    return [role["value"] for role in principal.get("appRoles") or ()
            if role.get("id") in assigned]


def response(action: str, message: str, attribute: str, roles: str | None) -> dict:
    """The sample's response body: the attribute key is there even when its value is null."""
    return {"version": "1.0.0", "action": action, "userMessage": message, attribute: roles}


def answer(body: Any, graph: GraphReader,
           attribute: str = DEFAULT_ATTRIBUTE) -> tuple[dict, str | None]:
    """The connector's answer to ``body`` (always HTTP 200), and why it failed (or None)."""
    try:
        roles = app_roles(graph, _text(body, "objectId"), _text(body, "client_id"))
    except Exception as error:  # the sample catches everything: B2C gets a block page
        return response("ShowBlockPage", FAILED, attribute, None), str(error) or repr(error)
    return response("Continue", SUCCEEDED, attribute, " ".join(roles) or None), None
