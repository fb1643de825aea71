"""``/servicePrincipals`` (Graph v1.0 "List servicePrincipals", "Get servicePrincipal"), needing
``Application.Read.All``.  Every app registration has a service principal whose ``id`` is
derived from its client id (:func:`idp.graph.permissions.service_principal_id`) and whose
``appRoles`` are the registration's app roles in Graph's shape.
"""
from __future__ import annotations

from ..extensions import db
from ..models import AppRegistration
from ..store.tenant import current_tenant
from . import bp
from .auth import require
from .errors import not_found
from .filters import Field, evaluate
from .odata import collection, entity, read_query, take_page
from .permissions import READ_APPLICATIONS, service_principal_id

TYPE_NAME, RESOURCE = "microsoft.graph.servicePrincipal", "ServicePrincipal"
FILTERABLE = {"appid": Field("appId", "Edm.String"), "id": Field("id", "Edm.String"),
              "displayname": Field("displayName", "Edm.String", startswith=True)}
PROPERTIES = ("id", "deletedDateTime", "accountEnabled", "appDisplayName", "appId",
              "appOwnerOrganizationId", "appRoleAssignmentRequired", "displayName",
              "servicePrincipalNames", "servicePrincipalType", "tags", "appRoles",
              "oauth2PermissionScopes")
SELECTABLE = {name.lower(): name for name in PROPERTIES}


def app_roles(registration: AppRegistration) -> list[dict]:
    """The registration's app roles as Graph's ``appRole`` resources."""
    return [{"allowedMemberTypes": list(r.get("allowed_member_types") or ()),
             "description": r.get("description"), "displayName": r.get("display_name"),
             "id": r["id"], "isEnabled": bool(r.get("enabled", True)),
             "origin": "Application", "value": r.get("value")}
            for r in registration.app_roles or ()]


def _scopes(registration: AppRegistration) -> list[dict]:
    return [{"adminConsentDescription": s.get("admin_consent_description"),
             "adminConsentDisplayName": s.get("admin_consent_display_name"),
             "id": s.get("id"), "isEnabled": bool(s.get("enabled", True)), "type": "Admin",
             "userConsentDescription": None, "userConsentDisplayName": None,
             "value": s.get("value")} for s in registration.exposed_scopes or ()]


def service_principal(registration: AppRegistration, tenant_id: str) -> dict:
    """The registration's service principal, every property in :data:`PROPERTIES`."""
    names = [registration.client_id] + ([registration.app_id_uri]
                                        if registration.app_id_uri else [])
    return {"id": service_principal_id(registration.client_id), "deletedDateTime": None,
            "accountEnabled": True, "appDisplayName": registration.name,
            "appId": registration.client_id, "appOwnerOrganizationId": tenant_id,
            "appRoleAssignmentRequired": False, "displayName": registration.name,
            "servicePrincipalNames": names, "servicePrincipalType": "Application", "tags": [],
            "appRoles": app_roles(registration), "oauth2PermissionScopes": _scopes(registration)}


def find_registration(principal_id: str) -> AppRegistration | None:
    """The app registration whose service principal has this id (few rows: derive each)."""
    wanted = principal_id.strip().lower()
    return next((r for r in db.session.execute(db.select(AppRegistration)).scalars()
                 if service_principal_id(r.client_id) == wanted), None)


def _all(tenant_id: str) -> list[dict]:
    rows = db.session.execute(db.select(AppRegistration)).scalars()
    return sorted((service_principal(r, tenant_id) for r in rows), key=lambda sp: sp["id"])


def _pick(record: dict, select) -> dict:
    return {name: record[name] for name in select} if select else record


@bp.get("/servicePrincipals")
@require(*READ_APPLICATIONS)
def list_service_principals():
    query = read_query(SELECTABLE, FILTERABLE, TYPE_NAME, RESOURCE)
    rows = (sp for sp in _all(current_tenant().tenant_id)
            if (query.after is None or sp["id"] > query.after)
            and (query.filter is None or evaluate(query.filter, sp)))
    page, token = take_page(rows, lambda sp: sp["id"], query.top)
    return collection("servicePrincipals", "servicePrincipals", query.select,
                      [_pick(sp, query.select) for sp in page], token)


@bp.get("/servicePrincipals/<principal_id>")
@require(*READ_APPLICATIONS)
def get_service_principal(principal_id: str):
    query = read_query(SELECTABLE, {}, TYPE_NAME, RESOURCE)
    registration = find_registration(principal_id)
    if registration is None:
        raise not_found(principal_id)
    record = service_principal(registration, current_tenant().tenant_id)
    return entity("servicePrincipals", query.select, _pick(record, query.select))
