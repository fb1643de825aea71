"""An API connector's credentials: checking an uploaded .pfx, and turning the form's fields into
the connector's columns, every secret sealed with :mod:`idp.store.secret_box`.

Secrets go from the form into ``seal`` and nowhere else: they are never logged, never put in an
audit record, never rendered back (the password fields are empty on the edit page, and leaving
one empty keeps the stored value).
"""
from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives.serialization import pkcs12

from ...models import ApiConnector
from ...models._base import utcnow
from ...store.secret_box import seal

#: the columns that hold credentials: switching the authentication type clears the others.
CREDENTIAL_COLUMNS = ("username", "secret_encrypted", "api_key_header", "certificate_encrypted",
                      "certificate_password_encrypted", "certificate_subject",
                      "certificate_not_after")
WRONG_PASSWORD = "The certificate could not be opened with that password."
NOT_A_PFX = "The file is not a .pfx (PKCS #12) certificate. Export the certificate with its " \
            "private key as a .pfx file."


@dataclass
class Certificate:
    """A .pfx that opened: its bytes, password, subject and expiry (naive UTC)."""

    pfx: bytes
    password: str
    subject: str
    not_after: dt.datetime


def read_pfx(pfx: bytes, password: str) -> Certificate:
    """Open a .pfx the way B2C does when it is uploaded.

    :raise ValueError: with the sentence to show: not a PKCS #12 file, wrong password, no
        private key or certificate inside, expired, or not valid yet.
    """
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(pfx, password.encode() or None)
    except ValueError as exc:  # cryptography says which of the two went wrong
        raise ValueError(NOT_A_PFX if "deserialize" in str(exc) else WRONG_PASSWORD) from None
    if key is None or cert is None:
        raise ValueError("The .pfx must hold the certificate and its private key (B2C presents "
                         "them as a TLS client certificate).")
    now = utcnow()
    not_after = cert.not_valid_after_utc.replace(tzinfo=None)
    if not_after <= now:
        raise ValueError(f"The certificate expired on {not_after:%Y-%m-%d %H:%M} UTC. B2C uses "
                         "only a certificate that is not expired: upload a valid one.")
    not_before = cert.not_valid_before_utc.replace(tzinfo=None)
    if not_before > now:
        raise ValueError(f"The certificate is not valid before {not_before:%Y-%m-%d %H:%M} UTC. "
                         "B2C uses only a certificate whose start date has passed.")
    return Certificate(pfx, password, cert.subject.rfc4514_string()[:255], not_after)


def credential_values(form, connector: ApiConnector | None,
                      certificate: Certificate | None) -> dict:
    """The credential columns for the saved form.  A secret field left empty keeps the stored
    secret, but only when the authentication type is unchanged (the form checked that)."""
    kind = form.auth_type.data
    keep = connector is not None and connector.auth_type == kind
    values: dict = dict.fromkeys(CREDENTIAL_COLUMNS)

    def secret(field) -> str | None:
        if field.data:
            return seal(field.data)
        return connector.secret_encrypted if keep else None

    if kind == "basic":
        values.update(username=form.username.data.strip(), secret_encrypted=secret(form.password))
    elif kind == "apikey":
        values.update(api_key_header=form.api_key_header.data.strip(),
                      secret_encrypted=secret(form.api_key))
    elif kind == "bearer":
        values.update(secret_encrypted=secret(form.bearer_token))
    elif kind == "certificate" and certificate is not None:
        values.update(certificate_encrypted=seal(base64.b64encode(certificate.pfx)),
                      certificate_password_encrypted=seal(certificate.password),
                      certificate_subject=certificate.subject,
                      certificate_not_after=certificate.not_after)
    elif kind == "certificate" and keep:
        values.update({column: getattr(connector, column) for column in CREDENTIAL_COLUMNS
                       if column.startswith("certificate")})
    return values


def has_stored_secret(connector: ApiConnector | None, kind: str) -> bool:
    """Whether the connector already holds the secret ``kind`` needs (so it may be kept)."""
    if connector is None or connector.auth_type != kind:
        return False
    if kind == "certificate":
        return bool(connector.certificate_encrypted)
    return bool(connector.secret_encrypted)
