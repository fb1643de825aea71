"""Checking a whole tenant export document against the tenant that imports it.

Plain data in (the parsed document and a :class:`Target` summary of the tenant's rows), a list
of problems out; nothing is written until this list is empty.  On top of the field checks of
:mod:`idp.store.transfer_schema` it checks what only the whole file can tell: names unique inside
the file, a flow's attributes and claims that exist, an assignment's app and app role, app ID
URIs and sign-in names that another row of the tenant already holds (when merging).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..engine.attributes import BUILT_IN_BY_CLAIM
from .transfer_connectors import check_connectors
from .transfer_identity_providers import check_identity_providers
from .transfer_schema import (ATTRIBUTE_NAME, DATA_TYPES, FLOW_TYPES, FORMAT, GUID,
                              LOCAL_ACCOUNT_TYPES, MAX_PROBLEMS, PRINCIPAL_TYPES, USER_FLOW_NAME,
                              Problems, check_app_fields, check_choice, check_fields, check_text,
                              check_unique, check_user_fields, lower_of, ok)


@dataclass(frozen=True)
class Target:
    """What the importing tenant holds that the document may refer to or collide with."""

    merge: bool
    domain: str
    #: custom attributes: name -> data type
    attributes: Mapping[str, str] = field(default_factory=dict)
    #: app registrations: lower-cased client id -> (Application ID URI, app role ids)
    apps: Mapping[str, tuple[str | None, frozenset[str]]] = field(default_factory=dict)
    users: frozenset[str] = frozenset()
    #: local sign-in names: (issuer, sign-in type, lower-cased name) -> object id
    identities: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    #: apps every tenant has its own of (sample app, b2c-extensions-app): name -> client id
    bound_apps: Mapping[str, str] = field(default_factory=dict)
    #: ids of this tenant's API connectors
    connectors: frozenset[str] = frozenset()
    #: this tenant's identity providers: id -> (kind, lower-cased name)
    identity_providers: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def effective_client_id(self, app: dict) -> str:
        """The client id an imported app gets: this tenant's own for a tenant-bound app."""
        return self.bound_apps[app["name"]] if self.is_bound(app) else app.get("clientId", "")

    def is_bound(self, app: dict) -> bool:
        return isinstance(app.get("name"), str) and app["name"] in self.bound_apps


def check_document(doc: Any, target: Target) -> list[str]:
    """Every problem of ``doc``, as ``path: message`` sentences (at most MAX_PROBLEMS, then a
    count of the rest); an empty list means the import may write."""
    if not isinstance(doc, dict):
        return ["The file must hold one JSON object: a B2C Lab tenant export."]
    if doc.get("format") != FORMAT:
        found = repr(doc["format"]) if "format" in doc else "nothing"
        return [f"format: {found} is not a format this B2C Lab reads. It reads '{FORMAT}' "
                "files, made by Export and import > Export."]
    p = Problems()
    check_fields(p, "", doc, "document")
    _check_tenant(p, doc.get("tenant"))
    attributes = _entries(doc, "userAttributes")
    claims = _check_attributes(p, attributes, target)
    _check_flows(p, _entries(doc, "userFlows"), claims)
    check_connectors(p, doc.get("apiConnectors", []), _entries(doc, "userFlows"),
                     target.connectors if target.merge else frozenset())
    check_identity_providers(p, doc.get("identityProviders", []), _entries(doc, "userFlows"),
                             target.identity_providers if target.merge else {})
    roles = _check_apps(p, _entries(doc, "appRegistrations"), target)
    users = _entries(doc, "users")
    domain = doc["tenant"].get("domain") if isinstance(doc.get("tenant"), dict) else None
    _check_users(p, users, target, domain if isinstance(domain, str) else "")
    _check_assignments(p, _entries(doc, "appRoleAssignments"), roles, target.merge)
    if len(p) > MAX_PROBLEMS:
        return [*p[:MAX_PROBLEMS], f"... and {len(p) - MAX_PROBLEMS} more problems."]
    return list(p)


