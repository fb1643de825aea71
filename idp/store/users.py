"""Removing access and accounts: what the portal's Users blade and the Graph API share.

None of these commit: the caller validates first, calls one of them, writes its audit record
and commits once.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import AppRoleAssignment, AuthorizationCode, DirectoryUser, RefreshToken, SsoSession
from ..models._base import utcnow


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
