"""App registration > Expose an API: the Application ID URI and the scopes other apps ask for
as ``{Application ID URI}/{scope}`` (``idp.store.clients.resolve_api_scope`` resolves them).
As in Azure, a scope must be disabled before it can be deleted."""
from __future__ import annotations

from flask import Blueprint, flash, render_template

from ...models._base import new_guid
from . import helpers
from .forms import AppIdUriForm, ScopeForm

bp = Blueprint("expose_api", __name__)


def _page(registration, uri_form=None, scope_form=None, status=200):
    default = helpers.default_app_id_uri(registration)
    return render_template(
        "portal/app_registrations/expose_api.html", registration=registration,
        active="Expose an API", extensions_app=helpers.is_extensions_app(registration),
        uri_form=uri_form or AppIdUriForm(registration, formdata=None,
                                          app_id_uri=registration.app_id_uri or default),
        scope_form=scope_form or ScopeForm(registration, formdata=None)), status


_saved = helpers.saved


def _find_scope(registration, scope_id: str) -> dict | None:
    return next((s for s in registration.exposed_scopes or () if s.get("id") == scope_id), None)


@bp.get("/")
def index(id: int):
    return _page(helpers.get_registration(id))


@bp.post("/application-id-uri")
def update(id: int):
    registration = helpers.get_registration(id)
    form = AppIdUriForm(registration)
    if not form.validate_on_submit():
        return _page(registration, uri_form=form)
    registration.app_id_uri = form.app_id_uri.data
    return _saved(registration, "Saved the Application ID URI.",
                  applicationIdUri=registration.app_id_uri)


@bp.post("/scopes")
def create(id: int):
    registration = helpers.get_registration(id)
    form = ScopeForm(registration)
    if not form.validate_on_submit():
        return _page(registration, scope_form=form)
    scope = {"id": new_guid(), "value": form.value.data,
             "admin_consent_display_name": form.admin_consent_display_name.data.strip(),
             "admin_consent_description": form.admin_consent_description.data.strip(),
             "enabled": form.state.data == "Enabled"}
    registration.exposed_scopes = [*(registration.exposed_scopes or ()), scope]
    return _saved(registration, f"Added the scope {scope['value']}.", addedScope=scope["value"])


@bp.post("/scopes/<scope_id>/state")
def state(id: int, scope_id: str):
    registration = helpers.get_registration(id)
    scope = _find_scope(registration, scope_id)
    if scope is None:
        flash("This scope does not exist (any more).", "error")
        return _page(registration, status=404)
    enabled = not scope.get("enabled")
    registration.exposed_scopes = [{**s, "enabled": enabled} if s is scope else s
                                   for s in registration.exposed_scopes]
    return _saved(registration, f"{'Enabled' if enabled else 'Disabled'} the scope "
                  f"{scope['value']}.", scope=scope["value"], enabled=enabled)


@bp.post("/scopes/<scope_id>/delete")
def delete(id: int, scope_id: str):
    registration = helpers.get_registration(id)
    scope = _find_scope(registration, scope_id)
    if scope is None or scope.get("enabled"):
        flash("Disable the scope before deleting it." if scope else
              "This scope does not exist (any more).", "error")
        return _page(registration, status=400 if scope else 404)
    registration.exposed_scopes = [s for s in registration.exposed_scopes if s is not scope]
    return _saved(registration, f"Deleted the scope {scope['value']}.",
                  removedScope=scope["value"])
