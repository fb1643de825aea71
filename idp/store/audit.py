"""Writing audit records in B2C's ``directoryAudit`` shape (b2c-reference §7.2).

A record belongs to the caller's unit of work: it is written when the session commits and
dropped when the transaction rolls back (:mod:`.at_commit`).  Writing at the end keeps a
request's write lock short: SQLite has one writer at a time, and a token request that wrote its
first record before signing held the lock through the signature (bench/results.md)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request

from ..models import AuditRecord
from ..models._base import utcnow
from . import at_commit

_TABLE = AuditRecord.__table__

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
    at_commit.insert(_TABLE, {
        "category": category or CATEGORIES.get(activity, "Authentication"),
        "activity": activity, "result": result, "result_reason": reason, "app_id": app_id,
        "target_user_id": user, "policy": policy, "correlation_id": correlation_id,
        "initiated_by_admin": initiated_by_admin, "additional_details": extra,
        "activity_time": utcnow()})

