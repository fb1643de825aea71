"""App registration > Users and groups: assign one of the app's roles to a directory user (an
``AppRoleAssignment``, as Graph's appRoleAssignedTo), list and remove assignments.  In Azure
this tab lives on the enterprise application; B2C Lab keeps it with the registration."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ...extensions import db
from ...models import AppRoleAssignment
from ..common import audit_change, choices
from . import helpers
from .forms import AppRoleAssignmentForm

bp = Blueprint("role_assignments", __name__)
CATEGORY = "UserManagement"


def _form(registration, **kwargs) -> AppRoleAssignmentForm:
    form = AppRoleAssignmentForm(registration, **kwargs)
    form.app_role.choices = choices(
        (r["id"], r["display_name"]) for r in registration.app_roles or ()
        if r.get("enabled") and "User" in r.get("allowed_member_types", ()))
    return form


def _page(registration, form=None, status=200):
    return render_template(
        "portal/app_registrations/role_assignments.html", registration=registration,
        active="Users and groups", extensions_app=helpers.is_extensions_app(registration),
        form=form or _form(registration, formdata=None),
        rows=helpers.assignment_rows(registration)), status


@bp.get("/")
def index(id: int):
    return _page(helpers.get_registration(id))


@bp.post("/")
def create(id: int):
    registration = helpers.get_registration(id)
    form = _form(registration)
    if not form.validate_on_submit():
        return _page(registration, form)
    user = helpers.find_directory_user(form.user.data)
    db.session.add(AppRoleAssignment(resource_id=registration.id, app_role_id=form.app_role.data,
                                     principal_type="User", principal_id=user.object_id))
    role = next(c.label for c in form.app_role.choices if c.value == form.app_role.data)
    audit_change("Add app role assignment to user", category=CATEGORY,
                 app_id=registration.client_id, user=user.object_id, appRole=role,
                 appRoleId=form.app_role.data)
    db.session.commit()
    flash(f"Assigned {role} to {user.display_name or user.object_id}.", "success")
    return redirect(url_for(".index", id=id), 303)


@bp.post("/<assignment_id>/delete")
def delete(id: int, assignment_id: str):
    registration = helpers.get_registration(id)
    assignment = db.session.get(AppRoleAssignment, assignment_id)
    if assignment is None or assignment.resource_id != registration.id:
        flash("This assignment does not exist (any more).", "error")
        return _page(registration, status=404)
    audit_change("Remove app role assignment from user", category=CATEGORY,
                 app_id=registration.client_id, user=assignment.principal_id,
                 appRoleId=assignment.app_role_id)
    db.session.delete(assignment)
    db.session.commit()
    flash("Removed the assignment.", "success")
    return redirect(url_for(".index", id=id), 303)
