"""App registrations: the list, Register an application, Overview, Branding & properties (the
display name) and Delete (a confirmation page naming what goes with the app, then a POST)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...extensions import db
from ...models import AppRegistration
from ...store.tenant import current_tenant
from ..common import audit_change
from . import bp, helpers
from .forms import AppRegistrationForm, BrandingForm

CATEGORY = "ApplicationManagement"


@bp.get("/")
def index():
    return render_template("portal/app_registrations/index.html",
                           registrations=helpers.all_registrations(),
                           is_extensions_app=helpers.is_extensions_app)


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = AppRegistrationForm()
    if form.validate_on_submit():
        registration = AppRegistration(
            name=form.name.data.strip(), platform=form.platform.data,
            supported_account_types=form.supported_account_types.data,
            redirect_uris=[form.redirect_uri.data] if form.redirect_uri.data else [],
            api_permissions=_oidc_permissions() if form.grant_admin_consent.data else [])
        db.session.add(registration)
        db.session.flush()  # assigns the client id
        audit_change("Add application", category=CATEGORY, app_id=registration.client_id,
                     displayName=registration.name, platform=registration.platform)
        db.session.commit()
        flash(f"Successfully registered {registration.name}.", "success")
        return redirect(url_for(".overview", id=registration.id), 303)
    return render_template("portal/app_registrations/create.html", form=form,
                           platforms=helpers.PLATFORM_LABELS)


def _oidc_permissions() -> list[dict]:
    """What the "Grant admin consent to openid and offline_access permissions" box adds."""
    return [{"resource_client_id": helpers.MICROSOFT_GRAPH, "value": value,
             "type": "Delegated", "admin_consent": True} for value in helpers.OIDC_PERMISSIONS]


@bp.get("/<int:id>/")
def overview(id: int):
    registration = helpers.get_registration(id)
    return render_template(
        "portal/app_registrations/overview.html", registration=registration,
        tenant=current_tenant(), active="Overview",
        account_type=helpers.account_type_label(registration.supported_account_types),
        platform=helpers.PLATFORM_LABELS.get(registration.platform, registration.platform),
        extensions_app=helpers.is_extensions_app(registration))


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
def update(id: int):
    registration = helpers.get_registration(id)
    form = BrandingForm(registration, obj=registration)
    if form.validate_on_submit():
        old, registration.name = registration.name, form.name.data.strip()
        audit_change("Update application", category=CATEGORY, app_id=registration.client_id,
                     displayName=registration.name, oldDisplayName=old)
        db.session.commit()
        flash("Saved the application's name.", "success")
        return redirect(url_for(".update", id=id), 303)
    return render_template("portal/app_registrations/branding.html", form=form,
                           registration=registration, active="Branding & properties",
                           extensions_app=helpers.is_extensions_app(registration))


@bp.get("/<int:id>/delete")
def confirm_delete(id: int):
    return _delete_page(helpers.get_registration(id))


def _delete_page(registration: AppRegistration, status: int = 200):
    return render_template(
        "portal/app_registrations/delete.html", registration=registration,
        assignments=len(helpers.assignments_of(registration)),
        extensions_app=helpers.is_extensions_app(registration),
        note=helpers.EXTENSIONS_APP_NOTE), status


@bp.post("/<int:id>/delete")
def delete(id: int):
    registration = helpers.get_registration(id)
    if helpers.is_extensions_app(registration):
        flash(f"The b2c-extensions-app cannot be deleted. {helpers.EXTENSIONS_APP_NOTE}",
              "error")
        return _delete_page(registration, 400)
    assignments = helpers.assignments_of(registration)
    for assignment in assignments:
        db.session.delete(assignment)
    audit_change("Delete application", category=CATEGORY, app_id=registration.client_id,
                 displayName=registration.name, clientSecrets=len(registration.secrets),
                 appRoleAssignments=len(assignments))
    db.session.delete(registration)  # its client secrets go with it (delete-orphan)
    db.session.commit()
    flash(f"Deleted the application {registration.name}.", "success")
    return redirect(url_for(".index"), 303)
