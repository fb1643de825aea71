"""The one B2C tenant this process hosts (name, domain and tenant id)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import new_guid, utcnow


class Tenant(db.Model):
    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    domain: Mapped[str] = mapped_column(sa.String(255), unique=True)
    tenant_id: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_guid)
    #: the public URL the seeded redirect URIs were written with (to follow a PORT change).
    seeded_public_url: Mapped[str | None] = mapped_column(sa.String(255))
    #: tenant-wide settings (audit log retention, company branding...), B2C's defaults filled
    #: in by ``idp.store.tenant.tenant_settings``.
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
