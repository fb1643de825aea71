"""RP-initiated logout (OIDC RP-Initiated Logout 1.0 §2-3; b2c-reference §3.6).

Clears the SSO session, then returns to ``post_logout_redirect_uri`` with ``state``.  B2C
honours any such URI unless "Require ID Token in logout requests" is on; we refuse URIs that no
app registration lists, because an open redirect on a sign-out URL is a phishing tool
(RFC 9700 §4.11).  The refused URI is shown on the signed-out page with what to register.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import make_response, redirect, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..engine.errors import B2CError
from ..extensions import db
from ..models import AppRegistration
from ..store import sessions
from .context import resolve_policy
from .errors import error_page, protocol_error_page


def _hinted_client(id_token_hint: str | None, ctx) -> str | None:
    """The ``aud`` of a valid ``id_token_hint`` we issued (expiry is not checked: hints are
    often old).  :raise B2CError: AADB2C90208 for a token we did not sign."""
    if not id_token_hint:
        return None
    try:
        token = jwt.decode(id_token_hint, KeySet.import_key_set(ctx.jwks()),
                           algorithms=["RS256"])
    except (JoseError, ValueError):
        raise B2CError("AADB2C90208") from None
    if token.claims.get("iss") != ctx.issuer:
        raise B2CError("AADB2C90208")
    aud = token.claims.get("aud")
    return aud[0] if isinstance(aud, list) else aud


def _allowed(uri: str, client_id: str | None) -> bool:
    query = db.select(AppRegistration)
    if client_id:
        query = query.filter(db.func.lower(AppRegistration.client_id) == client_id.lower())
    for app in db.session.execute(query).scalars():
        if uri in (app.redirect_uris or []) or uri == app.front_channel_logout_url:
            return True
    return False


@protocol_error_page
def end_session(tenant: str, policy: str | None = None):
    ctx = resolve_policy(tenant, policy)
    params = request.form if request.method == "POST" else request.args
    uri = params.get("post_logout_redirect_uri")
    state = params.get("state")
    try:
        hinted = _hinted_client(params.get("id_token_hint"), ctx)
        if ctx.props["require_id_token_in_logout"] and hinted is None:
            raise B2CError("AADB2C90272")
    except B2CError as error:
        return error_page(error)
    session = sessions.find_session(request.cookies.get(sessions.COOKIE))
    sessions.end_session(session)
    db.session.commit()
    client_id = hinted or params.get("client_id")
    if uri and _allowed(uri, client_id):
        parts = urlsplit(uri)
        query = "&".join(filter(None, (parts.query, urlencode({"state": state} if state else {}))))
        response = redirect(urlunsplit(parts._replace(query=query)), 303)
    else:
        response = make_response(render_template("protocol/signed_out.html", refused_uri=uri,
                                                 client_id=client_id))
    response.delete_cookie(sessions.COOKIE)
    return response

