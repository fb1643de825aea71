"""Scope rules of B2C (b2c-reference §3.5).

``openid`` asks for an ID token, ``offline_access`` for a refresh token, the app's own client id
or an API scope (``https://{tenant}.onmicrosoft.com/{api}/{scope}``) for an access token whose
``aud`` is that resource.  ``openid`` alone gives no access token.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .errors import B2CError

OIDC_SCOPES = {"openid", "offline_access", "profile", "email"}
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

#: (scope string) -> (resource client id, scope name) or None when no app exposes it.
ApiScopeResolver = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class ScopeRequest:
    openid: bool
    offline_access: bool
    resource: str | None         # client id of the access token's audience
    scp: tuple[str, ...]         # granted API scope names (empty for the own-client-id form)
    requested: tuple[str, ...]   # every scope as asked, in order

    @property
    def wants_access_token(self) -> bool:
        return self.resource is not None


def parse_scope(scope: str, client_id: str, resolve_api_scope: ApiScopeResolver) -> ScopeRequest:
    """Split and check ``scope``.

    :raise B2CError: AADB2C90055 for a bare name that is no resource, AADB2C90117 for an API
        scope no app exposes, AADB2C90146 when two resources are asked for at once, AADB2C90205
        for another app's client id.
    """
    requested = tuple(s for s in scope.split(" ") if s)
    resources: set[str] = set()
    scp: list[str] = []
    for item in requested:
        if item in OIDC_SCOPES:
            continue
        if item.lower() == client_id.lower():
            resources.add(client_id)
        elif GUID_RE.match(item):
            raise B2CError("AADB2C90205", error="invalid_scope", hint=(
                "Asking for another application's client id is not allowed: ask for one of the "
                "scopes it exposes (Expose an API) and grant the permission."))
        elif item.startswith(("https://", "http://")):
            found = resolve_api_scope(item)
            if found is None:
                raise B2CError("AADB2C90117", item, error="invalid_scope", hint=(
                    "No app registration exposes this scope: check Expose an API on the "
                    "API's registration."))
            resources.add(found[0])
            scp.append(found[1])
        else:
            raise B2CError("AADB2C90055", item, error="invalid_scope")
    if len(resources) > 1:
        raise B2CError("AADB2C90146", scope, error="invalid_scope")
    return ScopeRequest("openid" in requested, "offline_access" in requested,
                        next(iter(resources), None), tuple(scp), requested)
