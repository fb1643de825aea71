"""Encrypting connector credentials at rest with a key derived from SECRET_KEY (Fernet:
AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package)."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"b2clab api connector credentials").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plaintext: str | bytes | None) -> str | None:
    if plaintext in (None, ""):
        return None
    raw = plaintext.encode() if isinstance(plaintext, str) else plaintext
    return _fernet().encrypt(raw).decode()


def open_sealed(token: str | None) -> bytes | None:
    """The plaintext bytes, or None.  :raise ValueError: when SECRET_KEY changed since."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode())
    except InvalidToken:
        raise ValueError("the stored credential cannot be decrypted: SECRET_KEY changed since "
                         "it was saved; enter the credential again") from None
