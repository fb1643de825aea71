"""The tenant export document ("b2clab-tenant/1"): its fields, and the schema-like checks.

What JSON Schema would say (types, required and unknown fields, patterns, enums), written by
hand so each problem reads as a JSON path and a sentence:
``userFlows[2].name: 'B2C_1_x y' is not a valid user flow name``.  Plain data only: no Flask,
no database.  The rules a schema cannot say (references, the tenant's own rows) are in
:mod:`idp.store.transfer_checks`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from ..engine.redirect_uris import logout_url_problem, redirect_uri_problem

FORMAT = "b2clab-tenant/1"
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
#: the User flows blade's rule: ``B2C_1_`` (in any case), then letters, digits, ``_`` and ``-``.
USER_FLOW_NAME = re.compile(r"^(?i:B2C_1_)[A-Za-z0-9_-]{1,100}$")
#: the User attributes blade's rule (names become ``extension_<Name>`` claims).
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,39}$")
SCOPE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
BCRYPT_HASH = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
ROLE_VALUE = re.compile(r"^[\x21-\x7e]{1,120}$")  # printable ASCII, no spaces
MEMBER_TYPES = ("User", "Application")
DATA_TYPES = ("String", "Boolean", "Int")
#: Graph ``userFlowType`` values (b2c-reference §5.1).
FLOW_TYPES = ("signUpOrSignIn", "signUp", "signIn", "profileUpdate", "passwordReset",
              "resourceOwner")
LOCAL_ACCOUNT_TYPES = ("email", "username", "none")
PLATFORMS = ("web", "spa", "public")
ACCOUNT_TYPES = ("b2c", "single")
SIGN_IN_TYPES = ("emailAddress", "userName", "phoneNumber", "federated")
PRINCIPAL_TYPES = ("User", "ServicePrincipal")
MAX_PROBLEMS = 50

S, B, L, D, N = str, bool, list, dict, type(None)
#: field -> (accepted types, required) for each kind of entry.
SPECS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "document": {"format": ((S,), True), "exportedAt": ((S,), False), "tenant": ((D,), True),
                 "userAttributes": ((L,), True), "userFlows": ((L,), True),
                 "appRegistrations": ((L,), True), "appRoleAssignments": ((L,), True),
                 "users": ((L,), False), "apiConnectors": ((L,), False),
                 "identityProviders": ((L,), False)},
    "tenant": {"name": ((S,), True), "domain": ((S,), True), "tenantId": ((S,), True),
               "settings": ((D,), True)},
    "identityProvider": {"id": ((S,), True), "kind": ((S,), True), "displayName": ((S,), True),
                         "clientId": ((S,), True), "metadataUrl": ((S, N), False),
                         "scope": ((S, N), False), "responseType": ((S, N), False),
                         "responseMode": ((S, N), False), "domainHint": ((S, N), False),
                         "claimsMapping": ((D, N), False)},
    "attribute": {"name": ((S,), True), "dataType": ((S,), True),
                  "description": ((S,), False)},
    "flow": {"name": ((S,), True), "flowType": ((S,), True), "version": ((S,), True),
             "config": ((D,), True)},
    "app": {"name": ((S,), True), "clientId": ((S,), True), "platform": ((S,), True),
            "redirectUris": ((L,), True), "frontChannelLogoutUrl": ((S, N), True),
            "implicitIdTokens": ((B,), True), "implicitAccessTokens": ((B,), True),
            "supportedAccountTypes": ((S,), True), "appIdUri": ((S, N), True),
            "exposedScopes": ((L,), True), "apiPermissions": ((L,), True),
            "appRoles": ((L,), True), "secrets": ((L,), False)},
    "scope": {"value": ((S,), True), "admin_consent_display_name": ((S,), False),
              "admin_consent_description": ((S,), False), "enabled": ((B,), False)},
    "permission": {"resource_client_id": ((S,), True), "value": ((S,), True),
                   "type": ((S,), False), "admin_consent": ((B,), False)},
    "role": {"id": ((S,), True), "value": ((S,), True), "display_name": ((S,), False),
             "description": ((S,), False), "allowed_member_types": ((L,), False),
             "enabled": ((B,), False)},
    "secret": {"description": ((S,), True), "secretHash": ((S,), True), "hint": ((S,), True),
               "expiresAt": ((S, N), True)},
    "assignment": {"resourceClientId": ((S,), True), "appRoleId": ((S,), True),
                   "principalType": ((S,), True), "principalId": ((S,), True)},
    "user": {"objectId": ((S,), True), "displayName": ((S, N), True),
             "givenName": ((S, N), True), "surname": ((S, N), True),
             "accountEnabled": ((B,), True), "attributes": ((D,), True),
             "identities": ((L,), True), "passwordHash": ((S, N), False),
             "passwordLastSet": ((S, N), False)},
    "identity": {"signInType": ((S,), True), "issuer": ((S,), True),
                 "issuerAssignedId": ((S,), True)},
}
#: entries kept as they come (other blades may add keys): only the listed fields are checked.
_OPEN_KINDS = {"scope", "permission", "role"}


class Problems(list):
    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number", list: "a list",
             dict: "an object", type(None): "null"}
    return " or ".join(names[t] for t in types)


def check_fields(p: Problems, path: str, obj: Any, kind: str) -> bool:
    """Types, required and unknown fields of one entry; False when it is not even an object."""
    spec = SPECS[kind]
    if not isinstance(obj, dict):
        p.add(path, "must be an object")
        return False
    if kind not in _OPEN_KINDS:
        for key in sorted(set(obj) - set(spec)):
            p.add(join(path, key), "is not a field of this entry")
    for key, (types, required) in spec.items():
        if key not in obj:
            if required:
                p.add(join(path, key), "is required")
        elif not is_a(obj[key], types):
            p.add(join(path, key), f"must be {_type_name(types)}")
    return True


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def is_a(value: Any, types: tuple[type, ...]) -> bool:
    """isinstance, except that true/false is not a whole number (bool subclasses int)."""
    return isinstance(value, types) and not (isinstance(value, bool) and bool not in types)


def ok(obj: dict, key: str, kind: str) -> bool:
    """The field is present and of the right type (its own problem is already reported)."""
    return key in obj and is_a(obj[key], SPECS[kind][key][0])


def check_text(p: Problems, path: str, value: str, *, max_len: int, pattern=None,
               what: str = "", required: bool = True) -> None:
    if required and not value.strip():
        p.add(path, "must not be empty")
    elif len(value) > max_len:
        p.add(path, f"is longer than {max_len} characters")
    elif pattern is not None and not pattern.match(value):
        p.add(path, f"{value!r} is not a valid {what}")


def check_choice(p: Problems, path: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        p.add(path, f"{value!r} is not one of {', '.join(choices)}")


def check_datetime(p: Problems, path: str, value: str | None) -> None:
    if value is None:
        return
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        p.add(path, f"{value!r} is not an ISO 8601 date and time")


def check_unique(p: Problems, items: list, prefix: str, key: Callable[[dict], Any],
                 field_name: str, what: str) -> None:
    """Report every entry whose ``key`` repeats an earlier one (None keys are skipped)."""
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        k = key(item) if isinstance(item, dict) else None
        if k is None:
            continue
        if k in seen:
            p.add(f"{prefix}[{i}].{field_name}",
                  f"{what} {item[field_name]!r} appears twice in the file "
                  f"(also {prefix}[{seen[k]}])")
        else:
            seen[k] = i


def check_app_fields(p: Problems, path: str, app: dict) -> None:
    """One app registration's own fields (types are already checked by check_fields)."""
    if ok(app, "name", "app"):
        check_text(p, f"{path}.name", app["name"], max_len=120)
    if ok(app, "clientId", "app") and not GUID.match(app["clientId"]):
        p.add(f"{path}.clientId", f"{app['clientId']!r} is not a GUID")
    platform = app.get("platform") if ok(app, "platform", "app") else None
    if platform is not None:
        check_choice(p, f"{path}.platform", platform, PLATFORMS)
    if ok(app, "redirectUris", "app") and platform in PLATFORMS:
        uris = app["redirectUris"]
        for j, uri in enumerate(uris):
            earlier = [u for u in uris[:j] if isinstance(u, str)]
            problem = (redirect_uri_problem(uri, platform, existing=earlier)
                       if isinstance(uri, str) else "must be a string")
            if problem:
                p.add(f"{path}.redirectUris[{j}]", problem)
    if ok(app, "frontChannelLogoutUrl", "app") and app["frontChannelLogoutUrl"] is not None:
        problem = logout_url_problem(app["frontChannelLogoutUrl"])
        if problem:
            p.add(f"{path}.frontChannelLogoutUrl", problem)
    if ok(app, "supportedAccountTypes", "app"):
        check_choice(p, f"{path}.supportedAccountTypes", app["supportedAccountTypes"],
                     ACCOUNT_TYPES)
    if ok(app, "appIdUri", "app") and app["appIdUri"] is not None:
        check_text(p, f"{path}.appIdUri", app["appIdUri"], max_len=255, pattern=ABSOLUTE_URI,
                   what="Application ID URI (an absolute URI such as https://contoso."
                        "onmicrosoft.com/api)")
    _check_each(p, app, path, "exposedScopes", "scope", _check_scope)
    _check_each(p, app, path, "apiPermissions", "permission", None)
    _check_each(p, app, path, "appRoles", "role", _check_role)
    _check_each(p, app, path, "secrets", "secret", _check_secret)
    for key, label in (("exposedScopes", "the scope"), ("appRoles", "the app role")):
        if ok(app, key, "app"):
            check_unique(p, app[key], f"{path}.{key}", lower_of("value"), "value", label)
    if ok(app, "appRoles", "app"):
        check_unique(p, app["appRoles"], f"{path}.appRoles", lower_of("id"), "id",
                     "the app role id")