def _entries(doc: dict, key: str) -> list:
    value = doc.get(key)
    return value if isinstance(value, list) else []


def _check_tenant(p: Problems, tenant: Any) -> None:
    if not check_fields(p, "tenant", tenant, "tenant"):
        return
    if ok(tenant, "tenantId", "tenant") and not GUID.match(tenant["tenantId"]):
        p.add("tenant.tenantId", f"{tenant['tenantId']!r} is not a GUID")
    settings = tenant.get("settings")
    if not isinstance(settings, dict):
        return
    local = settings.get("default_local_account_type")
    if local is not None and local not in LOCAL_ACCOUNT_TYPES:
        p.add("tenant.settings.default_local_account_type",
              f"{local!r} is not one of {', '.join(LOCAL_ACCOUNT_TYPES)}")
    days = settings.get("audit_retention_days")
    if days is not None and (type(days) is not int or not 1 <= days <= 365):
        p.add("tenant.settings.audit_retention_days", "must be a whole number from 1 to 365")


def _check_attributes(p: Problems, items: list, target: Target) -> dict[str, tuple[bool, bool]]:
    """Check the custom attributes; returns every claim a flow may name -> (collect, return)."""
    existing = {name.lower(): (name, kind) for name, kind in target.attributes.items()}
    for i, item in enumerate(items):
        path = f"userAttributes[{i}]"
        if not check_fields(p, path, item, "attribute"):
            continue
        if ok(item, "name", "attribute"):
            check_text(p, f"{path}.name", item["name"], max_len=40, pattern=ATTRIBUTE_NAME,
                       what="attribute name (a letter, then letters or digits)")
        if ok(item, "dataType", "attribute"):
            check_choice(p, f"{path}.dataType", item["dataType"], DATA_TYPES)
            old = existing.get(str(item.get("name")).lower()) if target.merge else None
            if old and old[1] != item["dataType"]:
                p.add(f"{path}.dataType", f"the tenant's attribute {old[0]!r} is "
                      f"{old[1]}; an attribute's data type cannot be changed")
        if ok(item, "description", "attribute"):
            check_text(p, f"{path}.description", item["description"], max_len=256,
                       required=False)
    check_unique(p, items, "userAttributes", lower_of("name"), "name", "the attribute")
    claims = {a.claim: (a.collectable, a.returnable) for a in BUILT_IN_BY_CLAIM.values()}
    names = [a["name"] for a in items if isinstance(a, dict) and isinstance(a.get("name"), str)]
    if target.merge:
        names += list(target.attributes)
    claims.update({f"extension_{name}": (True, True) for name in names})
    return claims


def _check_flows(p: Problems, items: list, claims: dict) -> None:
    for i, item in enumerate(items):
        path = f"userFlows[{i}]"
        if not check_fields(p, path, item, "flow"):
            continue
        if ok(item, "name", "flow"):
            check_text(p, f"{path}.name", item["name"], max_len=128, pattern=USER_FLOW_NAME,
                       what="user flow name (B2C_1_ then letters, digits, _ or -)")
        if ok(item, "flowType", "flow"):
            check_choice(p, f"{path}.flowType", item["flowType"], FLOW_TYPES)
        if ok(item, "version", "flow"):
            check_text(p, f"{path}.version", item["version"], max_len=16)
        if ok(item, "config", "flow"):
            _check_flow_config(p, f"{path}.config", item["config"], item.get("flowType"),
                               claims)
    check_unique(p, items, "userFlows", lower_of("name"), "name", "the user flow")


