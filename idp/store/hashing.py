"""Password and token hashing."""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4)
def _stand_in_hash(rounds: int) -> bytes:
    """A hash of a random password at the configured cost, checked when there is no account or
    no password, so that answer takes as long as a wrong password (ASVS V2.2: no timing oracle
    for which accounts exist).  Derived once per process; nothing depends on its value."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=rounds))


def check_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``; with no hash (no account, or an account
    without a local password), a check of the same cost that is always False."""
    raw = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
    if not password_hash or len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        # such a password could never have been set; spend the same time anyway
        bcrypt.checkpw(raw, _stand_in_hash(int(current_app.config["IDP_BCRYPT_ROUNDS"])))
        return False
    return bcrypt.checkpw(raw, password_hash.encode())


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy token (codes, refresh tokens, cookies, client secrets)."""
    return hashlib.sha256(token.encode()).hexdigest()


def digest_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
