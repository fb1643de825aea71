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

    def check_password(self, object_id: str | None, password: str) -> bool:
        """True when ``password`` is the account's password.

        ``object_id`` None (no such account) costs as much as a real check and is False, so
        the answer's timing does not tell which accounts exist (ASVS V2.2).
        """

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

    def find_federated_account(self, issuer: str, issuer_user_id: str) -> AccountRef | None:
        """The account holding the federated identity (issuer, issuerAssignedId), or None."""

    def create_federated_account(self, *, issuer: str, issuer_user_id: str, email: str | None,
                                 attributes: dict[str, Any]) -> str:
        """Create an account whose identity is ``{signInType: federated, issuer,
        issuerAssignedId}``; return its object id.  :raise AccountExists: when taken."""


class FederationPort(Protocol):
    """The identity providers, over HTTP (``idp.store.federation``).  Every call has a timeout;
    failures raise :class:`idp.engine.federation.ProviderCallFailed` with plain words."""

    reply_url: str            # {base}/{tenant}.onmicrosoft.com/oauth2/authresp
    transaction_id: str       # the run's id, carried in the state sent to the provider

    def endpoints(self, provider_id: str) -> Any:
        """The provider's ProviderEndpoints (discovery for OpenID Connect).
        :raise LookupError: when the provider was deleted."""

    def redeem_code(self, endpoints: Any, code: str) -> dict[str, Any]:
        """The token endpoint's JSON answer for ``code`` (HTTP 200 only)."""

    def keys(self, endpoints: Any) -> dict[str, Any]:
        """The provider's JWKS."""

    def user_info(self, endpoints: Any, access_token: str) -> dict[str, Any]:
        """Facebook's /me (id, first_name, last_name, name, email)."""


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
    federation: Any = None
    #: custom policies: the RESTful technical profile's HTTP client (``send(RestRequest) ->
    #: ConnectorResponse``), the policy keys' secrets (``secret(container) -> str``, raising
    #: LookupError with the reason) and the tenant's id (``{Policy:TenantObjectId}``)
    rest: Any = None
    policy_keys: Any = None
    tenant_id: str = ""
