"""Changes the Users blade makes to a directory user, each in the caller's unit of work.

None of these commit: the view validates everything first, calls one of them, writes the audit
record with :func:`idp.portal.common.audit_change`, then commits once.
"""
from __future__ import annotations

import secrets
import string

import sqlalchemy as sa

from ...engine.passwords import Complexity, complexity_error
from ...extensions import db
from ...models import AppRoleAssignment, AuthorizationCode, DirectoryUser, RefreshToken, SsoSession
from ...models._base import utcnow
from ...store.directory import SqlDirectory

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


def revoke_sessions(object_id: str) -> tuple[int, int]:
    """Revoke the user's live SSO sessions and refresh tokens (Graph ``revokeSignInSessions``).

    :return: (sessions revoked, refresh tokens revoked).
    """
    now = utcnow()
    sessions = db.session.execute(
        sa.update(SsoSession).where(SsoSession.user_object_id == object_id,
                                    SsoSession.revoked_at.is_(None))
        .values(revoked_at=now)).rowcount
    tokens = db.session.execute(
        sa.update(RefreshToken).where(RefreshToken.user_object_id == object_id,
                                      RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)).rowcount
    return sessions, tokens


def delete_user(user: DirectoryUser) -> int:
    """Delete the user with their identities; revoke their sessions, refresh tokens and
    unredeemed codes, and remove their app role assignments.

    :return: how many app role assignments were removed.
    """
    revoke_sessions(user.object_id)
    db.session.execute(sa.update(AuthorizationCode).where(
        AuthorizationCode.user_object_id == user.object_id, AuthorizationCode.used_at.is_(None))
        .values(used_at=utcnow()))
    roles = db.session.execute(sa.delete(AppRoleAssignment).where(
        AppRoleAssignment.principal_id == user.object_id)).rowcount
    db.session.delete(user)
    return roles
