"""App registrations (B2C "App registrations" blade) and their client secrets."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import new_guid, utcnow

#: Platforms as B2C's "Add a platform" names them; stored values are the short keys.
PLATFORMS = {"web": "Web", "spa": "Single-page application", "public": "Public client/native"}


class AppRegistration(db.Model):
    __tablename__ = "app_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    client_id: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_guid)
    platform: Mapped[str] = mapped_column(sa.String(16), default="web")
    redirect_uris: Mapped[list] = mapped_column(sa.JSON, default=list)
    front_channel_logout_url: Mapped[str | None] = mapped_column(sa.String(2048))
    implicit_id_tokens: Mapped[bool] = mapped_column(default=False)
    implicit_access_tokens: Mapped[bool] = mapped_column(default=False)
    #: Authentication > Advanced settings > "Allow public client flows" (needed for ROPC).
    allow_public_client_flows: Mapped[bool] = mapped_column(default=False)
    supported_account_types: Mapped[str] = mapped_column(sa.String(32), default="b2c")
    #: Expose an API: the Application ID URI and its scopes
    #: ``[{"value", "admin_consent_display_name", "admin_consent_description", "enabled"}]``.
    app_id_uri: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    exposed_scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: API permissions: ``[{"resource_client_id", "value", "type", "admin_consent"}]``.
    api_permissions: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: App roles: ``[{"id", "value", "display_name", "description",
    #: "allowed_member_types", "enabled"}]``.
    app_roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    secrets: Mapped[list["ClientSecret"]] = relationship(
        back_populates="app_registration", cascade="all, delete-orphan"
    )

    @property
    def is_confidential(self) -> bool:
        """Web apps hold a secret; SPAs and native apps are public clients (RFC 6749 §2.1)."""
        return self.platform == "web"


class ClientSecret(db.Model):
    """A client secret, stored as its SHA-256.

    Client secrets are 40 random characters (as B2C generates them), so a fast hash is the
    right tool: bcrypt here would cost every token request a quarter second for no gain.
    """

    __tablename__ = "client_secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_registration.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.String(120), default="")
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    hint: Mapped[str] = mapped_column(sa.String(8))
    expires_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    app_registration: Mapped[AppRegistration] = relationship(back_populates="secrets")