def lower_of(key: str) -> Callable[[dict], Any]:
    return lambda item: item[key].lower() if isinstance(item.get(key), str) else None


def _check_each(p: Problems, app: dict, path: str, key: str, kind: str, check) -> None:
    if not ok(app, key, "app"):
        return
    for j, item in enumerate(app[key]):
        item_path = f"{path}.{key}[{j}]"
        if check_fields(p, item_path, item, kind) and check is not None:
            check(p, item_path, item)


def _check_scope(p: Problems, path: str, scope: dict) -> None:
    if ok(scope, "value", "scope"):
        check_text(p, f"{path}.value", scope["value"], max_len=120, pattern=SCOPE_NAME,
                   what="scope name (letters, digits, '.', '_' or '-')")


def _check_role(p: Problems, path: str, role: dict) -> None:
    if ok(role, "id", "role") and not GUID.match(role["id"]):
        p.add(f"{path}.id", f"{role['id']!r} is not a GUID")
    if ok(role, "value", "role"):
        check_text(p, f"{path}.value", role["value"], max_len=120, pattern=ROLE_VALUE,
                   what="app role value (no spaces)")
    members = role.get("allowed_member_types")
    for k, member in enumerate(members if isinstance(members, list) else ()):
        if member not in MEMBER_TYPES:
            p.add(f"{path}.allowed_member_types[{k}]",
                  f"{member!r} is not one of {', '.join(MEMBER_TYPES)}")


