"""Sending the authorization response to the app in its response mode (OAuth 2.0 Multiple
Response Types §2, Form Post Response Mode §2)."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import make_response, redirect, render_template

from ..engine.errors import B2CError


def to_app(redirect_uri: str, response_mode: str, params: dict):
    """Redirect (query, fragment) or auto-post (form_post) ``params`` to ``redirect_uri``."""
    params = {k: v for k, v in params.items() if v is not None}
    if response_mode == "form_post":
        response = make_response(render_template("protocol/form_post.html",
                                                 redirect_uri=redirect_uri, params=params))
        response.headers["Cache-Control"] = "no-store"
        return response
    parts = urlsplit(redirect_uri)
    if response_mode == "fragment":
        target = urlunsplit(parts._replace(fragment=urlencode(params)))
    else:
        query = "&".join(filter(None, (parts.query, urlencode(params))))
        target = urlunsplit(parts._replace(query=query))
    # 303: never 307 after a POST carrying credentials (RFC 9700 §4.12).
    response = redirect(target, 303)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_to_app(redirect_uri: str, response_mode: str, state: str | None, error: B2CError):
    return to_app(redirect_uri, response_mode, {"error": error.error,
                                                "error_description": error.description,
                                                "state": state})
