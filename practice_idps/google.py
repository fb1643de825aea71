"""The practice Google: OpenID Connect the way Google Identity speaks it.

- ``GET /.well-known/openid-configuration`` (issuer: this provider's root)
- ``GET /o/oauth2/v2/auth``: the account chooser (response_mode query or form_post)
- ``POST /token``: code -> access_token, RS256 ``id_token`` (client_secret_post or _basic)
- ``GET /oauth2/v3/certs``: the JWKS;  ``GET|POST /v1/userinfo``: the profile

Errors have Google's OAuth shape ``{"error", "error_description"}`` (OpenID Connect Core 1.0
§3.1.3.4; the descriptions are Google's usual terse ones).
"""
from __future__ import annotations

import base64
import hashlib
import time

from flask import Blueprint, Flask, jsonify, request
from joserfc import jwt

from . import credentials, interaction
from .grants import GrantError
from .personas import Persona
from .site import create_site, current_provider, send_to_client

bp = Blueprint("google", __name__)
ACCESS_TOKEN_LIFETIME = 3599
ID_TOKEN_LIFETIME = 3600
TOKEN_PREFIX = "ya29."  # Google access tokens start so
CLAIMS = ["aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss",
          "name", "nonce", "sub", "azp", "at_hash"]


def create_app(settings: dict) -> Flask:
    """The practice Google; ``settings`` as for :func:`practice_idps.site.create_site`."""
    return create_site("google", settings, bp, access_token_lifetime=ACCESS_TOKEN_LIFETIME)


def oauth_error(error: str, description: str, status: int = 400):
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


@bp.get("/.well-known/openid-configuration")
def discovery():
    provider = current_provider()
    return jsonify({
        "issuer": provider.root,
        "authorization_endpoint": provider.url("/o/oauth2/v2/auth"),
        "token_endpoint": provider.url("/token"),
        "userinfo_endpoint": provider.url("/v1/userinfo"),
        "jwks_uri": provider.url("/oauth2/v3/certs"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": CLAIMS,
        "grant_types_supported": ["authorization_code"],
    })


@bp.get("/oauth2/v3/certs")
def jwks():
    key = current_provider().signing_key
    response = jsonify(keys=[{**key.as_dict(private=False), "alg": "RS256", "use": "sig"}])
    response.cache_control.public, response.cache_control.max_age = True, 300
    return response


@bp.get("/o/oauth2/v2/auth")
def authorize():
    args = request.args
    problem = interaction.check_client(args.get("client_id", ""), args.get("redirect_uri", ""))
    if problem:
        return problem
    mode = args.get("response_mode") or "query"
    params = {key: args.get(key, "") for key in
              ("client_id", "redirect_uri", "state", "scope", "nonce")}
    params["response_mode"] = mode if mode in ("query", "form_post") else "query"
    error = None
    if mode not in ("query", "form_post"):
        error = ("invalid_request", f"Invalid response_mode: {mode}")
    elif args.get("response_type") != "code":
        error = ("unsupported_response_type",
                 "This practice provider answers response_type=code only.")
    elif "openid" not in params["scope"].split():
        error = ("invalid_scope", "Some requested scopes were invalid: the openid scope is "
                                  "required.")
    if error:
        return send_to_client(params["redirect_uri"], {"error": error[0],
                              "error_description": error[1], "state": params["state"]},
                              params["response_mode"])
    return interaction.begin(params)


def _client_auth() -> tuple[str, str]:
    """client_secret_basic (Authorization header) or client_secret_post (form)."""
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.username or "", request.authorization.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def id_token(data: dict, access_token: str) -> str:
    """The RS256 ID token; the lessons sign it with an unpublished key (same ``kid``) or put
    a nonce in it that the client never sent."""
    provider = current_provider()
    persona = Persona.from_dict(data["persona"])
    now = int(time.time())
    claims = {"iss": provider.root, "azp": data["client_id"], "aud": data["client_id"],
              "sub": persona.id, "email": persona.email,
              "email_verified": persona.email_verified, "at_hash": _at_hash(access_token),
              "nonce": data.get("nonce") or None, "name": persona.name,
              "given_name": persona.given_name, "family_name": persona.family_name,
              "iat": now, "exp": now + ID_TOKEN_LIFETIME}
    if data["lesson"] == "wrong_nonce":
        claims["nonce"] = "practice-lesson-wrong-nonce"
    key = provider.signing_key
    if data["lesson"] == "bad_signature":
        key = credentials.signing_key(provider.folder, "wrong_key.json")
    header = {"alg": "RS256", "kid": provider.signing_key.kid, "typ": "JWT"}
    return jwt.encode(header, {k: v for k, v in claims.items() if v is not None}, key)


@bp.post("/token")
def token():
    provider = current_provider()
    if request.form.get("grant_type") != "authorization_code":
        return oauth_error("unsupported_grant_type",
                           f"Invalid grant_type: {request.form.get('grant_type', '')}")
    client_id, client_secret = _client_auth()
    if client_id != provider.app_credentials.client_id:
        return oauth_error("invalid_client", "The OAuth client was not found.", 401)
    if not credentials.comparable(client_secret, provider.app_credentials.client_secret):
        return oauth_error("invalid_client", "Unauthorized", 401)
    try:
        data = provider.grants.read_code(request.form.get("code", ""))
        if data["client_id"] != client_id:
            return oauth_error("invalid_grant", "Bad Request")
        if data["redirect_uri"] != request.form.get("redirect_uri"):
            return oauth_error("redirect_uri_mismatch", "Bad Request")
        provider.grants.spend_code(data)
    except GrantError as exc:
        return oauth_error("invalid_grant", "Malformed auth code." if exc.reason ==
                           "malformed" else "Bad Request")
    if data["lesson"] == "token_500":
        return oauth_error("internal_failure", "Backend Error (practice lesson: token "
                                               "endpoint fails)", 500)
    access_token = TOKEN_PREFIX + provider.grants.issue_access_token(
        {"persona": data["persona"], "client_id": client_id, "scope": data["scope"]})
    response = jsonify(access_token=access_token, expires_in=ACCESS_TOKEN_LIFETIME,
                       scope=data["scope"], token_type="Bearer",
                       id_token=id_token(data, access_token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/v1/userinfo", methods=["GET", "POST"])
def userinfo():
    provider = current_provider()
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else \
        request.values.get("access_token", "")
    try:
        data = provider.grants.check_access_token(token.removeprefix(TOKEN_PREFIX))
    except GrantError:
        response = oauth_error("invalid_request", "Invalid Credentials", 401)
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    persona = Persona.from_dict(data["persona"])
    info = {"sub": persona.id, "name": persona.name, "given_name": persona.given_name,
            "family_name": persona.family_name, "email": persona.email,
            "email_verified": persona.email_verified}
    return jsonify({key: value for key, value in info.items() if value is not None})
