"""App registration > Certificates & secrets: New client secret (its value shown once, in the
response to the POST that made it, and never again) and Delete.  Only Web apps hold secrets:
SPAs and native apps are public clients (RFC 6749 §2.1)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ...extensions import db
from ...models import ClientSecret
from ..common import audit_change
from . import helpers
from .forms import ClientSecretForm

bp = Blueprint("client_secrets", __name__)
CATEGORY = "ApplicationManagement"


def _page(registration, form=None, created=None, status=200):
    response = render_template(
        "portal/app_registrations/secrets.html", registration=registration,
        active="Certificates & secrets", extensions_app=helpers.is_extensions_app(registration),
        form=form or ClientSecretForm(registration, formdata=None), created=created,
        platform=helpers.PLATFORM_LABELS.get(registration.platform))
    # the page may carry a secret's value: never keep it in a cache or the back button
    return response, status, {"Cache-Control": "no-store"}


@bp.get("/")
def index(id: int):
    return _page(helpers.get_registration(id))


@bp.post("/")
def create(id: int):
    registration = helpers.get_registration(id)
    if not registration.is_confidential:
        flash("Only Web apps can hold a client secret: this app is a public client.", "error")
        return _page(registration, status=400)
    form = ClientSecretForm(registration)
    if not form.validate_on_submit():
        return _page(registration, form=form)
    value, secret = helpers.new_client_secret(
        form.description.data.strip(), helpers.secret_expiry(form.expires.data,
                                                             form.custom_end.data))
    registration.secrets.append(secret)
    audit_change("Add client secret", category=CATEGORY, app_id=registration.client_id,
                 displayName=registration.name, description=secret.description,
                 expires=secret.expires_at.isoformat(timespec="seconds"))
    db.session.commit()
    return _page(registration, created={"id": secret.id, "value": value})


@bp.post("/<int:secret_id>/delete")
def delete(id: int, secret_id: int):
    registration = helpers.get_registration(id)
    secret = db.session.get(ClientSecret, secret_id)
    if secret is None or secret.app_registration_id != registration.id:
        flash("This client secret does not exist (any more).", "error")
        return _page(registration, status=404)
    audit_change("Remove client secret", category=CATEGORY, app_id=registration.client_id,
                 displayName=registration.name, description=secret.description,
                 hint=secret.hint)
    db.session.delete(secret)
    db.session.commit()
    flash(f"Deleted the client secret {secret.description or secret.hint + '****'}.",
          "success")
    return redirect(url_for(".index", id=id), 303)
