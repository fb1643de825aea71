"""Authorization codes and rotating refresh tokens, kept in the database for every worker.

Spending a code or a refresh token is one conditional UPDATE (``... WHERE used_at IS NULL``),
so two workers racing on the same grant cannot both win.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..engine.errors import B2CError
from ..extensions import db
from ..models import AuthorizationCode, RefreshToken
from ..models._base import utcnow
from . import at_commit
from .hashing import new_token, token_digest


def _commit_spent(row, now: dt.datetime) -> None:
    """Commit the spend of ``row`` (an ORM row) now, whatever the rest of the request finds
    wrong (:func:`_commit_keeping_loaded`)."""
    set_committed_value(row, "used_at", now)  # what the UPDATE wrote, without another one
    _commit_keeping_loaded()


def _commit_keeping_loaded() -> None:
    """Commit without expiring what the request has loaded: this same transaction just read
    it, so reloading each object would only repeat the queries."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def create_code(*, lifetime: int, **fields) -> str:
    code = new_token()
    db.session.add(AuthorizationCode(code_hash=token_digest(code),
                                     expires_at=utcnow() + dt.timedelta(seconds=lifetime),
                                     **fields))
    return code


def redeem_code(code: str) -> AuthorizationCode:
    """Spend ``code`` once.

    Reuse revokes every refresh token it issued (RFC 6749 §4.1.2, conformance
    ``oidcc-codereuse-30seconds``).

    :raise B2CError: invalid_grant for an unknown, spent or expired code.
    """
    row = db.session.execute(db.select(AuthorizationCode).filter_by(
        code_hash=token_digest(code))).scalar_one_or_none()
    if row is None:
        raise B2CError("AADB2C90090", error="invalid_grant")
    now = utcnow()
    spent = db.session.execute(
        db.update(AuthorizationCode).where(AuthorizationCode.id == row.id,
                                           AuthorizationCode.used_at.is_(None))
        .values(used_at=now)).rowcount
    if spent != 1:
        revoke_where(RefreshToken.code_id == row.id)
        db.session.commit()
        raise B2CError("AADB2C90090", error="invalid_grant")
    _commit_spent(row, now)
    if row.expires_at < now:
        raise B2CError("AADB2C90080", error="invalid_grant")
    return row


def revoke_where(condition) -> None:
    db.session.execute(db.update(RefreshToken).where(condition, RefreshToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


@dataclass(frozen=True)
class RefreshLifetimes:
    token_days: int
    window_days: int | None   # None: "No expiry" sliding window


def issue_refresh_token(*, lifetimes: RefreshLifetimes, family_id: str | None = None,
                        family_expires_at: dt.datetime | None = None, **fields) -> str:
    token = new_token(48)
    now = utcnow()
    if family_expires_at is None:
        days = lifetimes.window_days if lifetimes.window_days is not None else 365 * 100
        family_expires_at = now + dt.timedelta(days=days)
    # Inserted at commit (:mod:`.at_commit`), after the tokens are signed: the request holds
    # the write lock from this INSERT to its commit, not through the signatures.
    at_commit.insert(_REFRESH, dict(
        token_hash=token_digest(token), family_id=family_id or str(uuid.uuid4()),
        expires_at=min(now + dt.timedelta(days=lifetimes.token_days), family_expires_at),
        family_expires_at=family_expires_at, created_at=now, **fields))
    return token


_REFRESH = RefreshToken.__table__
# Built once (see idp/store/tenant.py).  Spending is the one conditional UPDATE the module's
# docstring promises, returning the row it spent: the success path of every refresh is this
# statement alone, without reading the row first.
_MEMBER = _REFRESH.alias("member")
_SPEND_REFRESH = (
    sa.update(_REFRESH)
    .where(_REFRESH.c.token_hash == sa.bindparam("digest"),
           _REFRESH.c.used_at.is_(None), _REFRESH.c.revoked_at.is_(None),
           # Nor a token of a revoked family.  Every revocation is of whole families (by
           # family, code, user), but a rotation inserts the next token at its commit, after
           # signing: a revocation committed in between does not see it, and it must not live.
           ~sa.exists().where(_MEMBER.c.family_id == _REFRESH.c.family_id,
                              _MEMBER.c.revoked_at.is_not(None)))
    .values(used_at=sa.bindparam("now"))
    .returning(*_REFRESH.c))
_REFRESH_BY_DIGEST = sa.select(_REFRESH.c.family_id, _REFRESH.c.revoked_at).where(
    _REFRESH.c.token_hash == sa.bindparam("digest"))


def spend_refresh_token(token: str):
    """Spend ``token`` for rotation; a spent one presented again revokes its whole family.
    Returns the spent row (read-only: the columns of ``refresh_token``).

    :raise B2CError: AADB2C90129 (revoked or reused), AADB2C90080 (expired), invalid_grant.
    """
    digest, now = token_digest(token), utcnow()
    # On the session's connection: a Core statement needs none of the ORM's execution layer
    row = db.session.connection().execute(_SPEND_REFRESH, {"digest": digest, "now": now}).first()
    if row is None:
        found = db.session.execute(_REFRESH_BY_DIGEST, {"digest": digest}).first()
        if found is None:
            raise B2CError(None, error="invalid_grant", message="The refresh token is not valid.")
        if found.revoked_at is None:  # spent before (a replay), or its family revoked since
            revoke_where(RefreshToken.family_id == found.family_id)
            db.session.commit()
        raise B2CError("AADB2C90129", error="invalid_grant")
    _commit_keeping_loaded()
    if row.expires_at < now:
        raise B2CError("AADB2C90080", error="invalid_grant")
    return row