def _check_secret(p: Problems, path: str, secret: dict) -> None:
    if ok(secret, "secretHash", "secret") and not SHA256_HEX.match(secret["secretHash"]):
        p.add(f"{path}.secretHash", "must be a SHA-256 hash (64 lower-case hex digits); "
                                    "secrets themselves are never exported")
    if ok(secret, "hint", "secret"):
        check_text(p, f"{path}.hint", secret["hint"], max_len=8, required=False)
    if ok(secret, "description", "secret"):
        check_text(p, f"{path}.description", secret["description"], max_len=120,
                   required=False)
    if ok(secret, "expiresAt", "secret"):
        check_datetime(p, f"{path}.expiresAt", secret["expiresAt"])


def check_user_fields(p: Problems, path: str, user: dict) -> None:
    """One directory user's own fields and identities (types are already checked)."""
    if ok(user, "objectId", "user") and not GUID.match(user["objectId"]):
        p.add(f"{path}.objectId", f"{user['objectId']!r} is not a GUID")
    for key, limit in (("displayName", 256), ("givenName", 64), ("surname", 64)):
        if ok(user, key, "user") and user[key] is not None:
            check_text(p, f"{path}.{key}", user[key], max_len=limit, required=False)
    hashed = user.get("passwordHash")
    if ok(user, "passwordHash", "user") and hashed is not None \
            and not BCRYPT_HASH.match(hashed):
        p.add(f"{path}.passwordHash", "must be a bcrypt hash ($2b$...); passwords themselves "
                                      "are never exported")
    if ok(user, "passwordLastSet", "user"):
        check_datetime(p, f"{path}.passwordLastSet", user["passwordLastSet"])
    if not ok(user, "identities", "user"):
        return
    for j, identity in enumerate(user["identities"]):
        id_path = f"{path}.identities[{j}]"
        if not check_fields(p, id_path, identity, "identity"):
            continue
        if ok(identity, "signInType", "identity"):
            check_choice(p, f"{id_path}.signInType", identity["signInType"], SIGN_IN_TYPES)
        if ok(identity, "issuer", "identity"):
            check_text(p, f"{id_path}.issuer", identity["issuer"], max_len=255)
        if ok(identity, "issuerAssignedId", "identity"):
            check_text(p, f"{id_path}.issuerAssignedId", identity["issuerAssignedId"],
                       max_len=320)
