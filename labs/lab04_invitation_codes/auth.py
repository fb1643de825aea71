"""Signing in to the lab app with OpenID Connect (the code flow with PKCE and the management
app's client secret, through Authlib's Flask client, as ``rp_demo`` does) and signing out.

The client id and secret come from the Settings page, so the Authlib client is registered when
first needed, under a name derived from them: new settings give a new client.  The ID token's
claims are kept in the session; ``extension_DelegatedUserManagementRole`` is the role (the
sample's ``RoleClaimType``).
"""
from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from requests import RequestException

bp = Blueprint("auth", __name__)


def lab():
    return current_app.extensions["lab04"]


def current_claims() -> dict:
    """The signed-in user's ID token claims ({} when signed out)."""
    return session.get("claims") or {}


def _client():
    """The Authlib client for the current settings, or None when they are incomplete."""
    settings = lab().settings()
    if not settings.can_sign_in:
        return None
    digest = hashlib.sha256(f"{settings.client_id}\n{settings.client_secret}\n"
                            f"{settings.user_flow}".encode()).hexdigest()[:16]
    name = f"b2c_{digest}"
    oauth = lab().oauth
    return oauth.create_client(name) or oauth.register(
        name, client_id=settings.client_id, client_secret=settings.client_secret,
        server_metadata_url=f"{lab().idp_url}/{lab().tenant}.onmicrosoft.com/"
                            f"{settings.user_flow}/v2.0/.well-known/openid-configuration",
        client_kwargs={"scope": "openid", "code_challenge_method": "S256"})


@bp.get("/signin")
def signin():
    client = _client()
    if client is None:
        flash("Enter the Application (client) ID and Client secret on the Settings page "
              "first: the app signs in with them.", "error")
        return redirect(url_for("pages.settings"))
    try:
        return client.authorize_redirect(f"{lab().public_url}/signin-oidc")
    except RequestException as failed:
        return render_template("lab04/error.html", title="B2C Lab did not answer",
                               message=f"Could not read the user flow's metadata "
                                       f"({type(failed).__name__}). Is the user flow "
                                       f"{lab().settings().user_flow} created?"), 502


@bp.route("/signin-oidc", methods=["GET", "POST"])
def signin_callback():
    if request.values.get("error"):
        return render_template("lab04/error.html", title=request.values["error"],
                               message=request.values.get("error_description", "")), 400
    client = _client()
    if client is None:
        return redirect(url_for("pages.home"))
    try:
        token = client.authorize_access_token()
    except (OAuthError, RequestException) as failed:
        message = getattr(failed, "description", None) or str(failed)
        return render_template("lab04/error.html", title="Sign-in failed",
                               message=message), 400
    session.clear()
    session["claims"] = dict(token["userinfo"])
    flash(f"Signed in as {session['claims'].get('name') or 'a user without a name'}.", "ok")
    return redirect(url_for("pages.home"))


@bp.get("/signout")
def signout():
    """RP-initiated logout: forget the user here, then end the B2C session."""
    session.clear()
    settings = lab().settings()
    state = secrets.token_urlsafe(16)
    session["logout_state"] = state
    endpoint = (f"{lab().idp_url}/{lab().tenant}.onmicrosoft.com/{settings.user_flow}"
                "/oauth2/v2.0/logout")
    params = {"post_logout_redirect_uri": f"{lab().public_url}/signout-callback-oidc",
              "client_id": settings.client_id, "state": state}
    return redirect(f"{endpoint}?{urlencode(params)}")


@bp.get("/signout-callback-oidc")
def signout_callback():
    expected = session.pop("logout_state", None)
    flash("You have signed out." if expected and request.args.get("state") == expected
          else "You have signed out here.", "ok")
    return redirect(url_for("pages.home"))
