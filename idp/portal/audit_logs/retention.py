"""Audit log retention: B2C keeps audit records 7 days (b2c-reference §7.2).  The lab lets the
admin choose 1 to 365 days, kept in ``Tenant.settings["audit_retention_days"]``.

:func:`purge_expired_audit_records` runs when the setting is saved, on the blade's list page
(a cheap indexed probe first, so a GET writes only when something expired) and from
``flask --app app demo purge-audit``.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ...extensions import db
from ...models import AuditRecord, Tenant
from ...models._base import utcnow
from ...store.tenant import current_tenant

SETTING = "audit_retention_days"
DEFAULT_RETENTION_DAYS = 7


def retention_days(tenant: Tenant | None = None) -> int:
    """The tenant's retention in days (the default when unset or not a number)."""
    tenant = tenant or current_tenant()
    value = (tenant.settings or {}).get(SETTING, DEFAULT_RETENTION_DAYS)
    valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if valid else DEFAULT_RETENTION_DAYS


def set_retention_days(tenant: Tenant, days: int) -> None:
    # A new dict: SQLAlchemy does not see in-place changes to a JSON column.
    tenant.settings = {**(tenant.settings or {}), SETTING: days}


def purge_expired_audit_records(now: dt.datetime | None = None,
                                tenant: Tenant | None = None) -> int:
    """Delete the records older than the retention (not committed: the caller commits).

    :return: how many records were deleted.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days(tenant))
    expired = db.session.execute(sa.select(AuditRecord.id).where(
        AuditRecord.activity_time < cutoff).limit(1)).first()
    if expired is None:
        return 0
    return db.session.execute(sa.delete(AuditRecord).where(
        AuditRecord.activity_time < cutoff)).rowcount
