"""Tenant export and import: the tenant's whole configuration as one JSON document, and back.

Lives in ``store`` (not in the portal blade) because it is persistence: it reads and writes every
configuration table in one unit of work and knows nothing of HTTP, so a command-line tool can
use it as the portal does.  The document's rules are in :mod:`idp.store.transfer_schema` and
:mod:`idp.store.transfer_checks`; the writes in :mod:`idp.store.transfer_write`.

Never exported: the signing key, admin accounts, plaintext passwords or client secrets (there
are none to export: only their hashes are stored, and those only when asked for), the sealed
secrets of API connectors and identity providers, grants,
sessions, runs, mail and audit records.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..extensions import db
from ..models import (ApiConnector, AppRegistration, AppRoleAssignment, DirectoryUser,
                      IdentityProvider, UserAttribute, UserFlow, UserIdentity)
from ..models._base import utcnow
from ..seed import RP_DEMO
from .tenant import current_tenant
from .transfer_checks import Target, check_document
from .transfer_connectors import export_connectors
from .transfer_identity_providers import export_identity_providers
from .transfer_schema import FORMAT
from .transfer_write import write_document

#: the seeded registration every tenant has its own of (B2C creates it with the tenant).
EXTENSIONS_APP_PREFIX = "b2c-extensions-app"


class TransferError(Exception):
    """The file cannot be imported; ``problems`` says why, one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def iso(value: dt.datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with ``Z``."""
    return None if value is None else value.isoformat() + "Z"


def export_tenant(*, include_users: bool, include_secrets: bool) -> dict[str, Any]:
    """The tenant's configuration as a "b2clab-tenant/1" document (lists sorted, so two
    exports of the same configuration are equal but for ``exportedAt``).

    ``include_users`` adds the directory users; ``include_secrets`` adds password hashes (of
    the users exported) and client secret hashes.
    """
    tenant = current_tenant()
    apps = db.session.execute(db.select(AppRegistration).order_by(
        AppRegistration.name, AppRegistration.client_id)).scalars().all()
    doc: dict[str, Any] = {
        "format": FORMAT, "exportedAt": iso(utcnow()),
        "tenant": {"name": tenant.name, "domain": tenant.domain, "tenantId": tenant.tenant_id,
                   "settings": dict(tenant.settings or {})},
        "userAttributes": [{"name": a.name, "dataType": a.data_type,
                            "description": a.description or ""}
                           for a in _all(UserAttribute, UserAttribute.name_key)],
        "apiConnectors": export_connectors(),
        "identityProviders": export_identity_providers(),
        "userFlows": [{"name": f.name, "flowType": f.flow_type, "version": f.version,
                       "config": f.config or {}} for f in _all(UserFlow, UserFlow.name_key)],
        "appRegistrations": [_export_app(a, include_secrets) for a in apps],
        "appRoleAssignments": _export_assignments(apps),
    }
    if include_users:
        doc["users"] = [_export_user(u, include_secrets)
                        for u in _all(DirectoryUser, DirectoryUser.object_id)]
    return doc


def _all(model, order) -> list:
    return list(db.session.execute(db.select(model).order_by(order)).scalars())


def _export_app(app: AppRegistration, include_secrets: bool) -> dict[str, Any]:
    data = {"name": app.name, "clientId": app.client_id, "platform": app.platform,
            "redirectUris": list(app.redirect_uris or ()),
            "frontChannelLogoutUrl": app.front_channel_logout_url,
            "implicitIdTokens": app.implicit_id_tokens,
            "implicitAccessTokens": app.implicit_access_tokens,
            "supportedAccountTypes": app.supported_account_types, "appIdUri": app.app_id_uri,
            "exposedScopes": list(app.exposed_scopes or ()),
            "apiPermissions": list(app.api_permissions or ()),
            "appRoles": list(app.app_roles or ())}
    if include_secrets:
        data["secrets"] = sorted(({"description": s.description, "secretHash": s.secret_hash,
                                   "hint": s.hint, "expiresAt": iso(s.expires_at)}
                                  for s in app.secrets), key=lambda s: s["secretHash"])
    return data


def _export_assignments(apps: list[AppRegistration]) -> list[dict[str, str]]:
    client_ids = {a.id: a.client_id for a in apps}
    rows = [{"resourceClientId": client_ids[r.resource_id], "appRoleId": r.app_role_id,
             "principalType": r.principal_type, "principalId": r.principal_id}
            for r in db.session.execute(db.select(AppRoleAssignment)).scalars()]
    return sorted(rows, key=lambda r: (r["resourceClientId"], r["appRoleId"], r["principalId"]))


def _export_user(user: DirectoryUser, include_secrets: bool) -> dict[str, Any]:
    data = {"objectId": user.object_id, "displayName": user.display_name,
            "givenName": user.given_name, "surname": user.surname,
            "accountEnabled": user.account_enabled, "attributes": dict(user.attributes or {}),
            "identities": sorted(({"signInType": i.sign_in_type, "issuer": i.issuer,
                                   "issuerAssignedId": i.issuer_assigned_id}
                                  for i in user.identities),
                                 key=lambda i: (i["signInType"], i["issuer"],
                                                i["issuerAssignedId"].lower()))}
    if include_secrets:
        data["passwordHash"] = user.password_hash
        data["passwordLastSet"] = iso(user.password_last_set)
    return data


def parse_document(raw: bytes) -> Any:
    """The JSON value in ``raw``.

    :raise TransferError: for text that is not UTF-8 or not JSON (NaN and Infinity included:
        they are not JSON), with the position of the first error.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransferError(["The file is not UTF-8 text. Choose the .json file that "
                             "Export downloaded."]) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise TransferError([f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, "
                             f"column {exc.colno}."]) from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "it is nested too deeply"
        raise TransferError([f"The file is not valid JSON: {reason}."]) from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def import_tenant(doc: Any, *, merge: bool, use_exported_tenant_id: bool) -> dict[str, Any]:
    """Check ``doc`` against this tenant, then write it into the session (the caller commits
    once, with its audit record).  Returns what was imported, for the message and the audit.

    :raise TransferError: with every problem found; nothing has been written then.
    """
    tenant = current_tenant()
    target = build_target(tenant.domain, merge)
    problems = check_document(doc, target)
    if problems:
        raise TransferError(problems)
    return write_document(doc, tenant, target, use_exported_tenant_id=use_exported_tenant_id)


