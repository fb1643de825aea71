"""The sample's ``B2cGraphService`` over HTTP: an app-only token from the client-credentials
grant (scope ``https://graph.microsoft.com/.default``) at the user flow's token endpoint, then
B2C Lab's Microsoft Graph at ``/graph/v1.0`` (README "Graph API").

Users are listed with ``$select=id,displayName,identities`` and the three custom attributes by
their Graph names, optionally ``$filter``-ed on the company; a user counts only when it has at
least one of those attributes (the sample's "real B2C user" test).  Every failure becomes a
:class:`GraphProblem` whose message says what to fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import requests

from .lab_settings import LabSettings

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TIMEOUT = 10
ATTRIBUTES = ("CompanyId", "DelegatedUserManagementRole", "InvitationCode")


class GraphProblem(Exception):
    """A Graph call failed; ``str()`` is a message for the page."""


@dataclass
class LabUser:
    id: str
    name: str | None
    sign_in_names: list[str]
    company_id: str | None
    role: str | None
    invitation_code: str | None


class B2cGraphService:
    def __init__(self, settings: LabSettings, idp_url: str, tenant: str) -> None:
        if not settings.can_call_graph:
            raise GraphProblem("The lab app cannot call Graph yet: enter "
                               f"{', '.join(settings.missing())} on the Settings page.")
        self.settings = settings
        self.authority = f"{idp_url}/{tenant}.onmicrosoft.com/{settings.user_flow}"
        self.graph = f"{idp_url}/graph/v1.0"
        self._token: str | None = None

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            return requests.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as failed:
            raise GraphProblem(f"Could not reach {url} ({type(failed).__name__}).") from None

    def token(self) -> str:
        if self._token is None:
            response = self._call("POST", f"{self.authority}/oauth2/v2.0/token",
                                  data={"grant_type": "client_credentials",
                                        "scope": GRAPH_SCOPE},
                                  auth=(self.settings.client_id, self.settings.client_secret))
            body = _json(response)
            if response.status_code != 200 or "access_token" not in body:
                why = body.get("error_description") or body.get("error") or response.status_code
                raise GraphProblem(f"The token endpoint refused the client credentials: {why}")
            self._token = body["access_token"]
        return self._token

    def _graph(self, method: str, path_or_url: str, **kwargs) -> dict:
        url = path_or_url if path_or_url.startswith("http") else self.graph + path_or_url
        response = self._call(method, url, headers={"Authorization": f"Bearer {self.token()}"},
                              **kwargs)
        if response.status_code >= 400:
            error = _json(response).get("error") or {}
            message = error.get("message", response.text[:200])
            raise GraphProblem(f"Graph answered {response.status_code} "
                               f"{error.get('code', '')}: {message}")
        return _json(response)

    def users(self, company_id: str | None = None) -> list[LabUser]:
        """Every user with at least one of the lab's attributes (of one company if given)."""
        names = [self.settings.graph_name(a) for a in ATTRIBUTES]
        params = {"$select": ",".join(["id", "displayName", "identities", *names])}
        if company_id is not None:
            quoted = company_id.replace("'", "''")
            params["$filter"] = f"{names[0]} eq '{quoted}'"
        found, url = [], "/users"
        while url:
            page = self._graph("GET", url, params=params)
            params = None  # the next link carries them
            found += [_user(u, names) for u in page.get("value", []) if any(n in u for n in names)]
            url = page.get("@odata.nextLink")
        return sorted(found, key=lambda u: (u.company_id or "", u.role or "", u.name or ""))

    def has_users(self) -> bool:
        return bool(self.users())

    def update_user(self, user_id: str, name: str, company_id: str | None,
                    role: str) -> None:
        self._graph("PATCH", f"/users/{quote(user_id, safe='')}", json={
            "displayName": name, self.settings.graph_name("CompanyId"): company_id,
            self.settings.graph_name("DelegatedUserManagementRole"): role})

    def delete_user(self, user_id: str) -> None:
        self._graph("DELETE", f"/users/{quote(user_id, safe='')}")

    def user(self, user_id: str) -> LabUser:
        """:raise GraphProblem: 404 when no user has this id."""
        names = [self.settings.graph_name(a) for a in ATTRIBUTES]
        record = self._graph("GET", f"/users/{quote(user_id, safe='')}",
                             params={"$select": ",".join(["id", "displayName", "identities",
                                                           *names])})
        return _user(record, names)


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _user(record: dict, names: list[str]) -> LabUser:
    signs = [i.get("issuerAssignedId") for i in record.get("identities") or []
             if i.get("signInType") in ("emailAddress", "userName", "federated")]
    return LabUser(record["id"], record.get("displayName"), signs, record.get(names[0]),
                   record.get(names[1]), record.get(names[2]))
