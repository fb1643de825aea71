"""The tenant's signing key: created once in the database, shared by every worker, published
in the JWKS with B2C's shape (``kid``, ``nbf``, ``use``, ``kty``, ``e``, ``n``)."""
from __future__ import annotations

import functools
import json
import time

import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SigningKey
from . import config_version

# Built once (see idp/store/tenant.py): every token and every JWKS request reads the keys.
_ACTIVE = sa.select(SigningKey).filter_by(active=True).order_by(SigningKey.id)


def ensure_signing_key() -> SigningKey:
    """Return the active key, creating it the first time (safe when two workers race)."""
    key = _active()
    if key is not None:
        return key
    rsa = RSAKey.generate_key(2048, parameters={"use": "sig"})
    kid = rsa.thumbprint()  # RFC 7638 thumbprint: the 43-character kid shape B2C uses
    db.session.add(SigningKey(kid=kid, private_jwk=rsa.as_dict(private=True),
                              not_before=int(time.time())))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return _active()


def _active() -> SigningKey | None:
    return db.session.execute(_ACTIVE).scalars().first()


def jwks() -> dict:
    """The public keys: ``n`` and ``e`` are copied from the stored JWK (no key import needed)."""
    keys = db.session.execute(_ACTIVE).scalars()
    return {"keys": [{"kid": key.kid, "nbf": key.not_before, "use": "sig", "kty": "RSA",
                      "e": key.private_jwk["e"], "n": key.private_jwk["n"]} for key in keys]}


@functools.lru_cache(maxsize=8)
def _private_key(kid: str, private_jwk_json: str) -> RSAKey:
    # Importing a private RSA key validates it (about 60 ms with cryptography 50): do it once
    # per key and process.  This caches derived, immutable data; the database stays the
    # source of truth, so every worker signs with the same key.
    return RSAKey.import_key(json.loads(private_jwk_json))


def _signing_material() -> tuple[str, RSAKey]:
    key = ensure_signing_key()
    return key.kid, _private_key(key.kid, json.dumps(key.private_jwk, sort_keys=True))


def sign(payload: dict) -> str:
    """Sign ``payload`` RS256 with the active key; header ``{"typ","alg","kid"}`` as B2C's."""
    # The key is read from the database at most once per IDP_METADATA_CACHE_SECONDS, not once
    # per token (idp/store/config_version.py): one query fewer on every token request.
    kid, private = config_version.cached("signing_key", _signing_material)
    header = {"typ": "JWT", "alg": "RS256", "kid": kid}
    return jwt.encode(header, payload, private)
