"""The Azure Active Directory technical profile (``AzureActiveDirectoryProvider``) against the
tenant's directory (Azure AD B2C custom policy reference, "Define an Azure AD technical
profile").

- ``Operation`` ``Read``, ``Write``, ``DeleteClaims`` (and ``DeleteClaimsPrincipal``).
- The first input claim names the account: its PartnerClaimType (else its claim) is
  ``objectId``, ``signInNames.emailAddress``, ``signInNames.userName`` or
  ``userPrincipalName``.
- ``RaiseErrorIfClaimsPrincipalAlreadyExists`` / ``RaiseErrorIfClaimsPrincipalDoesNotExist``
  refuse with ``UserMessageIfClaimsPrincipalAlreadyExists`` /
  ``UserMessageIfClaimsPrincipalDoesNotExist`` (the page's texts, else B2C's defaults).
- PersistedClaims are written under their PartnerClaimType (``password`` sets the password,
  ``signInNames.emailAddress`` is the new account's sign-in name), output claims read back
  the directory's attributes; ``newClaimsPrincipalCreated`` says an account was made.

The directory is the ``directory`` port's :class:`AadDirectory` side (``idp/store``).
"""
from __future__ import annotations

from typing import Any, Protocol

from ..ports import AccountExists
from .model import TechnicalProfileDef

IDENTIFIERS = ("objectId", "signInNames.emailAddress", "signInNames.userName",
               "userPrincipalName", "signInNames")
SIGN_IN_NAMES = {"signInNames.emailAddress": "emailAddress",
                 "signInNames.userName": "userName"}
DEFAULT_MESSAGES = {
    "UserMessageIfClaimsPrincipalAlreadyExists":
        "A user with the specified ID already exists. Please choose a different one.",
    "UserMessageIfClaimsPrincipalDoesNotExist":
        "An account could not be found for the provided user ID.",
}


class AadDirectory(Protocol):
    """What the Azure AD technical profile needs of the directory, by Graph attribute names
    (``displayName``, ``otherMails``, ``accountEnabled``, ``signInNames.emailAddress``,
    ``userPrincipalName``, ``extension_...``)."""

    def find_user(self, identifier: str, value: str) -> str | None:
        """The object id of the account ``identifier`` (one of :data:`IDENTIFIERS`) names."""

    def read_user(self, object_id: str) -> dict[str, Any]:
        """The account's attributes by Graph name ({} when there is none)."""

    def create_user(self, *, sign_in_type: str, sign_in_name: str, password: str | None,
                    attributes: dict[str, Any]) -> str:
        """Create a local account; :raise AccountExists: the sign-in name is taken."""

    def update_user(self, object_id: str, attributes: dict[str, Any],
                    password: str | None = None) -> None:
        """Write attributes (and the password, which also clears the lockout)."""

    def delete_attributes(self, object_id: str, names: list[str]) -> None:
        """Remove attributes (``DeleteClaims``)."""

    def delete_user(self, object_id: str) -> None:
        """Remove the account (``DeleteClaimsPrincipal``)."""


class AadRefused(Exception):
    """The operation refused (``string_id`` names B2C's message)."""

    def __init__(self, string_id: str) -> None:
        super().__init__(DEFAULT_MESSAGES[string_id])
        self.string_id = string_id
        self.message = DEFAULT_MESSAGES[string_id]


class AadUnsupported(Exception):
    """What this emulator's directory cannot do, named."""


def _flag(tp: TechnicalProfileDef, key: str) -> bool:
    return next((v for k, v in tp.metadata.items() if k.lower() == key.lower()),
                "false").strip().lower() == "true"


def operation(tp: TechnicalProfileDef) -> str:
    return next((v for k, v in tp.metadata.items() if k.lower() == "operation"), "").strip()


def run_aad(tp: TechnicalProfileDef, inputs: list[tuple[str, Any]],
            persisted: list[tuple[str, Any]], directory: AadDirectory) -> dict[str, Any]:
    """Run ``tp``'s operation; ``inputs`` and ``persisted`` are (partner name, value) pairs in
    document order (empty values left out).  Returns the output claims by partner name.

    :raise AadRefused:, :raise AadUnsupported:.
    """
    op = operation(tp)
    if not inputs:
        raise AadUnsupported(f"The Azure AD technical profile '{tp.id}' needs an input claim "
                             "that names the account (objectId, signInNames.emailAddress...).")
    identifier, value = inputs[0]
    if identifier not in IDENTIFIERS:
        raise AadUnsupported(f"The input claim '{identifier}' of technical profile '{tp.id}' "
                             "cannot name an account here: use objectId, "
                             "signInNames.emailAddress, signInNames.userName or "
                             "userPrincipalName.")
    object_id = directory.find_user(identifier, str(value))
    if object_id is not None and _flag(tp, "RaiseErrorIfClaimsPrincipalAlreadyExists"):
        raise AadRefused("UserMessageIfClaimsPrincipalAlreadyExists")
    if object_id is None and _flag(tp, "RaiseErrorIfClaimsPrincipalDoesNotExist"):
        raise AadRefused("UserMessageIfClaimsPrincipalDoesNotExist")
    created = False
    if op == "Read":
        pass
    elif op == "Write":
        object_id, created = _write(tp, object_id, identifier, value, persisted, directory)
    elif op == "DeleteClaims":
        if object_id is not None:
            directory.delete_attributes(object_id, [name for name, _ in persisted
                                                    if name != "objectId"])
    elif op == "DeleteClaimsPrincipal":
        if object_id is not None:
            directory.delete_user(object_id)
        return {}
    else:
        raise AadUnsupported(f"The Operation '{op}' of technical profile '{tp.id}' is not "
                             "supported by this emulator yet (Read, Write, DeleteClaims, "
                             "DeleteClaimsPrincipal).")
    if object_id is None:
        return {}
    return {**directory.read_user(object_id), "newClaimsPrincipalCreated": created}


def _write(tp, object_id, identifier, value, persisted, directory) -> tuple[str, bool]:
    attributes = {name: v for name, v in persisted
                  if name not in ("objectId", "password") and name not in SIGN_IN_NAMES}
    password = next((v for name, v in persisted if name == "password"), None)
    if object_id is not None:
        # An existing account's sign-in names are not rewritten here (our choice: B2C Lab
        # changes them in the portal only).
        directory.update_user(object_id, attributes, password)
        return object_id, False
    sign_in = next(((name, v) for name, v in persisted if name in SIGN_IN_NAMES), None)
    if sign_in is None and identifier in SIGN_IN_NAMES:
        sign_in = (identifier, value)
    if sign_in is None:
        raise AadUnsupported(f"Technical profile '{tp.id}' would create an account without a "
                             "sign-in name: persist signInNames.emailAddress or "
                             "signInNames.userName (accounts of other identity providers are "
                             "not supported by this emulator yet).")
    try:
        created = directory.create_user(sign_in_type=SIGN_IN_NAMES[sign_in[0]],
                                        sign_in_name=str(sign_in[1]), password=password,
                                        attributes=attributes)
    except AccountExists:
        raise AadRefused("UserMessageIfClaimsPrincipalAlreadyExists") from None
    return created, True

