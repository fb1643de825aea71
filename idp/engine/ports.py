"""The ports the engine calls for I/O; ``idp.store`` implements them over SQLAlchemy.

Keeping them as Protocols lets engine tests pass in-memory fakes and keeps the engine free of
the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .lockout import LockoutPolicy, LockoutState


@dataclass(frozen=True)
class AccountRef:
    object_id: str
    account_enabled: bool = True
    lockout: LockoutState = field(default_factory=LockoutState)


class AccountExists(Exception):
    """A local account with that sign-in name already exists."""


class Directory(Protocol):
    def find_local_account(self, sign_in_type: str, sign_in_name: str) -> AccountRef | None:
        """The account whose local identity is ``sign_in_name`` (case-insensitive), or None."""

    def check_password(self, object_id: str, password: str) -> bool:
        """True when ``password`` is the account's password."""

    def create_local_account(self, *, sign_in_type: str, sign_in_name: str, email: str | None,
                             password: str, attributes: dict[str, Any]) -> str:
        """Create the account and return its object id.

        :raise AccountExists: when the sign-in name is taken.
        """

    def read_claims(self, object_id: str) -> dict[str, Any]:
        """The account's claims by bag name (displayName, emails, extension_*...)."""

    def find_by_email(self, email: str) -> AccountRef | None:
        """The local account whose e-mail identity is ``email`` (password reset)."""

    def password_fingerprint(self, object_id: str, password: str) -> str:
        """A keyed hash of a wrong password, so the same one counts once (never stored raw)."""

    def save_lockout(self, object_id: str, state: LockoutState) -> None:
        """Persist the account's lockout state."""

    def set_password(self, object_id: str, password: str) -> None:
        """Set a new password (and clear the lockout: a reset unlocks)."""

    def update_attributes(self, object_id: str, attributes: dict[str, Any]) -> None:
        """Write the given claims (profile editing)."""

    def mfa_profile(self, object_id: str) -> dict[str, Any]:
        """The account's MFA enrolment: phone, TOTP secret, trusted browsers."""

    def save_mfa_profile(self, object_id: str, profile: dict[str, Any]) -> None:
        """Persist the account's MFA enrolment."""


@dataclass
class ConnectorResponse:
    status: int | None
    body: str
    latency_ms: int
    attempts: int
    error: str | None = None


class Connectors(Protocol):
    def call(self, connector_id: str, body: dict[str, Any]) -> ConnectorResponse:
        """POST ``body`` to the API connector; never raises for network trouble."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, code: str | None = None) -> None:
        """Deliver (to the mailbox, and SMTP when configured)."""


@dataclass
class Ports:
    directory: Directory
    mailer: Mailer
    tenant_name: str = "contoso"
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    connectors: Any = None
    attributes: dict = field(default_factory=dict)
    extensions_app_id: str = ""
    tenant_domain: str = "contoso.onmicrosoft.com"
    #: custom policies: the RESTful technical profile's HTTP client (``send(RestRequest) ->
    #: ConnectorResponse``), the policy keys' secrets (``secret(container) -> str``, raising
    #: LookupError with the reason) and the tenant's id (``{Policy:TenantObjectId}``)
    rest: Any = None
    policy_keys: Any = None
    tenant_id: str = ""
