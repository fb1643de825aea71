"""Writing audit records in B2C's ``directoryAudit`` shape (b2c-reference §7.2).

A record belongs to the caller's unit of work: it is written when the session commits (one
INSERT for all of them, at the start of the commit) and dropped when the transaction rolls
back or the session closes.  Writing at the end keeps a request's write lock short: SQLite
has one writer at a time, and a token request that wrote its first record before signing
held the lock through the signature (bench/results.md).  An ORM query of ``AuditRecord`` in
the same transaction writes them first, so the transaction reads what it recorded; a Core
or text statement on ``audit_record`` (a count, the retention purge) does not see records
not yet written.  Savepoints are not followed: a record made inside one that rolls back is
still written (the code uses none)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditRecord
from ..models._base import utcnow

_INSERT = AuditRecord.__table__.insert()
_PENDING = "b2clab_audit_pending"  # key in session.info: the records not written yet

#: (User-Agent, address) of the caller, for endpoints served outside a Flask request
#: (idp/protocol/token_endpoint.py); Flask requests are read directly.
_CALLER: ContextVar[tuple[str, str | None] | None] = ContextVar("audit_caller", default=None)


@contextmanager
def caller(user_agent: str, address: str | None):
    """Records written inside name this caller (``Client``, ``ClientIpAddress``)."""
    token = _CALLER.set((user_agent, address))
    try:
        yield
    finally:
        _CALLER.reset(token)

#: activity display name -> B2C category.
CATEGORIES = {
    "Issue an id_token to the application": "Authentication",
    "Issue an access token to the application": "Authentication",
    "Issue an authorization code to the application": "Authentication",
    "Validate local account credentials": "Authentication",
    "A self-service sign-up request was completed": "Authentication",
    "Send verification email": "Authentication",
    "Verify email address": "Authentication",
    "Validate Client Credentials": "Authentication",
    "Exchange token": "Authentication",
}


def record(activity: str, *, result: str = "success", reason: str = "N/A",
           app_id: str | None = None, user: str | None = None, policy: str | None = None,
           correlation_id: str | None = None, category: str | None = None,
           initiated_by_admin: str | None = None, **details: Any) -> None:
    """Write an audit record in the caller's transaction (committed or rolled back with the
    caller's unit of work).

    Portal changes pass ``initiated_by_admin`` (and a category such as ``Directory`` or
    ``ApplicationManagement``); runtime activities get theirs from :data:`CATEGORIES`.
    """
    extra = {k: v for k, v in details.items() if v is not None}
    who = _CALLER.get()
    if who is None and has_request_context():
        who = request.headers.get("User-Agent", ""), request.remote_addr
    if who is not None:
        extra.setdefault("Client", who[0])
        extra.setdefault("ClientIpAddress", who[1])
    # Rows for a plain INSERT, not ORM objects: the unit of work's flush made an ORM record a
    # quarter of a token request (bench/results.md).
    session = db.session()
    if not session.in_transaction():
        session.begin()  # no connection yet: a unit of work its rollback can end
    session.info.setdefault(_PENDING, []).append({
        "category": category or CATEGORIES.get(activity, "Authentication"),
        "activity": activity, "result": result, "result_reason": reason, "app_id": app_id,
        "target_user_id": user, "policy": policy, "correlation_id": correlation_id,
        "initiated_by_admin": initiated_by_admin, "additional_details": extra,
        "activity_time": utcnow()})


def _write_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.execute(_INSERT, rows)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed: its records go with it
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _before_reading_records(state) -> None:
    if state.session.info.get(_PENDING) and state.is_select and any(
            mapper.class_ is AuditRecord for mapper in state.all_mappers):
        _write_pending(state.session)
