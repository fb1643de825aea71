"""The checks of what an identity provider sent back: the ID token (signature against the
provider's JWKS, ``iss``, ``aud``, ``nonce``, ``exp``; OIDC Core §3.1.3.7, with joserfc) and the
claims mapping into the bag.  Pure functions: the engine's tests sign real tokens to try them.
"""
from __future__ import annotations

import hmac
from typing import Any, Mapping

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

#: mapping field (the blade's "Identity provider claims mapping") -> the claim it fills
MAPPED_CLAIMS = {"user_id": "issuerUserId", "display_name": "displayName",
                 "given_name": "givenName", "surname": "surname", "email": "email"}
#: seconds of clock skew accepted on the ID token's exp
LEEWAY = 300


class InvalidIdToken(Exception):
    """The ID token failed a check; the message says which, in plain words."""


def map_claims(mapping: Mapping[str, str], provider_claims: Mapping[str, Any]) -> dict[str, str]:
    """The bag claims the provider's claims fill, by the provider's claims mapping; missing or
    empty ones are left out.  ``issuerUserId`` is a string (Facebook ids are numbers in some
    SDKs)."""
    bag: dict[str, str] = {}
    for mapping_field, claim in MAPPED_CLAIMS.items():
        value = provider_claims.get(mapping.get(mapping_field, ""))
        if value not in (None, "") and not isinstance(value, (dict, list)):
            bag[claim] = str(value)
    return bag


def validate_id_token(token: str, jwks: Mapping[str, Any], *, issuer: str | None,
                      client_id: str, nonce: str, now: float) -> dict[str, Any]:
    """The ID token's claims once its signature verifies with one of the provider's keys and
    ``iss``, ``aud``, ``nonce`` and ``exp`` hold (OIDC Core §3.1.3.7).

    :raise InvalidIdToken: naming the check that failed.
    """
    try:
        keys = KeySet.import_key_set(dict(jwks))
    except (JoseError, ValueError, TypeError, KeyError) as problem:
        raise InvalidIdToken(f"the provider's JWKS could not be read ({problem})") from None
    try:
        claims = dict(jwt.decode(token, keys, algorithms=["RS256", "ES256", "PS256"]).claims)
    except (JoseError, ValueError, TypeError) as problem:
        raise InvalidIdToken("the ID token's signature does not verify with any key of the "
                             f"provider's JWKS ({problem.__class__.__name__})") from None
    if issuer is not None and claims.get("iss") != issuer:
        raise InvalidIdToken(f"the ID token's issuer is '{claims.get('iss')}', but the "
                             f"provider's metadata says '{issuer}'")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise InvalidIdToken(f"the ID token was issued to '{audience}', not to this tenant's "
                             f"client ID '{client_id}'")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise InvalidIdToken("the ID token's nonce is not the one B2C Lab sent (a replayed or "
                             "forged token)")
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)) or expires + LEEWAY < now:
        raise InvalidIdToken("the ID token has expired (or carries no exp)")
    return claims
