"""App registration > App roles: Create app role (a GUID id, a unique value without spaces),
enable or disable it, and delete a disabled one (with its assignments), as Azure requires."""
from __future__ import annotations

from flask import Blueprint, flash, render_template

from ...extensions import db
from ...models._base import new_guid
from . import helpers
from .forms import AppRoleForm

bp = Blueprint("app_roles", __name__)


def _page(registration, form=None, status=200):
    return render_template(
        "portal/app_registrations/app_roles.html", registration=registration,
        active="App roles", extensions_app=helpers.is_extensions_app(registration),
        form=form or AppRoleForm(registration, formdata=None),
        member_labels=helpers.MEMBER_TYPE_LABELS, member_choice=helpers.role_member_choice
    ), status


_saved = helpers.saved


def _find_role(registration, role_id: str) -> dict | None:
    return next((r for r in registration.app_roles or () if r.get("id") == role_id), None)


@bp.get("/")
def index(id: int):
    return _page(helpers.get_registration(id))


@bp.post("/")
def create(id: int):
    registration = helpers.get_registration(id)
    form = AppRoleForm(registration)
    if not form.validate_on_submit():
        return _page(registration, form)
    role = {"id": new_guid(), "value": form.value.data,
            "display_name": form.display_name.data.strip(),
            "description": form.description.data.strip(),
            "allowed_member_types": list(helpers.MEMBER_TYPES[form.allowed_member_types.data]),
            "enabled": form.enabled.data}
    registration.app_roles = [*(registration.app_roles or ()), role]
    return _saved(registration, f"Created the app role {role['display_name']}.",
                  addedAppRole=role["value"], appRoleId=role["id"])


@bp.post("/<role_id>/state")
def state(id: int, role_id: str):
    registration = helpers.get_registration(id)
    role = _find_role(registration, role_id)
    if role is None:
        flash("This app role does not exist (any more).", "error")
        return _page(registration, status=404)
    enabled = not role.get("enabled")
    registration.app_roles = [{**r, "enabled": enabled} if r is role else r
                              for r in registration.app_roles]
    return _saved(registration, f"{'Enabled' if enabled else 'Disabled'} the app role "
                  f"{role['display_name']}.", appRole=role["value"], enabled=enabled)


@bp.post("/<role_id>/delete")
def delete(id: int, role_id: str):
    registration = helpers.get_registration(id)
    role = _find_role(registration, role_id)
    if role is None or role.get("enabled"):
        flash("Disable the app role before deleting it." if role else
              "This app role does not exist (any more).", "error")
        return _page(registration, status=400 if role else 404)
    removed = [a for a in helpers.assignments_of(registration) if a.app_role_id == role_id]
    for assignment in removed:
        db.session.delete(assignment)
    registration.app_roles = [r for r in registration.app_roles if r is not role]
    return _saved(registration, f"Deleted the app role {role['display_name']}.",
                  removedAppRole=role["value"], removedAssignments=len(removed))
