"""Authorization codes and refresh tokens, stored by hash so a database leak leaks no grant."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class AuthorizationCode(db.Model):
    __tablename__ = "authorization_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    redirect_uri: Mapped[str] = mapped_column(sa.String(2048))
    policy: Mapped[str] = mapped_column(sa.String(128))
    scope: Mapped[str] = mapped_column(sa.Text)
    nonce: Mapped[str | None] = mapped_column(sa.Text)
    code_challenge: Mapped[str | None] = mapped_column(sa.String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(sa.String(8))
    user_object_id: Mapped[str] = mapped_column(sa.String(36))
    #: the journey's output claims at issuance; tokens are built from them (as B2C does).
    claims: Mapped[dict] = mapped_column(sa.JSON)
    auth_time: Mapped[int]
    transaction_id: Mapped[str | None] = mapped_column(sa.String(64))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RefreshToken(db.Model):
    """One refresh token of a rotation family (RFC 9700 §4.14): each use spends it and issues the
    next; presenting a spent one revokes the whole family."""

    __tablename__ = "refresh_token"
    __table_args__ = (
        # Revoking a family finds its tokens; spending a token asks whether any of its family is
        # revoked (idp/store/grants.py), one probe of this index however long the family is.
        sa.Index("ix_refresh_token_family_id_revoked_at", "family_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    family_id: Mapped[str] = mapped_column(sa.String(36))
    code_id: Mapped[int | None] = mapped_column(index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    policy: Mapped[str] = mapped_column(sa.String(128))
    scope: Mapped[str] = mapped_column(sa.Text)
    user_object_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    claims: Mapped[dict] = mapped_column(sa.JSON)
    auth_time: Mapped[int]
    expires_at: Mapped[dt.datetime]
    #: end of the sliding window: the family cannot be refreshed past it (B2C "Bounded").
    family_expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
