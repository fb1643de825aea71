"""The sample relying party: a separate Flask app that signs in to B2C Lab over real OIDC HTTP.

Authlib's client discovers the IdP from the metadata URL, runs the code flow with PKCE, a nonce
and the client secret, and validates the ID token (signature via JWKS, iss, aud, nonce, exp).
It never imports ``idp``.
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, render_template, request, session

from .claims import meaning

CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}"


def create_app(config: dict) -> Flask:
    """Build the sample app; ``config`` needs RP_CLIENT_ID, RP_CLIENT_SECRET, RP_METADATA_URL,
    RP_PUBLIC_URL (its own base URL, e.g. http://localhost:5000/rp) and SECRET_KEY."""
    app = Flask(__name__, static_folder="static")
    app.config.update(SESSION_COOKIE_NAME="rp_session", SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_HTTPONLY=True)
    app.config.update(config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["RP_PUBLIC_URL"].startswith("https://")
    app.json.sort_keys = False
    oauth = OAuth(app)
    oauth.register(
        "b2c", client_id=app.config["RP_CLIENT_ID"],
        client_secret=app.config["RP_CLIENT_SECRET"],
        server_metadata_url=app.config["RP_METADATA_URL"],
        client_kwargs={"scope": "openid offline_access", "code_challenge_method": "S256"})
    _routes(app, oauth.b2c)

    @app.after_request
    def _headers(response):
        idp_origin = app.config["RP_PUBLIC_URL"].rsplit("/rp", 1)[0]
        # Only the front-channel logout page may be framed, and only by the IdP.
        ancestors = f"{idp_origin}" if request.path.endswith("/signout-oidc") else "'none'"
        response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
    return app


def _routes(app: Flask, b2c) -> None:
    base = app.config["RP_PUBLIC_URL"]

    @app.get("/")
    def home():
        return render_template("rp/home.html", user=session.get("user"),
                               message=session.pop("message", None))

    @app.get("/signin")
    def signin():
        return b2c.authorize_redirect(f"{base}/signin-oidc", prompt=request.args.get("prompt"))

    @app.route("/signin-oidc", methods=["GET", "POST"])
    def signin_callback():
        if request.values.get("error"):
            return render_template("rp/error.html", error=request.values["error"],
                                   description=request.values.get("error_description", "")), 400
        try:
            token = b2c.authorize_access_token()
        except OAuthError as error:
            return render_template("rp/error.html", error=error.error,
                                   description=error.description or ""), 400
        session.clear()  # a new session at sign-in
        claims = dict(token["userinfo"])
        session["user"] = {"claims": claims, "id_token": token["id_token"],
                           "signed_in_at": int(time.time()),
                           "has_refresh_token": bool(token.get("refresh_token"))}
        return redirect(f"{base}/claims")

    @app.get("/claims")
    def claims():
        user = session.get("user")
        if not user:
            return redirect(f"{base}/")
        rows = [(name, value, meaning(name)) for name, value in user["claims"].items()]
        return render_template("rp/claims.html", user=user, rows=rows)

    @app.get("/signout")
    def signout():
        """RP-initiated logout: forget the user here, then ask the IdP to end its session."""
        user = session.pop("user", None)
        state = secrets.token_urlsafe(16)
        session["logout_state"] = state
        metadata = b2c.load_server_metadata()
        params = {"post_logout_redirect_uri": f"{base}/signout-callback-oidc", "state": state}
        if user:
            params["id_token_hint"] = user["id_token"]
        return redirect(f"{metadata['end_session_endpoint']}&{urlencode(params)}"
                        if "?" in metadata["end_session_endpoint"]
                        else f"{metadata['end_session_endpoint']}?{urlencode(params)}")

    @app.get("/signout-callback-oidc")
    def signout_callback():
        expected = session.pop("logout_state", None)
        session["message"] = ("You have signed out." if expected and
                              request.args.get("state") == expected else
                              "You have signed out here; the sign-out response had no matching "
                              "state, so it may not have come from this app's request.")
        return redirect(f"{base}/")

    @app.get("/signout-oidc")
    def front_channel_signout():
        """Front-channel logout: the IdP loads this in a hidden frame when the user signs out."""
        session.pop("user", None)
        return "", 200
