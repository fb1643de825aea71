"""The tenant's token-signing keys (RSA, published in the JWKS), shared by every worker."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class SigningKey(db.Model):
    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    private_jwk: Mapped[dict] = mapped_column(sa.JSON)
    #: B2C publishes ``nbf`` on each JWKS entry; we do the same.
    not_before: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
