"""The ports the engine calls for I/O; ``idp.store`` implements them over SQLAlchemy.

Keeping them as Protocols lets engine tests pass in-memory fakes and keeps the engine free of
the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class AccountRef:
    object_id: str
    account_enabled: bool = True


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


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, code: str | None = None) -> None:
        """Deliver (to the mailbox, and SMTP when configured)."""


@dataclass
class Ports:
    directory: Directory
    mailer: Mailer
    tenant_name: str = "contoso"
