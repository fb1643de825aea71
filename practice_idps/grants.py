"""Codes and access tokens: signed, expiring blobs (itsdangerous), so any worker can check
what another issued without shared memory.

A blob carries what the token endpoint and the profile endpoint need: the persona, the client,
the redirect URI, the nonce, the scope and the lesson.  Codes are also single use: their ids are
recorded in a small SQLite file in the provider's folder (shared by the workers of one machine),
as Facebook and Google refuse a code the second time (RFC 6749 §4.1.2).
"""
from __future__ import annotations

import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: the "What should go wrong?" choices; Google adds the two ID token ones
LESSONS = {
    "": "Nothing: sign in normally",
    "deny": "Deny consent (as if Cancel were clicked)",
    "provider_error": "Provider error (redirect back with error=server_error)",
    "token_500": "Token endpoint fails (HTTP 500)",
    "bad_signature": "ID token signed with a wrong key",
    "wrong_nonce": "ID token with a wrong nonce",
}
GOOGLE_ONLY = {"bad_signature", "wrong_nonce"}

REQUEST_LIFETIME = 3600  # the sign-in and consent pages may stay open an hour
CODE_LIFETIME = 600      # Facebook and Google: about ten minutes


class GrantError(Exception):
    """A blob that cannot be used; ``reason`` is one of malformed, expired, used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def lessons_for(kind: str) -> dict[str, str]:
    return {key: text for key, text in LESSONS.items()
            if kind == "google" or key not in GOOGLE_ONLY}


class Grants:
    """Signs and checks the provider's blobs; ``folder`` holds the used-code register."""

    def __init__(self, secret: str, folder: Path, access_token_lifetime: int):
        self._secret = secret
        self._used = folder / "used_codes.sqlite3"
        self.access_token_lifetime = access_token_lifetime
        with closing(sqlite3.connect(self._used)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS used (jti TEXT PRIMARY KEY, at REAL)")

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"practice-idp-{purpose}")

    def sign(self, purpose: str, data: dict) -> str:
        return self._serializer(purpose).dumps(data)

    def load(self, purpose: str, blob: str, max_age: int) -> dict:
        """The data of a blob made by :meth:`sign` for ``purpose``.

        :raise GrantError: ``expired`` or ``malformed`` (bad signature, other purpose).
        """
        try:
            return self._serializer(purpose).loads(blob or "", max_age=max_age)
        except SignatureExpired:
            raise GrantError("expired") from None
        except BadSignature:
            raise GrantError("malformed") from None

    def issue_code(self, data: dict) -> str:
        return self.sign("code", {**data, "jti": secrets.token_urlsafe(12)})

    def read_code(self, code: str) -> dict:
        """The data of a code, not yet spent (the caller checks client and redirect URI
        first, so a mistaken request does not burn the code).

        :raise GrantError: ``malformed`` or ``expired``.
        """
        return self.load("code", code, CODE_LIFETIME)

    def spend_code(self, data: dict) -> None:
        """Record the code of ``data`` as used.

        :raise GrantError: ``used`` when it was used before (by any worker).
        """
        with closing(sqlite3.connect(self._used, timeout=10)) as db, db:
            db.execute("DELETE FROM used WHERE at < ?", (time.time() - 2 * CODE_LIFETIME,))
            try:
                db.execute("INSERT INTO used VALUES (?, ?)", (data["jti"], time.time()))
            except sqlite3.IntegrityError:
                raise GrantError("used") from None

    def issue_access_token(self, data: dict) -> str:
        return self.sign("access-token", data)

    def check_access_token(self, token: str) -> dict:
        """:raise GrantError: ``malformed`` or ``expired``."""
        return self.load("access-token", token, self.access_token_lifetime)
