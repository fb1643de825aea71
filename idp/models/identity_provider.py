"""Identity providers configured tenant-wide (Azure AD B2C > Identity providers), then ticked
per user flow (the flow's ``config["identity_providers"]`` lists their ids).

``kind`` is ``facebook`` or ``google`` (the practice providers this process serves, B2C's
"Facebook" and "Google" entries) or ``oidc`` (B2C's "OpenID Connect" custom provider).  The
client secret is stored encrypted (``idp.store.secret_box``) and never shown back or logged.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import new_guid, utcnow

KINDS = {"facebook": "Facebook", "google": "Google", "oidc": "OpenID Connect"}


class IdentityProvider(db.Model):
    __tablename__ = "identity_provider"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_guid)
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: the Name shown on the sign-in button and in the blade
    display_name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(255))
    client_secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    #: OpenID Connect: the provider's discovery document; practice providers: their own
    metadata_url: Mapped[str | None] = mapped_column(sa.String(2048))
    scope: Mapped[str] = mapped_column(sa.String(512), default="openid")
    response_type: Mapped[str] = mapped_column(sa.String(32), default="code")
    response_mode: Mapped[str] = mapped_column(sa.String(32), default="form_post")
    domain_hint: Mapped[str | None] = mapped_column(sa.String(120))
    #: B2C's claims mapping: {"user_id", "display_name", "given_name", "surname", "email"}
    #: -> the provider's claim name
    claims_mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
