"""The sample relying party: a separate Flask app that signs in to B2C Lab over real OIDC HTTP.

Authlib's client discovers each user flow from its metadata URL, runs the code flow with PKCE,
a nonce and the client secret, and validates the ID token (signature via JWKS, iss, aud, nonce,
exp).  It never imports ``idp``.  Pages: Home, Sign in, Claims, Edit profile, Reset password,
Refresh tokens, Call API, Admin
(needs the Admin app role in extension_AppRoles, lab 05), Sign out.
"""
from __future__ import annotations

import secrets

from authlib.integrations.flask_client import OAuth
from flask import Flask, request, session
from flask_wtf.csrf import CSRFProtect

from .token_store import TokenStore

CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}"
#: which user flow each page runs (RP_POLICIES overrides)
DEFAULT_POLICIES = {"signin": "B2C_1_susi", "edit": "B2C_1_profile_edit",
                    "reset": "B2C_1_password_reset"}


def create_app(config: dict) -> Flask:
    """Build the sample app.

    ``config`` needs RP_CLIENT_ID, RP_CLIENT_SECRET, RP_PUBLIC_URL (its own base URL, e.g.
    http://localhost:5000/rp), RP_AUTHORITY (``{base}/{tenant}.onmicrosoft.com``), RP_API_SCOPE
    (its API's scope URI), RP_TOKEN_STORE (a SQLite file path) and SECRET_KEY.
    """
    app = Flask(__name__, static_folder="static")
    # WTF_CSRF_SSL_STRICT off: its https Referer check fails under our no-referrer policy.
    app.config.update(SESSION_COOKIE_NAME="rp_session", SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_HTTPONLY=True, RP_POLICIES=DEFAULT_POLICIES,
                      WTF_CSRF_SSL_STRICT=False)
    app.config.update(config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["RP_PUBLIC_URL"].startswith("https://")
    app.json.sort_keys = False
    oauth = OAuth(app)
    api_scope = app.config.get("RP_API_SCOPE", "")
    scopes = {"signin": f"openid offline_access {api_scope}".strip(),
              "edit": f"openid offline_access {api_scope}".strip(), "reset": "openid"}
    app.extensions["b2c_clients"] = {
        page: oauth.register(
            f"b2c_{page}", client_id=app.config["RP_CLIENT_ID"],
            client_secret=app.config["RP_CLIENT_SECRET"],
            server_metadata_url=f"{app.config['RP_AUTHORITY']}/{policy}/v2.0/"
                                ".well-known/openid-configuration",
            client_kwargs={"scope": scopes[page], "code_challenge_method": "S256"})
        for page, policy in app.config["RP_POLICIES"].items()}
    app.extensions["rp_tokens"] = TokenStore(app.config["RP_TOKEN_STORE"])
    csrf = CSRFProtect(app)
    from . import api, auth, roles
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(roles.bp)
    csrf.exempt(auth.signin_callback)  # form_post responses come from the IdP, with state
    csrf.exempt(api.claims)            # an API: bearer tokens, no cookies

    @app.after_request
    def _headers(response):
        idp_origin = app.config["RP_PUBLIC_URL"].rsplit("/rp", 1)[0]
        # Only the front-channel logout page may be framed, and only by the IdP.
        ancestors = idp_origin if request.path.endswith("/signout-oidc") else "'none'"
        response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
    return app


def current_tokens() -> dict | None:
    from flask import current_app

    return current_app.extensions["rp_tokens"].get(session.get("sid"))


def new_token_session(tokens: dict) -> None:
    """A new session key at every sign-in; the old tokens are forgotten."""
    from flask import current_app

    store = current_app.extensions["rp_tokens"]
    store.delete(session.get("sid"))
    session["sid"] = secrets.token_urlsafe(24)
    store.put(session["sid"], tokens)