def _check_flow_config(p: Problems, path: str, config: dict, flow_type: Any,
                       claims: dict) -> None:
    """The parts of a flow's settings that must hold for it to run; the rest is copied."""
    if "type" in config and config["type"] != flow_type:
        p.add(f"{path}.type", f"{config['type']!r} does not match flowType {flow_type!r}")
    if "local_account_type" in config:
        check_choice(p, f"{path}.local_account_type", config["local_account_type"],
                     LOCAL_ACCOUNT_TYPES)
    if not isinstance(config.get("properties", {}), dict):
        p.add(f"{path}.properties", "must be an object")
    collected = config.get("user_attributes", [])
    if not isinstance(collected, list):
        p.add(f"{path}.user_attributes", "must be a list")
        collected = []
    for j, item in enumerate(collected):
        claim = item.get("claim") if isinstance(item, dict) else None
        _check_claim(p, f"{path}.user_attributes[{j}].claim", claim, claims, collect=True)
    check_unique(p, collected, f"{path}.user_attributes", lower_of("claim"), "claim",
                 "the attribute")
    returned = config.get("application_claims", [])
    if not isinstance(returned, list):
        p.add(f"{path}.application_claims", "must be a list")
        returned = []
    for j, claim in enumerate(returned):
        _check_claim(p, f"{path}.application_claims[{j}]", claim, claims, collect=False)
    if len(set(map(str, returned))) != len(returned):
        p.add(f"{path}.application_claims", "names a claim twice")


def _check_claim(p: Problems, path: str, claim: Any, claims: dict, *, collect: bool) -> None:
    if not isinstance(claim, str):
        p.add(path, "must be a string (an attribute's claim name)")
    elif claim not in claims:
        p.add(path, f"{claim!r} is not a built-in attribute or a custom attribute "
                    "defined in userAttributes")
    elif not claims[claim][0 if collect else 1]:
        p.add(path, f"{claim!r} cannot be " + ("collected (it is set by B2C)" if collect
                                               else "returned in a token"))


def _check_apps(p: Problems, items: list, target: Target) -> dict[str, frozenset[str]]:
    """Check the app registrations; returns each resolvable client id -> its app role ids."""
    bound_ids = {cid.lower() for cid in target.bound_apps.values()}
    for i, item in enumerate(items):
        path = f"appRegistrations[{i}]"
        if not check_fields(p, path, item, "app"):
            continue
        check_app_fields(p, path, item)
        cid = item.get("clientId")
        if isinstance(cid, str) and cid.lower() in bound_ids and not target.is_bound(item):
            p.add(f"{path}.clientId", f"{cid!r} is the client id of this tenant's own "
                  f"{_bound_name(target, cid)!r}, which the file cannot take over")
    effective = [{**a, "clientId": target.effective_client_id(a)} if isinstance(a, dict)
                 else a for a in items]
    check_unique(p, effective, "appRegistrations", lower_of("clientId"), "clientId",
                 "the client id")
    check_unique(p, items, "appRegistrations", lower_of("appIdUri"), "appIdUri",
                 "the Application ID URI")
    for name in target.bound_apps:
        check_unique(p, [a if isinstance(a, dict) and a.get("name") == name else {}
                         for a in items], "appRegistrations", lower_of("name"), "name",
                     "the tenant's own app")
    if target.merge:
        _check_uri_conflicts(p, effective, target)
    # after the import: the tenant's apps (all when merging, its own ones when replacing),
    # then the file's, reachable by the file's client id too (assignments name that one)
    roles = {cid: r for cid, (_uri, r) in target.apps.items()
             if target.merge or cid in bound_ids}
    for item, app in zip(items, effective):
        if isinstance(item, dict) and isinstance(item.get("clientId"), str):
            app_roles = item.get("appRoles") if isinstance(item.get("appRoles"), list) else []
            roles[item["clientId"].lower()] = roles[app["clientId"].lower()] = frozenset(
                r["id"] for r in app_roles if isinstance(r, dict) and isinstance(r.get("id"), str))
    return roles


def _check_uri_conflicts(p: Problems, apps: list, target: Target) -> None:
    """Merging keeps the tenant's other apps: none of them may hold an imported app ID URI."""
    held = {uri.lower(): cid for cid, (uri, _r) in target.apps.items() if uri}
    for i, app in enumerate(apps):
        uri = app.get("appIdUri") if isinstance(app, dict) else None
        if not isinstance(uri, str) or not isinstance(app.get("clientId"), str):
            continue
        owner = held.get(uri.lower())
        if owner and owner != app["clientId"].lower():
            p.add(f"appRegistrations[{i}].appIdUri", f"{uri!r} is already the Application ID "
                  f"URI of this tenant's app registration {owner}")


