"""The conformance suite's conditions that several modules share: the discovery document and
``ValidateIdToken`` with its signature, subject and nonce checks."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet

from tests.factories import policy_url

SKEW = 300  # the suite's allowed clock skew, seconds


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def discovery(client) -> dict:
    return client.get(policy_url("v2.0/.well-known/openid-configuration")).get_json()


def validate_id_token(client, id_token: str, client_id: str, nonce: str | None = None) -> dict:
    """ValidateIdToken, ValidateIdTokenSignature(UsingKid), CheckForSubjectInIdToken and
    ValidateIdTokenNonce.  :return: the claims.  :raise AssertionError, JoseError: on a miss."""
    metadata = discovery(client)
    jwks = client.get(path_of(metadata["jwks_uri"])).get_json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert token.header["alg"] == "RS256"
    assert token.header["kid"] in {key["kid"] for key in jwks["keys"]}
    claims, now = token.claims, time.time()
    assert claims["iss"] == metadata["issuer"]
    assert claims["aud"] == client_id or client_id in claims["aud"]
    assert claims["exp"] > now - SKEW and claims["iat"] < now + SKEW
    assert claims["sub"]
    if nonce is not None:
        assert claims["nonce"] == nonce
    return claims
