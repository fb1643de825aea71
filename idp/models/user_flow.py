"""User flows: their type and a JSON document of every setting (attributes, claims, properties).

The settings live in one document because that is how they travel (tenant export, the engine's
compiler, the portal's forms); the columns are what we search or join on.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class UserFlow(db.Model):
    __tablename__ = "user_flow"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    #: lower-cased name: B2C matches policy names case-insensitively.
    name_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    flow_type: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[str] = mapped_column(sa.String(16), default="Recommended")
    config: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
