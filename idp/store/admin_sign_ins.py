"""What the audit log says about a portal admin account: its lockout (OWASP ASVS V2.2.1, "no
more than 100 failed attempts per hour") and whether a session predates a sign-out (V3.3.1).

The audit log already records every portal sign-in, failed sign-in and sign-out, in the
database all workers share; reading those records back gives the throttle and the session check
without a table of their own.  The lockout is smart lockout's (``engine.lockout``): 10 failures
lock the account for a minute, each failure after that locks it again, and the periods grow.
Attempts refused while locked are audited with :data:`LOCKED` and never counted.
"""
from __future__ import annotations

import datetime as dt
import time

from ..engine.lockout import LockoutPolicy, LockoutState, replay
from ..extensions import db
from ..models import AuditRecord
from ..models._base import utcnow

SIGN_IN = "Admin signed in to the portal"
SIGN_OUT = "Admin signed out of the portal"
PASSWORD_RESET = "Reset admin password"
LOCKED = "account locked"
POLICY = LockoutPolicy(threshold=10, duration=60)
LOOKBACK = dt.timedelta(hours=24)
MAX_ATTEMPTS_READ = 500
#: the portal session's key for when it signed in (epoch seconds)
SESSION_KEY = "portal_signed_in_at"
#: a portal session lasts at most this long (ASVS V3.3.2, level 2: 12 hours)
SESSION_SECONDS = 12 * 3600


def _epoch(when: dt.datetime) -> float:
    return when.replace(tzinfo=dt.timezone.utc).timestamp()


def lockout_state(username: str) -> LockoutState:
    """The lockout of ``username`` (any name typed at the sign-in form, so a name that is no
    account locks the same way and says nothing about which names exist)."""
    rows = db.session.execute(
        db.select(AuditRecord.activity_time, AuditRecord.result, AuditRecord.activity)
        .where(AuditRecord.activity.in_((SIGN_IN, PASSWORD_RESET)),
               AuditRecord.activity_time >= utcnow() - LOOKBACK,
               AuditRecord.initiated_by_admin == username[:64],
               AuditRecord.result_reason != LOCKED)
        .order_by(AuditRecord.activity_time.desc(), AuditRecord.id.desc())
        .limit(MAX_ATTEMPTS_READ)).all()
    return replay(((_epoch(at), result == "success" or activity == PASSWORD_RESET)
                   for at, result, activity in reversed(rows)), POLICY)


def session_is_current(username: str, signed_in_at: object) -> bool:
    """False when the session is older than :data:`SESSION_SECONDS`, or the account signed out
    (anywhere) or had its password reset since ``signed_in_at`` (epoch seconds)."""
    if not isinstance(signed_in_at, (int, float)) or time.time() - signed_in_at > SESSION_SECONDS:
        return False
    since = dt.datetime.fromtimestamp(signed_in_at, dt.timezone.utc).replace(tzinfo=None)
    ended = db.session.execute(
        db.select(AuditRecord.id)
        .where(AuditRecord.activity.in_((SIGN_OUT, PASSWORD_RESET)),
               AuditRecord.activity_time >= since,
               AuditRecord.initiated_by_admin == username).limit(1)).first()
    return ended is None
