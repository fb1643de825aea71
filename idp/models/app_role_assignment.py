"""App role assignments: a user (or an app) holds one of an app registration's app roles."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import new_guid, utcnow


class AppRoleAssignment(db.Model):
    __tablename__ = "app_role_assignment"
    __table_args__ = (sa.UniqueConstraint("resource_id", "app_role_id", "principal_id",
                                          name="uq_app_role_assignment"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_guid)
    #: the app registration whose role is assigned (Graph: the resource service principal).
    resource_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_registration.id", ondelete="CASCADE"), index=True)
    app_role_id: Mapped[str] = mapped_column(sa.String(36))
    principal_type: Mapped[str] = mapped_column(sa.String(32), default="User")
    principal_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
