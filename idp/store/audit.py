"""Writing audit records in B2C's ``directoryAudit`` shape (b2c-reference §7.2)."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from ..models import AuditRecord
from ..models._base import utcnow

_INSERT = AuditRecord.__table__.insert()

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
    if has_request_context():
        extra.setdefault("Client", request.headers.get("User-Agent", ""))
        extra.setdefault("ClientIpAddress", request.remote_addr)
    # A plain INSERT, not an ORM object: nothing reads the record back in the request, and
    # the unit of work's flush made this a quarter of a token request (bench/results.md).
    db.session.execute(_INSERT, {
        "category": category or CATEGORIES.get(activity, "Authentication"),
        "activity": activity, "result": result, "result_reason": reason, "app_id": app_id,
        "target_user_id": user, "policy": policy, "correlation_id": correlation_id,
        "initiated_by_admin": initiated_by_admin, "additional_details": extra,
        "activity_time": utcnow()})
