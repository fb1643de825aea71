"""Audit log records, shaped like Graph's ``directoryAudit`` (b2c-reference §7.2)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class AuditRecord(db.Model):
    __tablename__ = "audit_record"
    __table_args__ = (
        # filtering one activity and paging by time stays fast at 100,000 records
        sa.Index("ix_audit_record_activity_then_time", "activity", "activity_time"),
        # SQLite would reuse the id of a purged last row: B2C_<id> must never point elsewhere
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    activity: Mapped[str] = mapped_column(sa.String(128), index=True)
    result: Mapped[str] = mapped_column(sa.String(16), default="success")
    result_reason: Mapped[str] = mapped_column(sa.String(255), default="N/A")
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    app_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    target_user_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    policy: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    initiated_by_admin: Mapped[str | None] = mapped_column(sa.String(64))
    additional_details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    activity_time: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
