"""Password and token hashing."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import bcrypt
from flask import current_app

from ..engine.passwords import BCRYPT_MAX_BYTES


def hash_password(password: str) -> str:
    """bcrypt with the configured cost.

    :raise ValueError: for a password over bcrypt's 72 bytes (callers check first and show a
        message; bcrypt 5 refuses rather than truncating).
    """
    rounds = int(current_app.config["IDP_BCRYPT_ROUNDS"])
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode()


def check_password(password: str, password_hash: str | None) -> bool:
    raw = password.encode("utf-8")
    if not password_hash or len(raw) > BCRYPT_MAX_BYTES:
        return False  # such a password could never have been set
    return bcrypt.checkpw(raw, password_hash.encode())


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy token (codes, refresh tokens, cookies, client secrets)."""
    return hashlib.sha256(token.encode()).hexdigest()


def digest_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
