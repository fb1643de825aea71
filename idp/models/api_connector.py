"""API connectors (Azure AD B2C > API connectors), attached to user-flow steps by id.

Credentials are stored encrypted (``idp.store.secret_box``); they are never shown back or
logged.  Basic and Certificate are what B2C user flows offer; API key header and Bearer are
custom-policy-only in B2C and marked so in the portal.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import new_guid, utcnow

AUTH_TYPES = {"basic": "Basic", "certificate": "Certificate",
              "apikey": "API key header (custom policies only in B2C)",
              "bearer": "Bearer token (custom policies only in B2C)",
              "none": "None (B2C Lab only: for a connector on your own machine)"}


class ApiConnector(db.Model):
    __tablename__ = "api_connector"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_guid)
    display_name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    endpoint_url: Mapped[str] = mapped_column(sa.String(2048))
    auth_type: Mapped[str] = mapped_column(sa.String(16), default="basic")
    username: Mapped[str | None] = mapped_column(sa.String(255))
    #: password, API key value or bearer token, encrypted
    secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    api_key_header: Mapped[str | None] = mapped_column(sa.String(120))
    #: the PFX (base64) and its password, encrypted; subject and validity for display
    certificate_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    certificate_password_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    certificate_subject: Mapped[str | None] = mapped_column(sa.String(255))
    certificate_not_after: Mapped[dt.datetime | None]
    timeout_seconds: Mapped[int] = mapped_column(default=5, server_default="5")
    retries: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
