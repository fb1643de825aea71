"""Single sign-on sessions: what the ``x-ms-cpim-sso`` cookie points to (stored by hash)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class SsoSession(db.Model):
    __tablename__ = "sso_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_object_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    auth_time: Mapped[int]
    #: the policies and applications this browser signed in to (for SSO scope and logout).
    policies: Mapped[list] = mapped_column(sa.JSON, default=list)
    client_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: the browser passed MFA in this session (an SSO run then skips the MFA step)
    mfa_done: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: the issuer of the federated sign-in that began the session (``facebook.com``...), None
    #: for a local account: a single sign-on run gives the token the same ``idp`` claim
    identity_provider: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
