"""Authlib's requests client (OAuth2Session) as a strict relying party: the code flow with
PKCE, then the id_token checked the way Authlib's OpenID client parses it (signature against
the JWKS, iss, aud, nonce, exp, at_hash), a refresh, and client credentials.

Authlib's default client authentication is client_secret_basic; MSAL, openid-client and
msal-node use client_secret_post, so both methods are exercised.
"""
from __future__ import annotations

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidClaimError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from .browser import jwt_claims, sign_in


def validate_id_token(token: dict, metadata: dict, jwks: dict, client_id: str,
                      nonce: str | None) -> dict:
    """The checks of Authlib's ``parse_id_token`` (1.9): RS256 signature by a JWKS key, then
    iss, aud, exp, iat, nonce and at_hash.  :raise JoseError: on the first that fails."""
    decoded = jwt.decode(token["id_token"], KeySet.import_key_set(jwks),
                         registry=JWSRegistry(
                             algorithms=metadata["id_token_signing_alg_values_supported"]))
    claims = CodeIDToken(decoded.claims, decoded.header,
                         {"iss": {"values": [metadata["issuer"]]}},
                         {"client_id": client_id, "nonce": nonce,
                          "access_token": token.get("access_token")})
    claims.validate(leeway=120)
    return dict(claims)


@pytest.fixture
def metadata(https_idp):
    return requests.get(https_idp.well_known_url, timeout=10).json()


def _signed_in_session(https_idp, interop_user, metadata):
    session = OAuth2Session(https_idp.client_id, https_idp.client_secret,
                            scope=f"openid offline_access {https_idp.api_scope}",
                            redirect_uri=https_idp.redirect_uri, code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(20)
    url, _state = session.create_authorization_url(metadata["authorization_endpoint"],
                                                   nonce=nonce, code_verifier=verifier)
    response = sign_in(https_idp.base_url, url, https_idp.redirect_uri, *interop_user)
    token = session.fetch_token(metadata["token_endpoint"], authorization_response=response.url,
                                code_verifier=verifier)
    return session, token, nonce


def test_authlib_client_code_flow_and_refresh(https_idp, interop_user, metadata):
    jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
    session, token, nonce = _signed_in_session(https_idp, interop_user, metadata)
    claims = validate_id_token(token, metadata, jwks, https_idp.client_id, nonce)
    assert claims["emails"] == [interop_user[0]]
    assert claims["exp"] > claims["iat"]

    refreshed = session.refresh_token(metadata["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    again = validate_id_token(refreshed, metadata, jwks, https_idp.client_id, None)
    assert again["sub"] == claims["sub"]

    app_only = OAuth2Session(https_idp.client_id, https_idp.client_secret).fetch_token(
        metadata["token_endpoint"], grant_type="client_credentials",
        scope=f"{https_idp.client_id}/.default")
    assert jwt_claims(app_only["access_token"])["sub"] == https_idp.client_id


def test_the_strict_checks_do_reject(https_idp, interop_user, metadata):
    """The validator above is strict: a wrong nonce or a changed signature fails."""
    jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
    _session, token, nonce = _signed_in_session(https_idp, interop_user, metadata)
    with pytest.raises(InvalidClaimError):
        validate_id_token(token, metadata, jwks, https_idp.client_id, nonce + "x")
    head, body, signature = token["id_token"].split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    forged = {**token, "id_token": f"{head}.{body}.{flipped}"}
    with pytest.raises(BadSignatureError):
        validate_id_token(forged, metadata, jwks, https_idp.client_id, nonce)
