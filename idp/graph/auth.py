"""The Graph API checks its bearer token itself (RFC 6750 §2.1): an RS256 signature by one of
the tenant's keys, an issuer of this tenant (the default ``{url}/{tenantId}/v2.0/`` or the
``/tfp/`` form of any user flow), ``aud`` Graph, ``nbf``/``exp``; then, per endpoint, one of the
application permissions (``roles``) the call needs.

401 ``InvalidAuthenticationToken`` for a missing or bad token; 403
``Authorization_RequestDenied`` for a valid token without the role, as Graph answers.
"""
from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass

from flask import g, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..engine.tokens import issuer
from ..extensions import db
from ..models import UserFlow
from ..store import keys
from ..store.tenant import current_tenant, public_url
from .errors import GraphError, denied
from .permissions import GRAPH_AUDIENCE

#: clock skew tolerated on ``nbf`` and ``exp``, in seconds (Entra ID allows 5 minutes).
LEEWAY = 300


@dataclass(frozen=True)
class Caller:
    """Who calls: the client app (``azp``/``appid``) and its application permissions."""

    app_id: str
    roles: frozenset[str]


def _invalid(message: str) -> GraphError:
    return GraphError("InvalidAuthenticationToken", message)


@functools.lru_cache(maxsize=4)
def _key_set(published: str) -> KeySet:
    return KeySet.import_key_set(json.loads(published))


def _issuers() -> set[str]:
    tenant_id = current_tenant().tenant_id
    names = db.session.execute(db.select(UserFlow.name)).scalars()
    return {issuer(public_url(), tenant_id, "", "tenantId").lower()} | {
        issuer(public_url(), tenant_id, name, "tfp").lower() for name in names}


def _claims(value: str) -> dict:
    try:
        token = jwt.decode(value, _key_set(json.dumps(keys.jwks(), sort_keys=True)),
                           algorithms=["RS256"])
    except (JoseError, ValueError, TypeError):
        raise _invalid("Access token validation failure: the token is malformed or its "
                       "signature is not from this tenant's keys.") from None
    return token.claims


def _check_claims(claims: dict) -> None:
    now = time.time()
    if str(claims.get("iss", "")).lower() not in _issuers():
        raise _invalid("Access token validation failure. Invalid issuer.")
    if claims.get("aud") != GRAPH_AUDIENCE:
        raise _invalid(f"Access token validation failure. Invalid audience: ask for the scope "
                       f"'{GRAPH_AUDIENCE}/.default'.")
    if not isinstance(claims.get("exp"), int) or claims["exp"] + LEEWAY < now:
        raise _invalid("Lifetime validation failed, the token is expired.")
    if isinstance(claims.get("nbf"), int) and claims["nbf"] - LEEWAY > now:
        raise _invalid("Lifetime validation failed, the token is not yet valid.")


def authenticate() -> Caller:
    """The caller of this request.  :raise GraphError: 401 for a missing or invalid token."""
    header = request.headers.get("Authorization", "")
    match = re.fullmatch(r"(?i)bearer\s+(\S+)", header.strip())
    if not match:
        raise _invalid("Access token is empty.")
    claims = _claims(match.group(1))
    _check_claims(claims)
    roles = claims.get("roles") if isinstance(claims.get("roles"), list) else []
    return Caller(str(claims.get("appid") or claims.get("azp") or ""),
                  frozenset(r for r in roles if isinstance(r, str)))


def require(*roles: str):
    """Decorate a view: authenticate, then demand one of ``roles``; ``g.graph_caller`` is the
    :class:`Caller`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller = authenticate()
            if not caller.roles.intersection(roles):
                raise denied(f"This call needs one of these application permissions: "
                             f"{', '.join(roles)}.")
            g.graph_caller = caller
            return view(*args, **kwargs)
        return wrapper
    return decorate


def caller() -> Caller:
    return g.graph_caller
