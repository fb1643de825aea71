"""SSO sessions behind the ``x-ms-cpim-sso`` cookie (b2c-reference §4.3)."""
from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import SsoSession
from ..models._base import utcnow
from .hashing import new_token, token_digest

COOKIE = "x-ms-cpim-sso"


def find_session(cookie_value: str | None) -> SsoSession | None:
    """The live session the cookie points to, or None (unknown, revoked or expired)."""
    if not cookie_value:
        return None
    row = db.session.execute(db.select(SsoSession).filter_by(
        session_hash=token_digest(cookie_value))).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at < utcnow():
        return None
    return row


def start_session(*, user_object_id: str, auth_time: int, policy: str, client_id: str,
                  lifetime_minutes: int) -> tuple[str, SsoSession]:
    """A new session with a new id (ASVS V3.2.1: a fresh token at every authentication)."""
    value = new_token()
    row = SsoSession(session_hash=token_digest(value), user_object_id=user_object_id,
                     auth_time=auth_time, policies=[policy], client_ids=[client_id],
                     expires_at=utcnow() + dt.timedelta(minutes=lifetime_minutes))
    db.session.add(row)
    return value, row


def touch_session(row: SsoSession, *, policy: str, client_id: str, lifetime_minutes: int,
                  rolling: bool) -> None:
    """Record another app or policy using the session; Rolling sessions are extended."""
    if policy not in row.policies:
        row.policies = [*row.policies, policy]
    if client_id not in row.client_ids:
        row.client_ids = [*row.client_ids, client_id]
    if rolling:  # never shortens a longer (Keep me signed in) session
        row.expires_at = max(row.expires_at, utcnow() + dt.timedelta(minutes=lifetime_minutes))


def end_session(row: SsoSession | None) -> None:
    if row is not None:
        row.revoked_at = utcnow()
