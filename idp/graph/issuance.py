"""App-only access tokens for Microsoft Graph (client credentials, RFC 6749 §4.4, scope
``https://graph.microsoft.com/.default``), shaped like Entra ID's: ``aud`` Graph, ``roles`` the
Graph application permissions granted with admin consent, ``appid``/``azp`` the client,
``sub``/``oid`` the client's service principal, ``idtyp: "app"``, no user.

An app holding no granted Graph application permission still gets a token, without ``roles``:
Entra ID does the same (the ``.default`` scope asks for "whatever was consented", which may be
nothing), and Graph then answers 403 ``Authorization_RequestDenied``.  The lab keeps that
behaviour because it is the one learners meet in Azure.
"""
from __future__ import annotations

import time

from ..engine.tokens import build_access_token_claims
from ..store import audit, keys
from .permissions import GRAPH_AUDIENCE, granted_graph_roles, service_principal_id


def graph_token_response(ctx, app) -> dict:
    """The token response body for ``app`` at the user flow ``ctx`` (a PolicyContext)."""
    now = int(time.time())
    lifetime = ctx.access_token_lifetime  # seconds, a user flow's or a custom policy's
    principal = service_principal_id(app.client_id)
    extra = {"appid": app.client_id, "idtyp": "app", "oid": principal,
             "tid": ctx.tenant.tenant_id}
    roles = granted_graph_roles(app.api_permissions)
    if roles:
        extra["roles"] = roles
    token_value = keys.sign(build_access_token_claims(
        iss=ctx.issuer, audience=GRAPH_AUDIENCE, client_id=app.client_id, subject=principal,
        policy=ctx.policy, claims=extra, scp=None, nonce=None, auth_time=None, now=now,
        lifetime=lifetime, policy_claim=ctx.props["user_flow_claim"]))
    audit.record("Validate Client Credentials", app_id=app.client_id, policy=ctx.policy,
                 resource=GRAPH_AUDIENCE, roles=" ".join(roles) or None)
    return {"access_token": token_value, "token_type": "Bearer", "not_before": now,
            "expires_in": lifetime, "expires_on": now + lifetime, "resource": GRAPH_AUDIENCE}
