"""What a practice provider keeps on disk: its secret, the app credentials derived from it,
and (Google) its RSA signing key.

Everything lives in the provider's own folder (``instance/practice/<kind>``) and is made once,
race-free, so every worker and every restart sees the same App ID, secret and key: a tenant
configured once keeps working.  Files are created with ``O_EXCL`` semantics (a temporary file
linked into place), so two workers starting together agree on one value.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import string
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from joserfc.jwk import RSAKey

_ALNUM = string.ascii_lowercase + string.digits


def create_once(path: Path, make) -> str:
    """The text of ``path``; on first use, ``make()`` written atomically (the first writer
    wins, later ones read what it wrote).

    Written to a temporary file and linked into place, so a process starting at the same
    moment never reads a file still empty.  On a drive without hard links (FAT or exFAT, some
    network shares) the file is created exclusively instead, and read again while it is empty.
    B2C Lab's own instance secrets use this too (``idp.config.instance_secret``)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        value = make()
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".new-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(value)
            try:
                os.link(temp, path)  # fails if another worker got there first
            except FileExistsError:
                pass
            except OSError:  # no hard links on this drive
                with contextlib.suppress(FileExistsError), \
                        open(path, "x", encoding="ascii") as out:
                    out.write(value)
        finally:
            with contextlib.suppress(OSError):  # Windows: still open in another process
                os.unlink(temp)
    deadline = time.monotonic() + 5
    while not (text := path.read_text(encoding="ascii").strip()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path} is empty: delete it and start B2C Lab again.")
        time.sleep(0.01)  # created exclusively by another process, not yet written
    return text


def secret_key(folder: Path) -> str:
    """The provider's own secret (signs its cookies, codes and tokens)."""
    return create_once(folder / "secret_key", lambda: secrets.token_urlsafe(48))


def _derive(secret: str, label: str) -> bytes:
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()


def _digits(raw: bytes, count: int) -> str:
    number = str(int.from_bytes(raw, "big")).rjust(count, "0")
    return str(int(number[0]) % 9 + 1) + number[1:count]  # no leading zero, as real ids


def _alnum(raw: bytes, count: int) -> str:
    return "".join(_ALNUM[byte % len(_ALNUM)] for byte in raw[:count])


@dataclass(frozen=True)
class AppCredentials:
    """The one app registered at the provider: what an attendee copies into the portal."""

    client_id: str
    client_secret: str


def app_credentials(kind: str, secret: str) -> AppCredentials:
    """Facebook-shaped (15-digit App ID, 32-hex App secret) or Google-shaped
    (``<digits>-<id>.apps.googleusercontent.com``, ``GOCSPX-...``) credentials, derived from the
    provider's secret so they never change."""
    if kind == "facebook":
        return AppCredentials(_digits(_derive(secret, "app-id"), 15),
                              _derive(secret, "app-secret").hex()[:32])
    project = _digits(_derive(secret, "project-number"), 12)
    client = _alnum(_derive(secret, "client-id"), 32)
    secret_part = _alnum(_derive(secret, "client-secret"), 28)
    return AppCredentials(f"{project}-{client}.apps.googleusercontent.com",
                          f"GOCSPX-{secret_part}")


def signing_key(folder: Path, name: str = "signing_key.json") -> RSAKey:
    """An RSA key (JWK with a ``kid``) kept in ``folder/name``, made on first use."""
    def make() -> str:
        key = RSAKey.generate_key(2048, private=True)
        return json.dumps(key.as_dict(private=True, kid=key.thumbprint()))
    return RSAKey.import_key(json.loads(create_once(folder / name, make)))


def comparable(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())
