"""One run of a user flow: the authorize request, the journey's state and its trace.

Any worker can continue a run from this row, and the portal reads the trace from it.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class FlowTransaction(db.Model):
    __tablename__ = "flow_transaction"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    policy: Mapped[str] = mapped_column(sa.String(128), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36))
    #: hash of the ``x-ms-cpim-trans`` cookie: a run continues only in the browser that began it.
    browser_binding: Mapped[str] = mapped_column(sa.String(64))
    #: the validated authorize request (client, redirect, response type/mode, nonce, PKCE...).
    request: Mapped[dict] = mapped_column(sa.JSON)
    #: the flow's configuration as it was when the run began.
    flow_config: Mapped[dict] = mapped_column(sa.JSON)
    #: engine RunState (step pointer, claims bag without secrets, per-step scratch).
    state: Mapped[dict] = mapped_column(sa.JSON)
    trace: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    user_object_id: Mapped[str | None] = mapped_column(sa.String(36))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[dt.datetime]
