"""App registration > Authentication: the platform, its redirect URIs (add, remove), the
Front-channel logout URL and the implicit grant check boxes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ...extensions import db
from ..common import audit_change
from . import helpers
from .forms import AuthenticationForm, RedirectUriForm, RemoveRedirectUriForm

bp = Blueprint("authentication", __name__)
CATEGORY = "ApplicationManagement"


def _page(registration, settings=None, add=None, status=200):
    return render_template(
        "portal/app_registrations/authentication.html", registration=registration,
        active="Authentication", extensions_app=helpers.is_extensions_app(registration),
        settings=settings or AuthenticationForm(registration, obj=registration, formdata=None),
        add=add or RedirectUriForm(registration, formdata=None),
        remove=RemoveRedirectUriForm(registration, formdata=None),
        platform=helpers.PLATFORM_LABELS.get(registration.platform)), status


def _saved(registration, what: str, **details):
    audit_change("Update application", category=CATEGORY, app_id=registration.client_id,
                 displayName=registration.name, **details)
    db.session.commit()
    flash(what, "success")
    return redirect(url_for(".index", id=registration.id), 303)


@bp.get("/")
def index(id: int):
    return _page(helpers.get_registration(id))


@bp.post("/")
def update(id: int):
    registration = helpers.get_registration(id)
    form = AuthenticationForm(registration)
    if not form.validate_on_submit():
        return _page(registration, settings=form)
    registration.platform = form.platform.data
    registration.front_channel_logout_url = form.front_channel_logout_url.data or None
    registration.implicit_access_tokens = form.implicit_access_tokens.data
    registration.implicit_id_tokens = form.implicit_id_tokens.data
    return _saved(registration, "Saved the authentication settings.",
                  platform=registration.platform,
                  implicitIdTokens=registration.implicit_id_tokens,
                  implicitAccessTokens=registration.implicit_access_tokens)


@bp.post("/redirect-uris")
def create(id: int):
    registration = helpers.get_registration(id)
    form = RedirectUriForm(registration)
    if not form.validate_on_submit():
        return _page(registration, add=form)
    registration.redirect_uris = [*(registration.redirect_uris or ()), form.redirect_uri.data]
    return _saved(registration, "Added the redirect URI.",
                  addedRedirectUri=form.redirect_uri.data)


@bp.post("/redirect-uris/delete")
def delete(id: int):
    registration = helpers.get_registration(id)
    form = RemoveRedirectUriForm(registration)
    if not form.validate_on_submit():
        flash(" ".join(form.redirect_uri.errors) or "The request was not valid.", "error")
        return _page(registration, status=400)
    uri = form.redirect_uri.data
    registration.redirect_uris = [u for u in registration.redirect_uris if u != uri]
    return _saved(registration, "Removed the redirect URI.", removedRedirectUri=uri)
