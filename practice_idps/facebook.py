"""The practice Facebook: OAuth 2.0 the way Facebook Login speaks it (no OpenID Connect).

- ``GET /dialog/oauth?client_id&redirect_uri&state&scope&response_type=code``: the login dialog
- ``GET|POST /oauth/access_token`` (client_id, client_secret, redirect_uri, code):
  ``{"access_token", "token_type": "bearer", "expires_in"}``
- ``GET /me?fields=id,first_name,last_name,name,email`` with ``access_token=`` or a Bearer header

Errors have Facebook's Graph shape, ``{"error": {"message", "type": "OAuthException", "code",
"error_subcode", "fbtrace_id"}}``; the messages and codes follow what Facebook answers to the
same mistakes (from its public error reports; the exact subcodes are unverified).
"""
from __future__ import annotations

import secrets

from flask import Blueprint, Flask, jsonify, request

from . import interaction
from .credentials import comparable
from .grants import GrantError
from .personas import Persona
from .site import create_site, current_provider, send_to_client

bp = Blueprint("facebook", __name__)
#: Facebook's long-lived user access tokens last about 60 days
ACCESS_TOKEN_LIFETIME = 5183944
TOKEN_PREFIX = "EAAG"  # Facebook user access tokens start so
ME_FIELDS = ("id", "first_name", "last_name", "name", "email", "short_name", "name_format")


def create_app(settings: dict) -> Flask:
    """The practice Facebook; ``settings`` as for :func:`practice_idps.site.create_site`."""
    return create_site("facebook", settings, bp, access_token_lifetime=ACCESS_TOKEN_LIFETIME)


def graph_error(message: str, code: int, status: int = 400, subcode: int | None = None,
                **extra):
    body = {"message": message, "type": "OAuthException", "code": code}
    if subcode:
        body["error_subcode"] = subcode
    body.update(extra, fbtrace_id=secrets.token_urlsafe(8))
    return jsonify(error=body), status


@bp.get("/dialog/oauth")
def authorize():
    args = request.args
    problem = interaction.check_client(args.get("client_id", ""), args.get("redirect_uri", ""))
    if problem:
        return problem
    if args.get("response_type", "code") != "code":
        return send_to_client(args["redirect_uri"], {
            "error": "unsupported_response_type", "error_reason": "unsupported_response_type",
            "error_description": "This practice provider answers response_type=code only.",
            "state": args.get("state")})
    return interaction.begin({key: args.get(key, "") for key in
                              ("client_id", "redirect_uri", "state", "scope")})


@bp.route("/oauth/access_token", methods=["GET", "POST"])
def token():
    """Exchange a code; the same redirect_uri as in the dialog is required (Facebook)."""
    provider = current_provider()
    values = request.values
    if values.get("client_id") != provider.app_credentials.client_id:
        return graph_error("Error validating application. Invalid application ID.", 101)
    if not comparable(values.get("client_secret", ""), provider.app_credentials.client_secret):
        return graph_error("Error validating client secret.", 1)
    if not values.get("code"):
        return graph_error("Missing authorization code", 100)
    try:
        data = provider.grants.read_code(values["code"])
        if data["client_id"] != values["client_id"] or data["redirect_uri"] != values.get(
                "redirect_uri"):
            return graph_error("Error validating verification code. Please make sure your "
                               "redirect_uri is identical to the one you used in the OAuth "
                               "dialog request", 100, subcode=36008)
        provider.grants.spend_code(data)
    except GrantError as exc:
        message, subcode = {
            "expired": ("This authorization code has expired.", 36007),
            "used": ("This authorization code has been used.", 36009),
        }.get(exc.reason, ("Invalid verification code format.", 36006))
        return graph_error(message, 100, subcode=subcode)
    if data["lesson"] == "token_500":
        return graph_error("An unexpected error has occurred. Please retry your request later "
                           "(practice lesson: token endpoint fails).", 2, status=500,
                           is_transient=True)
    access_token = TOKEN_PREFIX + provider.grants.issue_access_token(
        {"persona": data["persona"], "client_id": data["client_id"], "scope": data["scope"]})
    return jsonify(access_token=access_token, token_type="bearer",
                   expires_in=ACCESS_TOKEN_LIFETIME)


def profile(persona: Persona, fields: list[str]) -> dict:
    """The Graph ``User`` node with the asked ``fields`` (Facebook's default: id and name).
    ``email`` is left out when the account has none, as Facebook does."""
    values = {"id": persona.id, "first_name": persona.given_name,
              "last_name": persona.family_name, "name": persona.name, "email": persona.email,
              "short_name": persona.given_name, "name_format": "{first} {last}"}
    return {field: values[field] for field in fields if values.get(field) is not None}


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith(("bearer ", "oauth ")):
        return header.split(None, 1)[1].strip()
    return request.values.get("access_token", "")


@bp.get("/me")
def me():
    provider = current_provider()
    token = _bearer()
    if not token:
        return graph_error("An active access token must be used to query information about "
                           "the current user.", 2500)
    try:
        data = provider.grants.check_access_token(token.removeprefix(TOKEN_PREFIX))
    except GrantError as exc:
        if exc.reason == "expired":
            return graph_error("Error validating access token: Session has expired.", 190,
                               subcode=463)
        return graph_error("Invalid OAuth access token - Cannot parse access token", 190)
    fields = [f.strip() for f in request.args.get("fields", "id,name").split(",") if f.strip()]
    unknown = [field for field in fields if field not in ME_FIELDS]
    if unknown:
        return graph_error(f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node "
                           "type (User)", 100)
    if not _granted(data["scope"], "email"):  # Facebook shares e-mail only with that permission
        fields = [field for field in fields if field != "email"]
    return jsonify(profile(Persona.from_dict(data["persona"]), fields))


def _granted(scope: str, permission: str) -> bool:
    """Facebook accepts permissions separated by commas or spaces."""
    return permission in scope.replace(",", " ").split()
