"""The end of a run: the SSO session, then the code and tokens the response type asks for,
sent to the app (OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5)."""
from __future__ import annotations

import time

from flask import current_app, request

from ..engine.authorize import AuthorizeRequest
from ..engine.journey import Journey
from ..engine.errors import B2CError
from ..engine.tokens import build_access_token_claims, build_id_token_claims
from ..models import FlowTransaction
from ..store import audit, sessions
from ..store.grants import create_code
from .context import PolicyContext
from .responses import error_to_app, to_app


def _session(tx: FlowTransaction, ctx: PolicyContext, user: str, sso: bool, now: int,
             mfa: bool, kmsi: bool, identity_provider: str | None = None):
    """Continue the browser's SSO session, or start a new one (new id at every sign-in).

    Keep me signed in makes the session last ``keep_me_signed_in_days`` and its cookie
    persistent; otherwise the cookie ends with the browser session, as B2C's does.
    Returns (auth_time, new cookie value or None, cookie max-age or None)."""
    props = ctx.props
    current = sessions.find_session(request.cookies.get(sessions.COOKIE))
    if sso and current is not None and current.user_object_id == user:
        sessions.touch_session(current, policy=ctx.policy, client_id=tx.client_id,
                               lifetime_minutes=props["session_lifetime_minutes"],
                               rolling=props["session_timeout"] == "Rolling")
        current.mfa_done = current.mfa_done or mfa
        return current.auth_time, None, None
    sessions.end_session(current)
    minutes = props["keep_me_signed_in_days"] * 1440 if kmsi else props["session_lifetime_minutes"]
    value, row = sessions.start_session(user_object_id=user, auth_time=now, policy=ctx.policy,
                                        client_id=tx.client_id, lifetime_minutes=minutes)
    row.mfa_done = mfa
    row.identity_provider = identity_provider
    return now, value, minutes * 60 if kmsi else None


def complete(tx: FlowTransaction, ctx: PolicyContext, journey: Journey, bag: dict, sso: bool):
    """Issue what the request asked for and send it to the app; returns the response."""
    req = AuthorizeRequest.from_json(tx.request)
    props = ctx.props
    now = int(time.time())
    subject, claims = ctx.token_claims(journey, bag, client_id=tx.client_id,
                                       correlation_id=tx.id, nonce=req.nonce, now=now)
    problem = _subject_problem(ctx, subject)
    if problem:
        tx.status = "failed"
        return error_to_app(req.redirect_uri, req.response_mode, req.state, B2CError(
            None, error="server_error", message=problem))
    kmsi = bool(bag.get("keepMeSignedIn")) and bool(props.get("keep_me_signed_in"))
    auth_time, new_cookie, max_age = _session(tx, ctx, subject, sso, now,
                                              bool(bag.get("mfaCompleted")), kmsi,
                                              bag.get("identityProvider") or None)
    lifetime = ctx.access_token_lifetime
    common = dict(iss=ctx.issuer, subject=subject, policy=ctx.policy, claims=claims,
                  nonce=req.nonce, auth_time=auth_time, now=now,
                  policy_claim=props["user_flow_claim"])
    params: dict = {}
    # B2C's token rows name the provider of a social sign-in (additionalDetails)
    details = dict(app_id=tx.client_id, user=subject, policy=ctx.policy, correlation_id=tx.id,
                   IdentityProviderName=bag.get("identityProvider") or None)
    if "code" in req.response_type:
        params["code"] = create_code(
            lifetime=current_app.config["IDP_CODE_LIFETIME"], client_id=tx.client_id,
            redirect_uri=req.redirect_uri, policy=ctx.policy, scope=req.scope, nonce=req.nonce,
            code_challenge=req.code_challenge, code_challenge_method=req.code_challenge_method,
            user_object_id=subject, claims=claims, auth_time=auth_time, transaction_id=tx.id)
        audit.record("Issue an authorization code to the application", **details)
    if "token" in req.response_type:
        params["access_token"] = ctx.sign(build_access_token_claims(
            audience=req.resource, client_id=tx.client_id, scp=" ".join(req.scp) or None,
            lifetime=lifetime, **common))
        params.update(token_type="Bearer", expires_in=str(lifetime))
        audit.record("Issue an access token to the application", **details)
    if "id_token" in req.response_type:
        params["id_token"] = ctx.sign(build_id_token_claims(
            client_id=tx.client_id, code=params.get("code"),
            access_token=params.get("access_token"), lifetime=ctx.id_token_lifetime,
            **common))
        audit.record("Issue an id_token to the application", **details)
    params["state"] = req.state
    tx.status, tx.user_object_id = "completed", subject
    response = to_app(req.redirect_uri, req.response_mode, params)
    if new_cookie:
        set_cookie(response, sessions.COOKIE, new_cookie, max_age=max_age)
    return response


def _subject_problem(ctx: PolicyContext, subject: str | None) -> str | None:
    """Why ``subject`` (the account's identity) cannot be issued (None when it can).  Codes,
    refresh tokens and sessions keep it as the account's objectId (36 characters)."""
    if not subject:
        return (f"The policy '{ctx.policy}' sends no subject: its SubjectNamingInfo claim has "
                "no value at the end of the journey.")
    if len(subject) > 36:
        return (f"The policy '{ctx.policy}' identifies the account by a value longer than 36 "
                "characters; B2C Lab keeps codes, refresh tokens and sessions by the account's "
                "objectId: keep issuer_refresh_token_user_identity_claim_type objectId and "
                "read the account (AAD-UserReadUsingObjectId) before SendClaims.")
    return None


def set_cookie(response, name: str, value: str, max_age: int | None = None) -> None:
    """IdP cookies: HttpOnly, SameSite=Lax, Secure whenever the public URL is https."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=current_app.config["IDP_PUBLIC_URL"].startswith("https://"))
