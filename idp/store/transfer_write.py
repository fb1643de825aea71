"""Writing a checked tenant document into the session (the caller commits once, or rolls back).

What an import replaces, and what it keeps:

- **Replace the configuration**: custom attributes, user flows and app registrations that are
  not in the file are deleted (an app with its client secrets); every app role assignment is
  replaced by the file's; the tenant settings become the file's.  Directory users are replaced
  only when the file has users (then users not in the file are deleted and their SSO sessions
  and refresh tokens revoked); a file without users leaves the directory as it is.
- **Merge**: what is missing is added; what exists is updated: attributes and flows by name,
  app registrations by client id, users by object id (their sign-in names are added to the
  ones they have), assignments when missing; tenant settings are updated key by key.
- **Always kept**: admin accounts, the signing key, the tenant's name and domain (they come
  from ``IDP_TENANT_NAME``), the tenant id unless "Use the exported tenant ID" is ticked, and
  each tenant's own apps, ``rp-demo`` (the running sample app is configured with its client id
  and secret) and the ``b2c-extensions-app``: they keep their client id and client secrets and
  take their other settings from the file; the file's references to their client ids (API
  permissions, app role assignments) are rewritten to this tenant's.  Client secrets in the
  file are added to the other apps (an existing app keeps the secrets it has).  Users
  imported without a password hash keep the one they have, or cannot sign in until an admin
  resets their password.  An assignment to a user who is neither in the file nor in the
  directory is skipped and counted.
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from ..extensions import db
from ..models import (AppRegistration, AppRoleAssignment, ClientSecret, DirectoryUser,
                      RefreshToken, SsoSession, Tenant, UserAttribute, UserFlow, UserIdentity)
from ..models._base import utcnow
from ..seed import SEEDED_FLOWS
from .transfer_checks import Target, sign_in_key
from .transfer_connectors import write_connectors
from .transfer_identity_providers import write_identity_providers

#: document key -> AppRegistration column, copied as they are.
APP_FIELDS = {"name": "name", "platform": "platform", "redirectUris": "redirect_uris",
              "frontChannelLogoutUrl": "front_channel_logout_url",
              "implicitIdTokens": "implicit_id_tokens",
              "implicitAccessTokens": "implicit_access_tokens",
              "supportedAccountTypes": "supported_account_types", "appIdUri": "app_id_uri",
              "exposedScopes": "exposed_scopes", "appRoles": "app_roles"}


def write_document(doc: dict, tenant: Tenant, target: Target, *,
                   use_exported_tenant_id: bool) -> dict[str, Any]:
    """Write ``doc`` (already checked against ``target``); returns counts and notes."""
    client_ids = {a["clientId"].lower(): target.effective_client_id(a)
                  for a in doc["appRegistrations"]}
    file_domain = doc["tenant"]["domain"]
    notes = []
    if not target.merge:
        _clear(doc, set(c.lower() for c in [*client_ids.values(), *target.bound_apps.values()]))
        notes += _seeded_flows_note(doc["userFlows"])
    notes[:0] = _write_tenant(doc["tenant"], tenant, target.merge, use_exported_tenant_id)
    _write_attributes(doc["userAttributes"])
    notes += write_connectors(doc.get("apiConnectors", []), target.merge)
    if "identityProviders" in doc or not target.merge:
        notes += write_identity_providers(doc.get("identityProviders", []), target.merge)
    _write_flows(doc["userFlows"])
    _write_apps(doc["appRegistrations"], target, client_ids)
    users = doc.get("users")
    if users is not None:
        _write_users(users, target.merge, file_domain, tenant.domain)
    principals = {u["objectId"].lower() for u in users or ()}
    if target.merge or users is None:
        principals |= target.users
    skipped = _write_assignments(doc["appRoleAssignments"], client_ids, principals)
    if skipped:
        notes.append(f"{skipped} app role assignment(s) skipped: their users are neither in "
                     "the file nor in this directory (export with Include users to bring them).")
    return {"mode": "merge" if target.merge else "replace",
            "userAttributes": len(doc["userAttributes"]), "userFlows": len(doc["userFlows"]),
            "apiConnectors": len(doc.get("apiConnectors", [])),
            "identityProviders": len(doc.get("identityProviders", [])),
            "appRegistrations": len(doc["appRegistrations"]),
            "appRoleAssignments": len(doc["appRoleAssignments"]) - skipped,
            "users": len(users) if users is not None else None, "notes": notes}


def _seeded_flows_note(flows: list[dict]) -> list[str]:
    names = {f["name"].lower() for f in flows}
    missing = [name for name, _config in SEEDED_FLOWS if name.lower() not in names]
    if not missing:
        return []
    return [f"{', '.join(missing)} deleted (not in the file): the next start of B2C Lab "
            "creates them again with their defaults (the sample app signs in with B2C_1_susi)."]


def _clear(doc: dict, keep_client_ids: set[str]) -> None:
    """Replace mode: delete what the file does not have, before anything is written (bulk
    deletes, then the session forgets what it had loaded: nothing is pending yet, the flush
    only makes sure of it)."""
    db.session.flush()
    names = {a["name"].lower() for a in doc["userAttributes"]}
    db.session.execute(db.delete(UserAttribute).where(UserAttribute.name_key.not_in(names)),
                       execution_options={"synchronize_session": False})
    flows = {f["name"].lower() for f in doc["userFlows"]}
    db.session.execute(db.delete(UserFlow).where(UserFlow.name_key.not_in(flows)),
                       execution_options={"synchronize_session": False})
    doomed = [a.id for a in db.session.execute(db.select(AppRegistration)).scalars()
              if a.client_id.lower() not in keep_client_ids]
    for model, column in ((AppRoleAssignment, None),
                          (ClientSecret, ClientSecret.app_registration_id),
                          (AppRegistration, AppRegistration.id)):
        statement = db.delete(model)
        if column is not None:
            statement = statement.where(column.in_(doomed))
        db.session.execute(statement, execution_options={"synchronize_session": False})
    if doc.get("users") is not None:
        keep = {u["objectId"] for u in doc["users"]}
        for model in (SsoSession, RefreshToken):
            db.session.execute(db.update(model).where(
                model.user_object_id.not_in(keep), model.revoked_at.is_(None)).values(
                revoked_at=utcnow()), execution_options={"synchronize_session": False})
        db.session.execute(db.delete(UserIdentity),
                           execution_options={"synchronize_session": False})
        db.session.execute(db.delete(DirectoryUser).where(DirectoryUser.object_id.not_in(keep)),
                           execution_options={"synchronize_session": False})
    db.session.expire_all()


def _write_tenant(data: dict, tenant: Tenant, merge: bool, use_id: bool) -> list[str]:
    tenant.settings = ({**(tenant.settings or {}), **data["settings"]} if merge
                       else copy.deepcopy(data["settings"]))
    notes = []
    if use_id:
        tenant.tenant_id = data["tenantId"]
    if data["domain"].lower() != tenant.domain.lower():
        notes.append(f"The file comes from {data['domain']}: this tenant keeps its name and "
                     f"domain ({tenant.domain}), and its local sign-in names were moved to it.")
    return notes


def _write_attributes(items: list[dict]) -> None:
    rows = {a.name_key: a for a in db.session.execute(db.select(UserAttribute)).scalars()}
    for item in items:
        key = item["name"].lower()
        row = rows.get(key) or UserAttribute(name_key=key)
        row.name, row.data_type = item["name"], item["dataType"]
        row.description = item.get("description", "")
        db.session.add(row)


def _write_flows(items: list[dict]) -> None:
    rows = {f.name_key: f for f in db.session.execute(db.select(UserFlow)).scalars()}
    for item in items:
        key = item["name"].lower()
        row = rows.get(key) or UserFlow(name_key=key)
        row.name, row.flow_type, row.version = item["name"], item["flowType"], item["version"]
        row.config = copy.deepcopy(item["config"])
        db.session.add(row)


def _write_apps(items: list[dict], target: Target, client_ids: dict[str, str]) -> None:
    rows = {a.client_id.lower(): a for a in db.session.execute(
        db.select(AppRegistration)).scalars()}
    for item in items:
        client_id = target.effective_client_id(item)
        row = rows.get(client_id.lower()) or AppRegistration(client_id=client_id)
        for key, column in APP_FIELDS.items():
            setattr(row, column, copy.deepcopy(item[key]))
        row.api_permissions = [
            {**p, "resource_client_id": client_ids.get(p["resource_client_id"].lower(),
                                                       p["resource_client_id"])}
            for p in copy.deepcopy(item["apiPermissions"])]
        if not target.is_bound(item):
            held = {s.secret_hash for s in row.secrets}
            row.secrets.extend(
                ClientSecret(description=s["description"], secret_hash=s["secretHash"],
                             hint=s["hint"], expires_at=parse_time(s["expiresAt"]))
                for s in item.get("secrets", ()) if s["secretHash"] not in held)
        db.session.add(row)


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time from the file as naive UTC, the way times are stored."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def _write_users(items: list[dict], merge: bool, file_domain: str, domain: str) -> None:
    ids = [u["objectId"] for u in items]
    rows = {u.object_id.lower(): u for u in db.session.execute(
        db.select(DirectoryUser).where(DirectoryUser.object_id.in_(ids))).scalars()}
    for item in items:
        user = rows.get(item["objectId"].lower()) or DirectoryUser(object_id=item["objectId"])
        user.display_name, user.given_name = item["displayName"], item["givenName"]
        user.surname, user.account_enabled = item["surname"], item["accountEnabled"]
        user.attributes = ({**(user.attributes or {}), **item["attributes"]} if merge
                           else copy.deepcopy(item["attributes"]))
        if item.get("passwordHash"):
            user.password_hash = item["passwordHash"]
            user.password_last_set = parse_time(item.get("passwordLastSet"))
        held = {(i.issuer, i.sign_in_type, i.issuer_assigned_id_key) for i in user.identities}
        for identity in item["identities"]:
            key = sign_in_key(identity, file_domain, domain)
            if key not in held:
                held.add(key)
                user.identities.append(UserIdentity(
                    sign_in_type=key[1], issuer=key[0],
                    issuer_assigned_id=identity["issuerAssignedId"], issuer_assigned_id_key=key[2]))
        db.session.add(user)


def _write_assignments(items: list[dict], client_ids: dict[str, str],
                       principals: set[str]) -> int:
    """Add the file's assignments that are missing; returns how many were skipped."""
    db.session.flush()  # new app registrations get their row ids
    apps = {a.client_id.lower(): a.id for a in db.session.execute(
        db.select(AppRegistration)).scalars()}
    held = {(r.resource_id, r.app_role_id.lower(), r.principal_id.lower())
            for r in db.session.execute(db.select(AppRoleAssignment)).scalars()}
    skipped = 0
    for item in items:
        if item["principalType"] == "User" and item["principalId"].lower() not in principals:
            skipped += 1
            continue
        resource = client_ids.get(item["resourceClientId"].lower(), item["resourceClientId"])
        key = (apps[resource.lower()], item["appRoleId"].lower(), item["principalId"].lower())
        if key not in held:
            held.add(key)
            db.session.add(AppRoleAssignment(resource_id=key[0], app_role_id=item["appRoleId"],
                                             principal_type=item["principalType"],
                                             principal_id=item["principalId"]))
    return skipped
