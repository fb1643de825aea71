"""The sample app's protected API (``/rp/api/claims``) and the Call API page.

The API validates the access token itself, as any resource server must: RS256 signature with a
key from the tenant's JWKS (never ``alg: none``, never a key the token brings), ``iss``,
``aud`` (the API's own application id), ``scp``, ``exp`` and ``nbf``.  Failures answer 401 or
403 with ``WWW-Authenticate`` (RFC 6750 §3).
"""
from __future__ import annotations

import time

import requests
from flask import Blueprint, current_app, jsonify, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

bp = Blueprint("api", __name__)
REQUIRED_SCOPE = "demo.read"
LEEWAY = 60


def _challenge(status: int, error: str, description: str):
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="rp-demo-api", error="{error}", error_description="{description}"')
    return response


def validate_access_token(token: str, metadata: dict, audience: str) -> dict:
    """The token's claims when it is valid for this API.

    :raise ValueError: with the reason (shown in ``error_description``).
    """
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    try:
        decoded = jwt.decode(token, keys, algorithms=["RS256"])
    except (JoseError, ValueError) as error:
        raise ValueError(f"signature check failed ({error.__class__.__name__})") from None
    claims, now = decoded.claims, time.time()
    if claims.get("iss") != metadata["issuer"]:
        raise ValueError("the token was issued by another issuer")
    if claims.get("aud") != audience:
        raise ValueError("the token is for another audience")
    if not isinstance(claims.get("exp"), int) or claims["exp"] < now - LEEWAY:
        raise ValueError("the token has expired")
    if isinstance(claims.get("nbf"), int) and claims["nbf"] > now + LEEWAY:
        raise ValueError("the token is not valid yet")
    return claims


@bp.get("/api/claims")
def claims():
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        response = jsonify({"error": "invalid_request",
                            "error_description": "send an access token: Authorization: Bearer"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="rp-demo-api"'
        return response
    metadata = current_app.extensions["b2c_clients"]["signin"].load_server_metadata()
    try:
        token_claims = validate_access_token(header[7:].strip(), metadata,
                                             current_app.config["RP_CLIENT_ID"])
    except ValueError as reason:
        return _challenge(401, "invalid_token", str(reason))
    if REQUIRED_SCOPE not in str(token_claims.get("scp", "")).split():
        return _challenge(403, "insufficient_scope", f"the token lacks the {REQUIRED_SCOPE} scope")
    return jsonify({"message": "Hello from the protected API", "caller": token_claims})


@bp.get("/call-api")
def call_api():
    """Call the API over HTTP with the signed-in user's access token."""
    from . import current_tokens

    tokens = current_tokens()
    if not tokens or not tokens.get("access_token"):
        return render_template("rp/call_api.html", result=None, status=None,
                               problem="Sign in first: the app has no access token."), 401
    response = requests.get(f"{current_app.config['RP_PUBLIC_URL']}/api/claims", timeout=10,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})
    return render_template("rp/call_api.html", result=response.json(),
                           status=response.status_code,
                           challenge=response.headers.get("WWW-Authenticate"), problem=None)
