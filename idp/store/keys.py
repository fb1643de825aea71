"""The tenant's signing key: created once in the database, shared by every worker, published
in the JWKS with B2C's shape (``kid``, ``nbf``, ``use``, ``kty``, ``e``, ``n``)."""
from __future__ import annotations

import time

from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SigningKey


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
    return db.session.execute(
        db.select(SigningKey).filter_by(active=True).order_by(SigningKey.id)).scalars().first()


def jwks() -> dict:
    keys = db.session.execute(db.select(SigningKey).filter_by(active=True)).scalars()
    published = []
    for key in keys:
        public = RSAKey.import_key(key.private_jwk).as_dict(private=False)
        published.append({"kid": key.kid, "nbf": key.not_before, "use": "sig", "kty": "RSA",
                          "e": public["e"], "n": public["n"]})
    return {"keys": published}


def sign(payload: dict) -> str:
    """Sign ``payload`` RS256 with the active key; header ``{"typ","alg","kid"}`` as B2C's."""
    key = ensure_signing_key()
    header = {"typ": "JWT", "alg": "RS256", "kid": key.kid}
    return jwt.encode(header, payload, RSAKey.import_key(key.private_jwk))