def _bound_name(target: Target, client_id: str) -> str:
    return next(n for n, c in target.bound_apps.items() if c.lower() == client_id.lower())


def _check_users(p: Problems, items: list, target: Target, file_domain: str) -> None:
    """Each user's fields; object ids and sign-in names unique in the file and, when merging,
    not held by another user of the tenant."""
    seen: dict[tuple[str, str, str], str] = {}  # sign-in key -> where the file has it
    for i, user in enumerate(items):
        path = f"users[{i}]"
        if not check_fields(p, path, user, "user"):
            continue
        check_user_fields(p, path, user)
        object_id = str(user.get("objectId", "")).lower()
        identities = user.get("identities")
        for j, identity in enumerate(identities if isinstance(identities, list) else ()):
            key = sign_in_key(identity, file_domain, target.domain)
            if key is None:
                continue
            id_path = f"{path}.identities[{j}].issuerAssignedId"
            owner = target.identities.get(key, object_id) if target.merge else object_id
            if key in seen:
                p.add(id_path, f"the sign-in name {identity['issuerAssignedId']!r} appears "
                               f"twice in the file (also {seen[key]})")
            elif owner.lower() != object_id:
                p.add(id_path, f"{identity['issuerAssignedId']!r} is already the sign-in name "
                               f"of another user of this tenant ({owner})")
            seen[key] = f"{path}.identities[{j}]"
    check_unique(p, items, "users", lower_of("objectId"), "objectId", "the object id")


def sign_in_key(identity: Any, file_domain: str, domain: str) -> tuple[str, str, str] | None:
    """How the directory keys a sign-in name once imported: the file tenant's local issuer
    becomes this tenant's domain.  None for an identity with bad fields (already reported)."""
    if not isinstance(identity, dict) or not all(
            isinstance(identity.get(k), str) for k in ("issuer", "signInType",
                                                       "issuerAssignedId")):
        return None
    issuer = domain if identity["issuer"].lower() == file_domain.lower() else identity["issuer"]
    return issuer, identity["signInType"], identity["issuerAssignedId"].strip().lower()


def _check_assignments(p: Problems, items: list, roles: Mapping[str, frozenset[str]],
                       merge: bool) -> None:
    """Each assignment names an app of the file (or of the tenant when merging) and one of its
    app roles.  An unknown user is not an error: the import skips that assignment."""
    for i, item in enumerate(items):
        path = f"appRoleAssignments[{i}]"
        if not check_fields(p, path, item, "assignment"):
            continue
        if ok(item, "principalType", "assignment"):
            check_choice(p, f"{path}.principalType", item["principalType"], PRINCIPAL_TYPES)
        if ok(item, "principalId", "assignment") and not GUID.match(item["principalId"]):
            p.add(f"{path}.principalId", f"{item['principalId']!r} is not a GUID")
        resource = item.get("resourceClientId")
        if not isinstance(resource, str):
            continue
        if resource.lower() not in roles:
            p.add(f"{path}.resourceClientId",
                  f"no app registration with client id {resource!r} in the file"
                  + (" or in this tenant" if merge else ""))
        elif isinstance(item.get("appRoleId"), str) \
                and item["appRoleId"] not in roles[resource.lower()]:
            p.add(f"{path}.appRoleId",
                  f"{item['appRoleId']!r} is not an app role of app registration {resource}")
    check_unique(p, items, "appRoleAssignments", _assignment_key, "principalId",
                 "the assignment of this app role to")


def _assignment_key(item: dict):
    values = tuple(item.get(k) for k in ("resourceClientId", "appRoleId", "principalId"))
    return tuple(v.lower() for v in values) if all(isinstance(v, str) for v in values) else None
