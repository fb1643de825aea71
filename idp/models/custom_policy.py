"""Identity Experience Framework: policy keys and uploaded custom policies.

A policy key is a container (``B2C_1A_TokenSigningKeyContainer``...) holding an RSA key made
here or a secret uploaded by the admin; the material is stored encrypted
(``idp.store.secret_box``).  A custom policy is the XML file as uploaded (so it downloads back
byte for byte); the engine parses and merges the inheritance chain when it runs.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import new_guid, utcnow

#: key usage as B2C names it
KEY_USAGES = {"sig": "Signature", "enc": "Encryption"}
#: how the key was made: generated RSA here, or a secret typed/uploaded by the admin
KEY_TYPES = {"RSA": "Generate (RSA)", "secret": "Manual (secret)"}


class PolicyKey(db.Model):
    __tablename__ = "policy_key"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_guid)
    #: the container's full name, with B2C's ``B2C_1A_`` prefix
    name: Mapped[str] = mapped_column(sa.String(128))
    #: lower-cased name: B2C matches them case-insensitively
    name_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    key_usage: Mapped[str] = mapped_column(sa.String(8), default="sig")
    key_type: Mapped[str] = mapped_column(sa.String(8), default="RSA")
    #: PEM private key (RSA) or the secret, encrypted
    material_encrypted: Mapped[str] = mapped_column(sa.Text)
    kid: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CustomPolicy(db.Model):
    __tablename__ = "custom_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``PolicyId`` of the file, e.g. ``B2C_1A_signup_signin``
    policy_id: Mapped[str] = mapped_column(sa.String(128))
    policy_id_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    #: ``BasePolicy/PolicyId``, empty for the root of the chain (TrustFrameworkBase)
    base_policy_id: Mapped[str | None] = mapped_column(sa.String(128))
    xml: Mapped[str] = mapped_column(sa.Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