def build_target(domain: str, merge: bool) -> Target:
    """What the checks need to know about this tenant's rows."""
    apps = db.session.execute(db.select(AppRegistration).order_by(AppRegistration.id)).scalars()
    bound: dict[str, str] = {}
    known = {}
    for app in apps:
        known[app.client_id.lower()] = (app.app_id_uri, frozenset(
            r.get("id") for r in app.app_roles or () if isinstance(r, dict)))
        if app.name == RP_DEMO or app.name.startswith(EXTENSIONS_APP_PREFIX):
            bound.setdefault(app.name, app.client_id)
    identities = {}
    if merge:
        identities = {(i.issuer, i.sign_in_type, i.issuer_assigned_id_key): i.user_object_id
                      for i in db.session.execute(db.select(UserIdentity)).scalars()}
    attributes = {a.name: a.data_type for a in _all(UserAttribute, UserAttribute.name_key)}
    users = frozenset(u.lower() for u in db.session.execute(
        db.select(DirectoryUser.object_id)).scalars())
    connectors = frozenset(db.session.scalars(db.select(ApiConnector.id)))
    providers = {p.id: (p.kind, p.display_name.lower())
                 for p in db.session.scalars(db.select(IdentityProvider))}
    return Target(merge=merge, domain=domain, attributes=attributes, apps=known, users=users,
                  identities=identities, bound_apps=bound, connectors=connectors,
                  identity_providers=providers)
