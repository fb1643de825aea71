"""Token claims exactly as B2C writes them (b2c-reference §4.1).

These functions build claim dicts only; signing is the caller's (``idp.store.keys``).  Claim
order follows real B2C tokens (exp, nbf, ver, iss, sub, aud, ...) because learners compare them
side by side.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Mapping

from authlib.oidc.core.util import create_half_hash


def issuer(public_url: str, tenant_id: str, policy: str, style: str = "tenantId") -> str:
    """``{base}/{tenantId}/v2.0/`` (B2C's default) or ``{base}/tfp/{tenantId}/{policy}/v2.0/``.

    Always from configuration, never from the request's Host header.
    """
    if style == "tfp":
        return f"{public_url}/tfp/{tenant_id}/{policy}/v2.0/"
    return f"{public_url}/{tenant_id}/v2.0/"


def output_claims(bag: Mapping[str, Any], relying_party_claims) -> dict[str, Any]:
    """Map the bag to token claim names; empty claims are left out, as B2C leaves them out."""
    out: dict[str, Any] = {}
    for claim, token_claim in relying_party_claims:
        value = bag.get(claim)
        if value in (None, "", []):
            continue
        out[token_claim] = value
    return out


def _common(*, iss: str, sub: str, aud: str, now: int, lifetime: int) -> dict[str, Any]:
    return {"exp": now + lifetime, "nbf": now, "ver": "1.0", "iss": iss, "sub": sub, "aud": aud}


def _policy_claim(policy: str, style: str) -> dict[str, str]:
    # acr carries the policy lower-cased (b2c-reference §4.1: "b2c_1a_signup_signin"); "none"
    # is a custom policy's AuthenticationContextReferenceClaimPattern None: neither claim.
    if style == "none":
        return {}
    return {"acr": policy.lower()} if style == "acr" else {"tfp": policy}


def build_id_token_claims(*, iss: str, client_id: str, subject: str, policy: str,
                          claims: Mapping[str, Any], nonce: str | None, auth_time: int, now: int,
                          lifetime: int, policy_claim: str = "tfp", code: str | None = None,
                          access_token: str | None = None) -> dict[str, Any]:
    """The ID token payload.  ``c_hash``/``at_hash`` are added when the token travels with a code
    or an access token from the authorization endpoint (OIDC Core §3.3.2.11)."""
    payload = _common(iss=iss, sub=subject, aud=client_id, now=now, lifetime=lifetime)
    if nonce is not None:
        payload["nonce"] = nonce
    payload["iat"] = now
    payload["auth_time"] = auth_time
    payload.update(claims)
    payload.update(_policy_claim(policy, policy_claim))
    if code:
        payload["c_hash"] = create_half_hash(code, "RS256").decode()
    if access_token:
        payload["at_hash"] = create_half_hash(access_token, "RS256").decode()
    return payload


def build_access_token_claims(*, iss: str, audience: str, client_id: str, subject: str,
                              policy: str, claims: Mapping[str, Any], scp: str | None,
                              nonce: str | None, auth_time: int | None, now: int, lifetime: int,
                              policy_claim: str = "tfp") -> dict[str, Any]:
    """The access token payload: ``aud`` is the resource, ``azp`` the client, ``scp`` the
    granted scopes (left out when the client asked for its own client id)."""
    payload = _common(iss=iss, sub=subject, aud=audience, now=now, lifetime=lifetime)
    if nonce is not None:
        payload["nonce"] = nonce
    payload["iat"] = now
    if auth_time is not None:
        payload["auth_time"] = auth_time
    payload.update(claims)
    if scp:
        payload["scp"] = scp
    payload["azp"] = client_id
    payload.update(_policy_claim(policy, policy_claim))
    return payload


def profile_info(tenant_id: str, claims: Mapping[str, Any], subject: str) -> str:
    """B2C's ``profile_info``: base64url JSON with ``ver``, ``tid``, ``sub`` and the name."""
    blob = {"ver": "1.0", "tid": tenant_id, "sub": subject, "name": claims.get("name"),
            "preferred_username": None, "idp": claims.get("idp")}
    raw = json.dumps(blob, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
