"""Custom user attributes (Azure AD B2C > User attributes > Add): String, Boolean or Int.

Stored as extension properties of the ``b2c-extensions-app``; each goes by three names (Graph
``extension_<appIdNoDashes>_Name``, token ``extension_Name``, page class ``extension_Name_li``).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow

DATA_TYPES = ("String", "Boolean", "Int")


class UserAttribute(db.Model):
    __tablename__ = "user_attribute"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    #: lower-cased name: attribute names are unique regardless of case.
    name_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    data_type: Mapped[str] = mapped_column(sa.String(16), default="String")
    description: Mapped[str] = mapped_column(sa.String(256), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
