"""The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6; OIDC Core §3.1.3), with B2C's response
shape (b2c-reference §3.5): ``not_before``, ``expires_on``, ``resource``, ``profile_info``, and
no ``access_token`` when only ``openid`` was asked for.  Browsers may call it from the origins of
Single-page application registrations (``cors``)."""
from __future__ import annotations

import time

from flask import current_app, jsonify, request

from ..engine.errors import B2CError
from ..engine.pkce import verify_code_verifier
from ..engine.scopes import parse_scope
from ..engine.tokens import (build_access_token_claims, build_id_token_claims, output_claims,
                             profile_info)
from ..engine.user_flows import returned_claims
from ..engine.validation_profiles import FieldError, authenticate_local
from ..extensions import db
from ..graph.issuance import graph_token_response
from ..graph.permissions import is_graph_resource
from ..models._base import utcnow
from ..store import audit
from ..store.clients import (authenticate_client, read_client_credentials, scope_resolver_for,
                             spa_clients)
from ..store.directory import account_enabled
from ..store.grants import RefreshLifetimes, issue_refresh_token, redeem_code, spend_refresh_token
from ..store.ports import make_ports
from ..store.tenant import public_url
from . import cors
from .refresh_journey import redeem_refresh_journey
from .context import PolicyContext, resolve_policy
from .errors import protocol_error_page, token_error


@protocol_error_page
def token(tenant: str, policy: str | None = None):
    """Flask's route for the token endpoint.  :class:`.token_endpoint.TokenEndpoint` answers
    in front of Flask and hands on only what it cannot resolve (an unknown policy gets the
    error page here); the route also keeps the endpoint in the URL map."""
    return answer(request._get_current_object(), tenant, policy)


def answer(req, tenant: str, policy: str | None):
    """The token endpoint's response to ``req`` (a werkzeug request), in an app context.

    :raise PolicyNotFound: the URL names no policy this tenant has.
    """
    origin = req.headers.get("Origin")
    if req.method == "OPTIONS":  # a browser's CORS preflight
        status, headers, body = cors.token_preflight(origin, spa_clients())
        if body:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        return current_app.response_class(body, status, headers)
    with audit.caller(req.headers.get("User-Agent", ""), req.remote_addr):
        response = _token(req, tenant, policy)
    # Only a browser's request (an Origin) needs the client id again, for CORS.
    response.headers.update(cors.token_response_headers(
        origin, _named_client_id(req) if origin else None, spa_clients() if origin else ()))
    return response


def _named_client_id(req) -> str | None:
    """The client id the request names (body or HTTP Basic), authenticated or not: a SPA
    reads its errors too."""
    try:
        return read_client_credentials(req.headers, req.form).client_id
    except B2CError:
        return None


def _token(req, tenant: str, policy: str | None):
    ctx = resolve_policy(tenant, policy, req, snapshot=True)
    form = req.form
    try:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise B2CError("AADB2C90083", "grant_type")
        if grant_type not in GRANTS:
            raise B2CError("AADB2C90086", grant_type, error="unsupported_grant_type")
        app = authenticate_client(read_client_credentials(req.headers, form))
        body = GRANTS[grant_type](ctx, app, form)
    except B2CError as error:
        db.session.rollback()
        return token_error(error)
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


#: b2c-reference §4.2: "SPAs using auth code + PKCE always get a 24 h refresh token", whatever the
#: flow says.  The tokens it is exchanged for keep its end (the Microsoft identity platform:
#: refresh tokens of a redirect URI registered as spa "expire after 24 hours. Additional refresh
#: tokens acquired using the initial refresh token carry over that expiration time"): a
#: one-day family window.
SPA_REFRESH = RefreshLifetimes(token_days=1, window_days=1)
SPA_REFRESH_SECONDS = 86400


def _lifetimes(ctx: PolicyContext, app) -> RefreshLifetimes:
    return SPA_REFRESH if app.platform == "spa" else ctx.refresh_lifetimes


def _refresh_expires_in(ctx: PolicyContext, app, family_expires_at=None) -> int:
    """``refresh_token_expires_in``: the flow's lifetime, or for a SPA what is left of its
    24 hours (our choice: B2C documents the field only as the token's validity in seconds)."""
    if app.platform != "spa":
        return int(ctx.refresh_token_lifetime)
    if family_expires_at is None:
        return SPA_REFRESH_SECONDS
    left = (family_expires_at - utcnow()).total_seconds()
    return max(0, min(SPA_REFRESH_SECONDS, int(left)))


def _enabled(user: str) -> None:
    if not account_enabled(user):
        raise B2CError("AADB2C90111", error="invalid_grant")


