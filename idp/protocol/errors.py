"""Turning engine errors into responses: an error page when the redirect URI is not proven
(never a redirect: RFC 9700 §4.11), otherwise ``error=`` back to the app in its response mode;
JSON for the token endpoint (RFC 6749 §5.2)."""
from __future__ import annotations

import functools
import uuid

from flask import g, jsonify, render_template

from ..engine.errors import B2CError, UnsafeRedirectError
from ..models._base import utcnow


def correlation() -> dict[str, str]:
    return {"correlation_id": str(uuid.uuid4()),
            "timestamp": utcnow().strftime("%Y-%m-%d %H:%M:%SZ")}


def error_page(error: B2CError, status: int | None = None):
    """B2C's error page ("Sorry, but we're having trouble signing you in."), plus our line for
    the learner and, for redirect URI errors, the registered and requested values side by side.
    Once the request's user flow is known, the page is drawn in the flow's Error page layout."""
    details = getattr(error, "details", {})
    ctx = g.get("policy_context")
    if ctx is not None:
        from ..flows.layouts import render_exception  # the flows layer sits above this one

        return render_exception(error, tenant=ctx.tenant, policy=ctx.policy,
                                config=ctx.config, status=status or error.status,
                                details=details, **correlation())
    return render_template("protocol/error.html", error=error, details=details,
                           **correlation()), status or error.status


def protocol_error_page(view):
    """Show :class:`UnsafeRedirectError` raised by ``view`` as the error page."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except UnsafeRedirectError as error:
            return error_page(error, 404 if error.code is None else 400)
    return wrapper


def token_error(error: B2CError):
    """The token endpoint's error: ``{error, error_description}`` with B2C's trailing lines."""
    info = correlation()
    body = {"error": error.error,
            "error_description": f"{error.description}\r\nCorrelation ID: "
                                 f"{info['correlation_id']}\r\nTimestamp: {info['timestamp']}"}
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="token"'
    response.headers["Cache-Control"] = "no-store"
    return response


def server_error():
    """The token endpoint's answer to a failure of its own (logged by the caller)."""
    return token_error(B2CError(None, error="server_error", status=500, message=(
        "B2C Lab failed to answer this request; the server's log has the details.")))
