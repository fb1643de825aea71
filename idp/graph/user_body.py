"""Reading the JSON body of ``POST /users`` and ``PATCH /users/{id}`` as Graph validates it:
every property checked for its type and length, a bad one refused with 400
``Request_BadRequest`` naming it, nothing written.

B2C Lab creates local accounts (``identities`` with ``signInType`` ``emailAddress`` or
``userName``, issuer the tenant's domain) with a ``passwordProfile`` that meets the Strong
complexity (``passwordPolicies: "DisableStrongPassword"`` relaxes it, as in Azure).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine.passwords import Complexity, complexity_error
from ..engine.self_asserted import EMAIL_RE
from ..portal.users.forms import USERNAME_RE
from .errors import bad_request, denied, invalid_property
from .user_schema import RESOURCE, STRINGS, Extension, UserSchema

LOCAL_SIGN_IN_TYPES = ("emailAddress", "userName")
PASSWORD_POLICIES = ("DisablePasswordExpiration", "DisableStrongPassword", "None")
_STRINGS = {name.lower(): name for name in STRINGS}


@dataclass
class UserChanges:
    """What a valid body asks for: Graph name -> new value (None clears it), and on creation
    the sign-in identities ``[(signInType, issuerAssignedId)]`` and the password."""

    values: dict[str, Any] = field(default_factory=dict)
    identities: list[tuple[str, str]] = field(default_factory=list)
    password: str | None = None


def _string(name: str, value: Any, required: bool) -> str | None:
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > STRINGS.get(name, 256):
        raise invalid_property(name, RESOURCE, f"It must be text of at most "
                                               f"{STRINGS.get(name, 256)} characters"
                                               + (", and it is required." if required else "."))
    return value


def _extension(ext: Extension, value: Any) -> Any:
    if value is None:
        return None
    ok = {"String": isinstance(value, str) and len(value) <= 256,
          "Int": isinstance(value, int) and not isinstance(value, bool)
          and -2**31 <= value < 2**31,
          "Boolean": isinstance(value, bool)}[ext.data_type]
    if not ok:
        kinds = {"String": "text of at most 256 characters", "Int": "a whole number (JSON)",
                 "Boolean": "true or false (JSON)"}
        raise invalid_property(ext.graph_name, RESOURCE, f"The custom attribute is "
                                                         f"{ext.data_type}: send "
                                                         f"{kinds[ext.data_type]}.")
    return value


def _policies(value: Any) -> str | None:
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else None
    if value is not None and (not parts or any(p not in PASSWORD_POLICIES for p in parts)):
        raise invalid_property("passwordPolicies", RESOURCE, "Use DisablePasswordExpiration, "
                                                             "DisableStrongPassword, both "
                                                             "(comma-separated) or None.")
    return ", ".join(parts) if parts else None


def _identity(item: Any, domain: str) -> tuple[str, str]:
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in (
            "signInType", "issuer", "issuerAssignedId")):
        raise invalid_property("identities", RESOURCE, "Each identity is an object with "
                                                       "signInType, issuer and "
                                                       "issuerAssignedId.")
    kind, name = item["signInType"], item["issuerAssignedId"].strip()
    if kind not in LOCAL_SIGN_IN_TYPES:
        raise bad_request(f"B2C Lab's Graph creates local accounts only: signInType '{kind}' "
                          f"is not supported (use emailAddress or userName).")
    if item["issuer"].lower() != domain.lower():
        raise invalid_property("identities", RESOURCE, f"A local account's issuer must be the "
                                                       f"tenant's domain '{domain}'.")
    pattern = EMAIL_RE if kind == "emailAddress" else USERNAME_RE
    if len(name) > 256 or not pattern.match(name):
        raise invalid_property("identities", RESOURCE, f"'{name}' is not a valid {kind}.")
    return kind, name


def _identities(value: Any, domain: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not value:
        raise invalid_property("identities", RESOURCE, "Send a list with at least one local "
                                                       "account identity.")
    found = [_identity(item, domain) for item in value]
    if len({(kind, name.lower()) for kind, name in found}) != len(found):
        raise invalid_property("identities", RESOURCE, "The same identity is listed twice.")
    return found


def _password(value: Any, policies: str | None) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("password"), str) or any(
            not isinstance(value.get(flag, False), bool) for flag in (
                "forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa")):
        raise invalid_property("passwordProfile", RESOURCE, "Send {\"password\": \"...\", "
                                                            "\"forceChangePasswordNextSignIn\": "
                                                            "false}.")
    # forceChangePasswordNextSignIn is accepted and has no effect: B2C's user flows never ask
    # a local account to change its password at sign-in either.
    rule = Complexity.from_setting("Simple" if "DisableStrongPassword" in (policies or "")
                                   else "Strong")
    problem = complexity_error(value["password"], rule)
    if problem:
        raise bad_request("The specified password does not comply with password complexity "
                          f"requirements. Please provide a different password. {problem}")
    return value["password"]


def _read(changes: UserChanges, key: str, value: Any, schema: UserSchema, creating: bool):
    name = key.lower()
    if name in _STRINGS:
        changes.values[_STRINGS[name]] = _string(_STRINGS[name], value,
                                                 required=name == "displayname")
    elif name == "accountenabled":
        if not isinstance(value, bool):
            raise invalid_property("accountEnabled", RESOURCE, "Send true or false.")
        changes.values["accountEnabled"] = value
    elif name == "passwordpolicies":
        changes.values["passwordPolicies"] = _policies(value)
    elif name in schema.extensions:
        ext = schema.extensions[name]
        changes.values[ext.graph_name] = _extension(ext, value)
    elif name == "identities" and creating:
        changes.identities = _identities(value, schema.domain)
    elif name == "passwordprofile" and not creating:
        # Graph lets an app reset a password only with a directory role (User
        # Administrator), which the lab has no way to grant: the portal resets passwords.
        raise denied("Resetting a password needs the User Administrator role; in B2C Lab "
                     "reset it in the portal (Users > Reset password).")
    elif name == "identities":
        raise bad_request("B2C Lab's Graph sets identities when it creates the user only.")
    elif name.startswith("extension_"):
        raise bad_request(f"The following extension properties are not available: {key}.")
    elif name in schema.selectable:
        raise bad_request(f"Property '{schema.selectable[name]}' is read-only here.")
    elif name != "passwordprofile":
        raise bad_request(f"Property '{key}' does not exist as a declared property or "
                          f"extension property.")


def read_user_body(body: Any, schema: UserSchema, *, creating: bool) -> UserChanges:
    """The changes ``body`` asks for.

    :raise GraphError: 400 naming the first bad property (or the missing required one), 403
        for a password reset.
    """
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object (Content-Type: "
                          "application/json).")
    changes = UserChanges()
    for key, value in body.items():
        if not key.startswith("@odata."):
            _read(changes, key, value, schema, creating)
    if creating:
        for required in ("displayName", "identities", "passwordProfile"):
            if not any(k.lower() == required.lower() for k in body):
                raise bad_request(f"Property '{required}' is required when creating a user.")
        profile = next(v for k, v in body.items() if k.lower() == "passwordprofile")
        changes.password = _password(profile, changes.values.get("passwordPolicies"))
    return changes
