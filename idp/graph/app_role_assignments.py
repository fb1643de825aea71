"""``/users/{id}/appRoleAssignments`` (Graph v1.0 "List appRoleAssignments granted to a user",
"Grant an appRoleAssignment to a user", "Delete appRoleAssignment"): the ``AppRoleAssignment``
rows the portal's "Users and groups" tab also writes.  Reading needs ``User.Read.All`` (or
``User.ReadWrite.All`` / ``AppRoleAssignment.ReadWrite.All``); granting and removing need
``AppRoleAssignment.ReadWrite.All``, as in Graph.
"""
from __future__ import annotations

import uuid

from flask import request
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AppRegistration, AppRoleAssignment
from ..store import audit
from ..store.tenant import current_tenant
from . import bp
from .auth import caller, require
from .errors import bad_request, invalid_property, not_found
from .filters import Field, evaluate
from .odata import collection, entity, read_query, take_page
from .permissions import READ_ASSIGNMENTS, WRITE_ASSIGNMENTS, service_principal_id
from .service_principals import find_registration
from .user_query import find_user

TYPE_NAME, RESOURCE = "microsoft.graph.appRoleAssignment", "AppRoleAssignment"
FILTERABLE = {"resourceid": Field("resourceId", "Edm.Guid"),
              "approleid": Field("appRoleId", "Edm.Guid"),
              "principalid": Field("principalId", "Edm.Guid")}
PROPERTIES = ("id", "deletedDateTime", "appRoleId", "createdDateTime", "principalDisplayName",
              "principalId", "principalType", "resourceDisplayName", "resourceId")
SELECTABLE = {name.lower(): name for name in PROPERTIES}


def _record(assignment: AppRoleAssignment, registration: AppRegistration, user) -> dict:
    return {"id": assignment.id, "deletedDateTime": None, "appRoleId": assignment.app_role_id,
            "createdDateTime": assignment.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "principalDisplayName": user.display_name, "principalId": assignment.principal_id,
            "principalType": assignment.principal_type,
            "resourceDisplayName": registration.name,
            "resourceId": service_principal_id(registration.client_id)}


def _user(object_id: str):
    user = find_user(object_id, current_tenant().domain)
    if user is None:
        raise not_found(object_id)
    return user


def _assignments(user) -> list[tuple[AppRoleAssignment, AppRegistration]]:
    return list(db.session.execute(
        db.select(AppRoleAssignment, AppRegistration)
        .join(AppRegistration, AppRegistration.id == AppRoleAssignment.resource_id)
        .where(AppRoleAssignment.principal_id == user.object_id)
        .order_by(AppRoleAssignment.id)).all())


def _context(user) -> str:
    return f"users('{user.object_id}')/appRoleAssignments"


@bp.get("/users/<object_id>/appRoleAssignments")
@require(*READ_ASSIGNMENTS)
def list_assignments(object_id: str):
    user = _user(object_id)
    query = read_query(SELECTABLE, FILTERABLE, TYPE_NAME, RESOURCE)
    rows = (r for r in (_record(a, reg, user) for a, reg in _assignments(user))
            if (query.after is None or r["id"] > query.after)
            and (query.filter is None or evaluate(query.filter, r)))
    page, token = take_page(rows, lambda r: r["id"], query.top)
    items = [{k: r[k] for k in query.select} if query.select else r for r in page]
    return collection(_context(user), f"users/{user.object_id}/appRoleAssignments",
                      query.select, items, token)


def _find(user, assignment_id: str) -> tuple[AppRoleAssignment, AppRegistration]:
    found = next(((a, reg) for a, reg in _assignments(user) if a.id == assignment_id), None)
    if found is None:
        raise not_found(assignment_id)
    return found


@bp.get("/users/<object_id>/appRoleAssignments/<assignment_id>")
@require(*READ_ASSIGNMENTS)
def get_assignment(object_id: str, assignment_id: str):
    user = _user(object_id)
    return entity(_context(user), None, _record(*_find(user, assignment_id), user))


def _guid(body: dict, name: str, hint: str) -> str:
    try:
        return str(uuid.UUID(body.get(name)))
    except (TypeError, ValueError, AttributeError):  # missing, not text, not a GUID
        raise invalid_property(name, RESOURCE, hint) from None


def _role(registration: AppRegistration, app_role_id: str) -> dict:
    role = next((r for r in registration.app_roles or () if r["id"].lower() == app_role_id
                 and r.get("enabled", True) and "User" in r.get("allowed_member_types", ())),
                None)
    if role is None:
        raise bad_request(f"Permission being assigned was not found on application "
                          f"'{registration.client_id}': appRoleId must be the id of one of its "
                          f"enabled app roles that allows users (see its appRoles).")
    return role


def _read_body(user) -> tuple[AppRegistration, dict]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object with principalId, "
                          "resourceId and appRoleId.")
    principal = _guid(body, "principalId", "It must be the id of the user in the URL.")
    if principal != user.object_id:
        raise invalid_property("principalId", RESOURCE, "It must be the id of the user in "
                                                        "the URL.")
    resource = _guid(body, "resourceId", "It must be a service principal's id.")
    registration = find_registration(resource)
    if registration is None:
        raise invalid_property("resourceId", RESOURCE, (
            "No service principal has this id: GET /servicePrincipals?$filter=appId eq "
            "'<client id>' gives it (it is not the client id)."))
    app_role_id = _guid(body, "appRoleId", "It must be the id of one of the app's roles.")
    return registration, _role(registration, app_role_id)


@bp.post("/users/<object_id>/appRoleAssignments")
@require(*WRITE_ASSIGNMENTS)
def create_assignment(object_id: str):
    user = _user(object_id)
    registration, role = _read_body(user)
    if any(a.resource_id == registration.id and a.app_role_id == role["id"]
           for a, _reg in _assignments(user)):
        raise bad_request("Permission being assigned already exists on the object.")
    assignment = AppRoleAssignment(resource_id=registration.id, app_role_id=role["id"],
                                   principal_type="User", principal_id=user.object_id)
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise bad_request("Permission being assigned already exists on the object.") from None
    audit.record("Add app role assignment to user", category="UserManagement",
                 app_id=caller().app_id, user=user.object_id, appRole=role.get("display_name"),
                 appRoleId=role["id"], resourceAppId=registration.client_id)
    db.session.commit()
    return entity(_context(user), None, _record(assignment, registration, user)), 201


@bp.delete("/users/<object_id>/appRoleAssignments/<assignment_id>")
@require(*WRITE_ASSIGNMENTS)
def delete_assignment(object_id: str, assignment_id: str):
    user = _user(object_id)
    assignment, registration = _find(user, assignment_id)
    audit.record("Remove app role assignment from user", category="UserManagement",
                 app_id=caller().app_id, user=user.object_id, appRoleId=assignment.app_role_id,
                 resourceAppId=registration.client_id)
    db.session.delete(assignment)
    db.session.commit()
    return "", 204
