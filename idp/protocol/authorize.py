"""The authorization endpoint (OIDC Core §3.1.2): validate, then start the user flow's run.

With a live SSO session the run skips the sign-in page (the session covers it); ``prompt=login``
and an exceeded ``max_age`` make it ask again; ``prompt=none`` never shows a page.
"""
from __future__ import annotations

import time

from flask import current_app, request

from ..engine.authorize import (check_redirect_uri, response_mode_for, validate_authorize_request)
from ..engine.errors import B2CError
from ..engine.journey import RunState
from ..extensions import db
from ..store import sessions, transactions
from ..store.clients import client_info, find_app, scope_resolver_for
from ..store.directory import account_enabled
from ..store.hashing import new_token
from .context import resolve_policy
from .errors import protocol_error_page
from .issuance import set_cookie
from .responses import error_to_app


def _sso_session(req, ctx):
    """The browser's session if this request may use it, else None.

    SSO scope (b2c-reference §4.3): Tenant shares the session with every app and flow,
    Application only with apps it signed in to, Policy only with flows it ran, Suppressed never.
    """
    scope = ctx.props["sso_scope"]
    if "login" in req.prompt or scope == "Suppressed":
        return None
    session = sessions.find_session(request.cookies.get(sessions.COOKIE))
    if session is None:
        return None
    if not account_enabled(session.user_object_id):  # blocked since: the session is over
        sessions.end_session(session)
        return None
    if scope == "Application" and req.client_id not in session.client_ids:
        return None
    if scope == "Policy" and ctx.policy not in session.policies:
        return None
    if req.max_age is not None and time.time() - session.auth_time > req.max_age:
        return None
    return session


@protocol_error_page
def authorize(tenant: str, policy: str | None = None):
    ctx = resolve_policy(tenant, policy)
    params = request.form if request.method == "POST" else request.args
    registration = find_app(params.get("client_id"))
    client = client_info(registration)
    redirect_uri = check_redirect_uri(params, client, ctx.tenant.domain)
    try:
        req = validate_authorize_request(params, client, redirect_uri,
                                         scope_resolver_for(client.client_id, registration),
                                         accept_language=request.headers.get("Accept-Language"))
    except B2CError as error:
        mode = response_mode_for(params, None if "response_type" not in params
                                 else frozenset(params["response_type"].split()))
        return error_to_app(redirect_uri, mode, params.get("state"), error)
    try:
        ctx.journey()
    except ValueError as problem:  # a flow type or setting that cannot run in a browser
        return error_to_app(req.redirect_uri, req.response_mode, req.state, B2CError(
            None, error="invalid_request", message=f"The user flow '{ctx.policy}' cannot run: "
                                                   f"{problem}."))
    session = _sso_session(req, ctx)
    if "none" in req.prompt and session is None:
        return error_to_app(req.redirect_uri, req.response_mode, req.state,
                            B2CError("AADB2C90077", "None", error="login_required"))
    state = RunState(sso=session is not None)
    if session is not None:
        state.bag = {"objectId": session.user_object_id,
                     "authenticationSource": "localAccountAuthentication"}
        if session.identity_provider:  # a federated sign-in began it: the same idp claim
            state.bag.update(identityProvider=session.identity_provider,
                             authenticationSource="socialIdpAuthentication")
        if session.mfa_done:
            state.bag["mfaCompleted"] = True
    browser = request.cookies.get(transactions.COOKIE) or new_token()
    tx = transactions.create_transaction(
        policy=ctx.policy, client_id=req.client_id, request=req.to_json(),
        flow_config=ctx.config, state=state.to_json(), browser_cookie=browser,
        lifetime=current_app.config["IDP_TRANSACTION_LIFETIME"])
    if "none" in req.prompt:
        return _silent(tx, ctx, req)
    # Imported here: the flow runner sits above this package and imports from it.
    from ..flows.runner import MFA_DEVICE_COOKIE, run
    response = run(tx, ctx)
    set_cookie(response, transactions.COOKIE, browser)
    if not request.cookies.get(MFA_DEVICE_COOKIE):
        set_cookie(response, MFA_DEVICE_COOKIE, new_token(), max_age=400 * 86400)
    return response


def _silent(tx, ctx, req):
    """``prompt=none``: finish without a page, or tell the app interaction is required."""
    from ..flows.runner import run

    response = run(tx, ctx)
    if tx.status != "active":
        return response
    tx.status = "failed"
    db.session.commit()
    return error_to_app(req.redirect_uri, req.response_mode, req.state, B2CError(
        None, error="interaction_required",
        message="The user flow needs the user, so prompt=none cannot be honoured."))