def _same_policy(ctx: PolicyContext, issued_for: str) -> None:
    if issued_for.lower() != ctx.policy.lower():
        raise B2CError("AADB2C90088", ctx.policy, issued_for, error="invalid_grant")


def _tokens(ctx: PolicyContext, app, *, scope: str, claims: dict, subject: str, auth_time: int,
            nonce: str | None, refresh: str | None, refresh_expires_in: int | None = None) -> dict:
    """The token response body for a user grant (authorization code or refresh)."""
    now = int(time.time())
    lifetime, id_lifetime = ctx.access_token_lifetime, ctx.id_token_lifetime
    scopes = parse_scope(scope, app.client_id, scope_resolver_for(app.client_id, app))
    common = dict(iss=ctx.issuer, subject=subject, policy=ctx.policy, claims=claims, nonce=nonce,
                  auth_time=auth_time, now=now, policy_claim=ctx.props["user_flow_claim"])
    body: dict = {}
    details = dict(app_id=app.client_id, user=subject, policy=ctx.policy)
    if scopes.wants_access_token:
        body["access_token"] = ctx.sign(build_access_token_claims(
            audience=scopes.resource, client_id=app.client_id, scp=" ".join(scopes.scp) or None,
            lifetime=lifetime, **common))
        audit.record("Issue an access token to the application", **details)
    if scopes.openid:
        body["id_token"] = ctx.sign(build_id_token_claims(client_id=app.client_id,
                                                          lifetime=id_lifetime, **common))
        audit.record("Issue an id_token to the application", **details)
    body.update(token_type="Bearer", not_before=now)
    if scopes.wants_access_token:
        body.update(expires_in=lifetime, expires_on=now + lifetime, resource=scopes.resource)
    if scopes.openid:
        body.update(id_token_expires_in=id_lifetime,
                    profile_info=profile_info(ctx.tenant.tenant_id, claims, subject))
    body["scope"] = " ".join(scopes.requested)
    if refresh:
        body.update(refresh_token=refresh, refresh_token_expires_in=(
            _refresh_expires_in(ctx, app) if refresh_expires_in is None else refresh_expires_in))
    return body


def authorization_code(ctx: PolicyContext, app, form) -> dict:
    code = form.get("code")
    if not code:
        raise B2CError("AADB2C90083", "code")
    grant = redeem_code(code)
    if grant.client_id != app.client_id:
        raise B2CError("AADB2C90011", app.client_id, grant.client_id, error="invalid_grant")
    _same_policy(ctx, grant.policy)
    if form.get("redirect_uri") != grant.redirect_uri:
        raise B2CError(None, error="invalid_grant", message=(
            "The redirect_uri does not match the one the authorization code was issued to."))
    verify_code_verifier(form.get("code_verifier"), grant.code_challenge,
                         grant.code_challenge_method)
    _enabled(grant.user_object_id)
    # RFC 6749 §4.1.3 has no scope on this request: the authorize request's scope applies.
    refresh = None
    if "offline_access" in grant.scope.split():
        refresh = issue_refresh_token(
            lifetimes=_lifetimes(ctx, app), code_id=grant.id, client_id=app.client_id,
            policy=grant.policy, scope=grant.scope, user_object_id=grant.user_object_id,
            claims=grant.claims, auth_time=grant.auth_time)
    return _tokens(ctx, app, scope=grant.scope, claims=grant.claims,
                   subject=grant.user_object_id, auth_time=grant.auth_time, nonce=grant.nonce,
                   refresh=refresh)


def refresh_token(ctx: PolicyContext, app, form) -> dict:
    """Rotate the refresh token.  A user flow's claims are not re-evaluated: the new tokens
    carry the claims of the sign-in (B2C does the same; the app-roles lab teaches it).  A
    custom policy whose relying party names a ``Token`` endpoint journey runs it
    (:mod:`.refresh_journey`)."""
    value = form.get("refresh_token")
    if not value:
        raise B2CError("AADB2C90083", "refresh_token")
    old = spend_refresh_token(value)
    if old.client_id != app.client_id:
        raise B2CError("AADB2C90011", app.client_id, old.client_id, error="invalid_grant")
    _same_policy(ctx, old.policy)
    _enabled(old.user_object_id)
    claims = old.claims
    if ctx.is_custom and ctx.custom.refresh_journey is not None:
        claims = redeem_refresh_journey(ctx, app, old)
    lifetimes = _lifetimes(ctx, app)
    refresh = issue_refresh_token(
        lifetimes=lifetimes, family_id=old.family_id, code_id=old.code_id,
        family_expires_at=old.family_expires_at if lifetimes.window_days else None,
        client_id=app.client_id, policy=old.policy, scope=old.scope,
        user_object_id=old.user_object_id, claims=claims, auth_time=old.auth_time)
    audit.record("Exchange token", app_id=app.client_id, user=old.user_object_id,
                 policy=old.policy)
    return _tokens(ctx, app, scope=form.get("scope") or old.scope, claims=claims,
                   subject=old.user_object_id, auth_time=old.auth_time, nonce=None,
                   refresh=refresh, refresh_expires_in=_refresh_expires_in(
                       ctx, app, old.family_expires_at if lifetimes.window_days else None))


