"""Directory users (consumer accounts) and their sign-in identities, shaped like Graph's user."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import new_guid, utcnow


class DirectoryUser(db.Model):
    __tablename__ = "directory_user"

    object_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_guid)
    display_name: Mapped[str | None] = mapped_column(sa.String(256), index=True)
    given_name: Mapped[str | None] = mapped_column(sa.String(64))
    surname: Mapped[str | None] = mapped_column(sa.String(64))
    #: other built-in attributes (city, jobTitle, ...) and extension attributes, by Graph name.
    attributes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    account_enabled: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(128))
    password_last_set: Mapped[dt.datetime | None]
    #: smart lockout (b2c-reference §7.1): failures since the last success, the lock's end,
    #: how many lock periods so far (they grow), and the last wrong password's hash (the same
    #: wrong password again counts once).
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None]
    lockout_periods: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_password: Mapped[str | None] = mapped_column(sa.String(64))
    #: MFA enrolment: {"totp_secret": ..., "phone": ..., "methods": [...]}.
    mfa: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    identities: Mapped[list["UserIdentity"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class UserIdentity(db.Model):
    """One way to sign in: ``{signInType, issuer, issuerAssignedId}`` as in Graph's ``identities``."""

    __tablename__ = "user_identity"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "sign_in_type", "issuer_assigned_id_key",
                            name="uq_user_identity_sign_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_object_id: Mapped[str] = mapped_column(
        sa.ForeignKey("directory_user.object_id", ondelete="CASCADE"), index=True
    )
    sign_in_type: Mapped[str] = mapped_column(sa.String(32))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    issuer_assigned_id: Mapped[str] = mapped_column(sa.String(320))
    #: lower-cased: e-mail addresses and user names are unique regardless of case.
    issuer_assigned_id_key: Mapped[str] = mapped_column(sa.String(320))

    user: Mapped[DirectoryUser] = relationship(back_populates="identities")
