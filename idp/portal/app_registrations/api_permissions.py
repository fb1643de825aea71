"""App registration > API permissions: Add a permission (My APIs: another app registration's
exposed scopes, as delegated permissions; Microsoft Graph: openid and offline_access as
delegated permissions and the Graph application permissions the lab serves), Remove
permission, and "Grant admin consent for {tenant}".  B2C issues a token for an API scope only
to an app holding the permission with admin consent (AADB2C90205); see
``idp.store.clients.resolve_api_scope`` for what the runtime checks, and
``idp.graph.issuance`` for the ``roles`` of a Graph token."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ...extensions import db
from ...graph.permissions import GRAPH_APP_ID, GRAPH_PERMISSIONS, permission_type
from ..common import audit_change, choices
from . import helpers
from .forms import ApiPermissionForm

bp = Blueprint("api_permissions", __name__)
CATEGORY = "ApplicationManagement"


def _saved(registration, activity: str, message: str, **details):
    audit_change(activity, category=CATEGORY, app_id=registration.client_id,
                 displayName=registration.name, **details)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index", id=registration.id), 303)


@bp.get("/")
def index(id: int):
    registration = helpers.get_registration(id)
    return render_template(
        "portal/app_registrations/api_permissions.html", registration=registration,
        active="API permissions", extensions_app=helpers.is_extensions_app(registration),
        permissions=helpers.permission_rows(registration), tenant_name=helpers.tenant_name())


#: Microsoft Graph as the Request API permissions page shows it (it has no app registration).
GRAPH = SimpleNamespace(id=None, name="Microsoft Graph", client_id=GRAPH_APP_ID)


def _with_choices(form: ApiPermissionForm):
    """The chosen API (or None), after offering its enabled scopes as the choices."""
    if form.api.data == GRAPH_APP_ID:
        form.scopes.choices = choices((value, f"{value}: {name}")
                                      for value, (_t, _id, name) in GRAPH_PERMISSIONS.items())
        return GRAPH
    api = helpers.find_app_by_client_id(form.api.data or "")
    form.scopes.choices = choices(
        (s["value"], f"{s['value']}: {s['admin_consent_display_name']}")
        for s in (api.exposed_scopes or () if api else ()) if s.get("enabled"))
    return api


def _add_page(registration, form, status=200):
    api = _with_choices(form)
    return render_template(
        "portal/app_registrations/api_permissions_add.html", registration=registration,
        active="API permissions", extensions_app=helpers.is_extensions_app(registration),
        apis=helpers.apis_with_scopes(), api=api, form=form, graph_app_id=GRAPH_APP_ID,
        graph_types={v: t for v, (t, _id, _name) in GRAPH_PERMISSIONS.items()}), status


@bp.route("/new", methods=["GET", "POST"])
def create(id: int):
    registration = helpers.get_registration(id)
    if request.method == "GET":
        form = ApiPermissionForm(registration, formdata=None, api=request.args.get("api", ""))
        return _add_page(registration, form)
    form = ApiPermissionForm(registration)
    _with_choices(form)  # a POSTed scope must be one the chosen API exposes, enabled
    if not form.validate_on_submit():
        return _add_page(registration, form)
    graph = form.api.data == GRAPH_APP_ID
    added = [{"resource_client_id": form.api.data, "value": value,
              "type": permission_type(value) if graph else "Delegated",
              "admin_consent": False} for value in form.scopes.data]
    registration.api_permissions = [*(registration.api_permissions or ()), *added]
    return _saved(registration, "Update application", "Added the permissions. Grant admin "
                  "consent so that the application can use them.",
                  addedPermissions=[p["value"] for p in added], resource=form.api.data)


@bp.post("/<resource>/<value>/delete")
def delete(id: int, resource: str, value: str):
    registration = helpers.get_registration(id)
    kept = [p for p in registration.api_permissions or ()
            if (p["resource_client_id"], p["value"]) != (resource, value)]
    if len(kept) == len(registration.api_permissions or ()):
        flash("This permission is not on the application (any more).", "error")
        return redirect(url_for(".index", id=id), 303)
    registration.api_permissions = kept
    return _saved(registration, "Update application", f"Removed the permission {value}.",
                  removedPermission=value, resource=resource)


@bp.post("/admin-consent")
def consent(id: int):
    registration = helpers.get_registration(id)
    registration.api_permissions = [{**p, "admin_consent": True}
                                    for p in registration.api_permissions or ()]
    return _saved(registration, "Consent to application",
                  f"Granted admin consent for {helpers.tenant_name()}.",
                  permissions=[p["value"] for p in registration.api_permissions])
