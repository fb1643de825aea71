"""The provider's "developer console": the one app registered there, with the credentials and
redirect URIs an attendee copies into B2C Lab's Identity providers blade, and the same as JSON
for ``labs solve`` and the tests."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from .personas import SEEDED
from .site import current_provider

bp = Blueprint("console", __name__)


def endpoints() -> list[tuple[str, str]]:
    """(name, URL) of the provider's protocol endpoints, as its documentation lists them."""
    provider = current_provider()
    if provider.kind == "facebook":
        return [("Login dialog", provider.url("/dialog/oauth")),
                ("Access token", provider.url("/oauth/access_token")),
                ("Graph API /me", provider.url("/me?fields=id,first_name,last_name,name,email"))]
    return [("Discovery document", provider.url("/.well-known/openid-configuration")),
            ("Authorization", provider.url("/o/oauth2/v2/auth")),
            ("Token", provider.url("/token")),
            ("Keys (JWKS)", provider.url("/oauth2/v3/certs")),
            ("UserInfo", provider.url("/v1/userinfo"))]


@bp.get("/")
def index():
    return render_template("practice/console.html", endpoints=endpoints(),
                           personas_list=SEEDED[current_provider().kind])


@bp.get("/developers/app.json")
def app_json():
    provider = current_provider()
    return jsonify(client_id=provider.app_credentials.client_id,
                   client_secret=provider.app_credentials.client_secret,
                   redirect_uris=provider.redirect_uris)
