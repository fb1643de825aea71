"""Changes the Users blade makes to a directory user, each in the caller's unit of work.

None of these commit: the view validates everything first, calls one of them, writes the audit
record with :func:`idp.portal.common.audit_change`, then commits once.  Revoking sessions and
deleting a user live in :mod:`idp.store.users`, shared with the Graph API.
"""
from __future__ import annotations

import secrets
import string

from ...engine.passwords import Complexity, complexity_error
from ...extensions import db
from ...models import DirectoryUser
from ...store.directory import SqlDirectory
from ...store.users import delete_user, revoke_sessions  # noqa: F401  (the views use them)

_ALPHABET = string.ascii_letters + string.digits
_SYMBOLS = "!@#$%^&*-_+="


def generate_password(length: int = 16) -> str:
    """A random password that meets B2C's Strong rule (all four character classes)."""
    while True:
        chars = [secrets.choice(_ALPHABET) for _ in range(length - 2)]
        chars += [secrets.choice(_SYMBOLS), secrets.choice(string.digits)]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if complexity_error(password, Complexity()) is None and any(c.isupper() for c in chars):
            return password


def create_user(issuer: str, *, sign_in_type: str, sign_in_name: str, password: str,
                display_name: str, given_name: str, surname: str,
                account_enabled: bool) -> DirectoryUser:
    """Create a local account (bcrypt-hashed password, one identity) and return it.

    :raise idp.engine.ports.AccountExists: the sign-in name is taken (the session is rolled
        back when that is found at flush time).
    """
    attributes = {"displayName": display_name}
    attributes.update({k: v for k, v in (("givenName", given_name), ("surname", surname)) if v})
    email = sign_in_name if sign_in_type == "emailAddress" else None
    object_id = SqlDirectory(issuer).create_local_account(
        sign_in_type=sign_in_type, sign_in_name=sign_in_name, email=email, password=password,
        attributes=attributes)
    user = db.session.get(DirectoryUser, object_id)
    user.account_enabled = account_enabled
    return user


def set_password(issuer: str, user: DirectoryUser, password: str) -> None:
    """bcrypt-hash the new password; like any password reset it clears smart lockout."""
    SqlDirectory(issuer).set_password(user.object_id, password)
