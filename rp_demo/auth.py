"""Signing in and out, and the pages that run other user flows (Edit profile, Reset password).

Each page remembers in the session which user flow it started, so the callback redeems the code
at that flow's token endpoint (B2C requires the same policy for the code and its redemption).
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, current_app, redirect, render_template, request, session

from . import current_tokens, new_token_session
from .api import validate_access_token
from .claims import meaning

bp = Blueprint("auth", __name__)


def _base() -> str:
    return current_app.config["RP_PUBLIC_URL"]


def _client(page: str):
    return current_app.extensions["b2c_clients"][page]


@bp.get("/")
def home():
    return render_template("rp/home.html", user=session.get("user"),
                           message=session.pop("message", None))


def _start(page: str, **params):
    session["flow"] = page
    return _client(page).authorize_redirect(f"{_base()}/signin-oidc", **params)


@bp.get("/signin")
def signin():
    return _start("signin", prompt=request.args.get("prompt"))


@bp.get("/edit-profile")
def edit_profile():
    return _start("edit")


@bp.get("/reset-password")
def reset_password():
    return _start("reset")


def _error_page(error: str, description: str, page: str):
    if "AADB2C90118" in description:  # Forgot your password? in a flow without SSPR
        return redirect(f"{_base()}/reset-password")
    if "AADB2C90091" in description and page != "signin":
        session["message"] = "You cancelled; nothing was changed."
        return redirect(f"{_base()}/")
    return render_template("rp/error.html", error=error, description=description), 400


@bp.route("/signin-oidc", methods=["GET", "POST"])
def signin_callback():
    page = session.pop("flow", "signin")
    if request.values.get("error"):
        return _error_page(request.values["error"],
                           request.values.get("error_description", ""), page)
    try:
        token = _client(page).authorize_access_token()
    except OAuthError as error:
        return render_template("rp/error.html", error=error.error,
                               description=error.description or ""), 400
    messages = {"edit": "Your profile was updated.",
                "reset": "Your password was reset. You are signed in."}
    session.clear()  # a new session at sign-in
    session["user"] = {"claims": dict(token["userinfo"]), "signed_in_at": int(time.time()),
                       "flow": page}
    new_token_session({k: token.get(k) for k in ("id_token", "access_token",
                                                 "refresh_token")})
    if page in messages:
        session["message"] = messages[page]
    return redirect(f"{_base()}/claims")


@bp.get("/claims")
def claims():
    user = session.get("user")
    if not user:
        return redirect(f"{_base()}/")
    tokens = current_tokens() or {}
    rows = [(name, value, meaning(name)) for name, value in user["claims"].items()]
    return render_template("rp/claims.html", user=user, rows=rows, tokens=tokens,
                           message=session.pop("message", None))


@bp.post("/refresh")
def refresh():
    """Redeem the refresh token.  B2C does not re-evaluate claims on refresh: the new ID token
    carries the claims of the original sign-in (the app-roles lab shows why that matters).
    The pages then read the new ID token, checked as the first one was."""
    tokens = current_tokens()
    if not session.get("user") or not tokens or not tokens.get("refresh_token"):
        return redirect(f"{_base()}/")
    client = _client(session["user"].get("flow", "signin"))
    try:  # at the flow that issued it: B2C refuses a refresh token at another user flow
        fresh = client.fetch_access_token(grant_type="refresh_token",
                                          refresh_token=tokens["refresh_token"])
        if fresh.get("id_token"):
            session["user"] = {**session["user"], "claims": validate_access_token(
                fresh["id_token"], client.load_server_metadata(),
                current_app.config["RP_CLIENT_ID"])}
    except OAuthError as error:
        return render_template("rp/error.html", error=error.error,
                               description=error.description or ""), 400
    except ValueError as reason:  # the new ID token failed a check
        return render_template("rp/error.html", error="invalid_token",
                               description=str(reason)), 400
    new_token_session({k: fresh.get(k) or tokens.get(k)
                       for k in ("id_token", "access_token", "refresh_token")})
    session["message"] = ("Tokens refreshed. The claims below are those of the new ID token: "
                          "B2C copied them from your sign-in, it never re-reads them on refresh.")
    return redirect(f"{_base()}/claims")


@bp.get("/signout")
def signout():
    """RP-initiated logout: forget the user here, then ask the IdP to end its session."""
    tokens = current_tokens() or {}
    current_app.extensions["rp_tokens"].delete(session.get("sid"))
    session.clear()
    state = secrets.token_urlsafe(16)
    session["logout_state"] = state
    endpoint = _client("signin").load_server_metadata()["end_session_endpoint"]
    params = {"post_logout_redirect_uri": f"{_base()}/signout-callback-oidc", "state": state}
    if tokens.get("id_token"):
        params["id_token_hint"] = tokens["id_token"]
    return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}")


@bp.get("/signout-callback-oidc")
def signout_callback():
    expected = session.pop("logout_state", None)
    session["message"] = ("You have signed out." if expected and
                          request.args.get("state") == expected else
                          "You have signed out here; the sign-out response had no matching "
                          "state, so it may not have come from this app's request.")
    return redirect(f"{_base()}/")


@bp.get("/signout-oidc")
def front_channel_signout():
    """Front-channel logout: the IdP loads this in a hidden frame when the user signs out."""
    current_app.extensions["rp_tokens"].delete(session.get("sid"))
    session.clear()
    return "", 200