def client_credentials(ctx: PolicyContext, app, form) -> dict:
    """App-only access token for ``{resource}/.default`` (RFC 6749 §4.4)."""
    if not app.is_confidential:
        raise B2CError(None, error="unauthorized_client", message=(
            "Only confidential (Web) applications can use client credentials."))
    scope = form.get("scope", "")
    if not scope.endswith("/.default"):
        raise B2CError("AADB2C90117", scope, error="invalid_scope", hint=(
            "Client credentials ask for '{resource}/.default'."))
    resource = scope[: -len("/.default")]
    if is_graph_resource(resource, public_url()):
        # Microsoft Graph: roles = the Graph application permissions granted (idp.graph).
        return graph_token_response(ctx, app)
    if resource.lower() not in (app.client_id.lower(), (app.app_id_uri or "").lower()):
        # App-only access to another of the tenant's apps would need its app roles granted
        # to the client (application permissions); the lab offers those for Graph only.
        raise B2CError("AADB2C90205", error="invalid_scope")
    now = int(time.time())
    lifetime = ctx.access_token_lifetime
    token_value = ctx.sign(build_access_token_claims(
        iss=ctx.issuer, audience=app.client_id, client_id=app.client_id,
        subject=app.client_id, policy=ctx.policy, claims={}, scp=None, nonce=None,
        auth_time=None, now=now, lifetime=lifetime, policy_claim=ctx.props["user_flow_claim"]))
    audit.record("Validate Client Credentials", app_id=app.client_id, policy=ctx.policy)
    return {"access_token": token_value, "token_type": "Bearer", "not_before": now,
            "expires_in": lifetime, "expires_on": now + lifetime, "resource": app.client_id}


def resource_owner_password(ctx: PolicyContext, app, form) -> dict:
    """ROPC (b2c-reference §5.1): a "Sign in using resource owner password credentials" flow,
    an app that allows public client flows, local accounts only, no pages.  (RFC 9700 §2.4
    says never use it; B2C offers it, so the lab does, for legacy-app lessons.)"""
    if ctx.flow is None or ctx.flow.flow_type != "resourceOwner":
        raise B2CError("AADB2C90086", "password", error="unsupported_grant_type", hint=(
            "grant_type=password needs a user flow of type Sign in using resource owner "
            "password credentials."))
    if not (app.allow_public_client_flows or app.platform == "public"):
        raise B2CError("AADB2C90224", error="unauthorized_client")
    for name in ("username", "password"):
        if not form.get(name):
            raise B2CError("AADB2C90083", name)
    ports = make_ports(ctx.tenant, ctx.catalogue)
    events: list = []
    try:
        user = authenticate_local(ports.directory, ports.lockout, "emailAddress",
                                  form["username"], form["password"], time.time(),
                                  lambda activity, **d: events.append((activity, d)))
    except FieldError as refused:
        _audit_events(events, app, ctx)
        db.session.commit()  # the failure counts toward lockout even though we answer 400
        raise B2CError("AADB2C90225", error="invalid_grant", hint=refused.message) from None
    _audit_events(events, app, ctx)
    bag = {**ports.directory.read_claims(user), "objectId": user}
    claims = output_claims(bag, returned_claims(ctx.flow.config, ctx.catalogue))
    scope = form.get("scope", "openid")
    refresh = None
    if "offline_access" in scope.split():
        refresh = issue_refresh_token(lifetimes=_lifetimes(ctx, app), client_id=app.client_id,
                                      policy=ctx.policy, scope=scope, user_object_id=user,
                                      claims=claims, auth_time=int(time.time()))
    return _tokens(ctx, app, scope=scope, claims=claims, subject=user,
                   auth_time=int(time.time()), nonce=None, refresh=refresh)


def _audit_events(events, app, ctx) -> None:
    for activity, details in events:
        audit.record(activity, result=details.pop("result", "success"),
                     user=details.pop("user", None), app_id=app.client_id, policy=ctx.policy,
                     **details)


GRANTS = {"authorization_code": authorization_code, "refresh_token": refresh_token,
          "client_credentials": client_credentials, "password": resource_owner_password}
