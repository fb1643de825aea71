"""Policy keys of the Identity Experience Framework: named containers such as
``B2C_1A_TokenSigningKeyContainer`` that custom policies reference by ``StorageReferenceId``.

A container holds one key: an RSA key generated here (signature or encryption) or a secret the
admin typed (for a RESTful profile's Basic credentials, say).  The material is sealed with
:mod:`idp.store.secret_box` and never leaves this module except to sign or to call an API; the
portal sees names, kids and public JWKs only.

Deliberate simplification: B2C keeps several versioned keys per container (with activation and
expiry dates) and rolls over; here a container holds exactly one key, active from its creation.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from joserfc.jwk import RSAKey
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import KEY_USAGES, CustomPolicy, PolicyKey
from .secret_box import open_sealed, seal

#: B2C adds this prefix to every container name typed in the portal.
PREFIX = "B2C_1A_"
#: Characters accepted in the typed part of a name.  B2C's exact rule is unverified; we take
#: letters, digits, ``_`` and ``-`` (every key name in Microsoft's samples fits it).
_NAME = re.compile(r"[A-Za-z0-9_-]+")
#: The column is 128 characters long, the prefix included.
MAX_NAME = 128
MAX_SECRET = 4096


class PolicyKeyError(ValueError):
    """A request this store refuses, with words for the admin (the portal shows ``str(e)``)."""


@dataclass(frozen=True)
class KeyInfo:
    """What the portal may show of a container: never the private material."""

    name: str
    key_usage: str  # "sig" | "enc"
    key_type: str  # "RSA" | "secret"
    kid: str
    created_at: dt.datetime

    @property
    def usage_label(self) -> str:
        return KEY_USAGES.get(self.key_usage, self.key_usage)


# --- the contract I3 and the upload validator use -------------------------------------------

def container_names() -> set[str]:
    """Every container's full name as stored (``B2C_1A_...``); policies match them
    case-insensitively, see :func:`find`."""
    return set(db.session.execute(sa.select(PolicyKey.name)).scalars())


def signing_key(name: str) -> tuple[str, RSAKey]:
    """``(kid, private RSA key)`` of container ``name`` (case-insensitive), the joserfc key
    ready for ``jwt.encode``.

    :raise PolicyKeyError: the container is missing or holds a secret, not an RSA key.
    """
    key = _require(name)
    if key.key_type != "RSA":
        raise PolicyKeyError(f"The policy key '{key.name}' holds a secret, not an RSA key; "
                             "a token signing key must be RSA (generate one).")
    return key.kid, _import_rsa(_material(key), key.kid, key.key_usage)


def public_jwks(name: str) -> dict:
    """The container's public key as a JWKS in B2C's shape (``kid``, ``nbf``, ``use``,
    ``kty``, ``e``, ``n``); an empty key list for a secret, which has nothing public."""
    key = _require(name)
    if key.key_type != "RSA":
        return {"keys": []}
    _, rsa = signing_key(key.name)
    public = rsa.as_dict(private=False)
    return {"keys": [{"kid": key.kid, "nbf": _epoch(key.created_at), "use": key.key_usage,
                      "kty": "RSA", "e": public["e"], "n": public["n"]}]}


def secret_value(name: str) -> str:
    """The secret of a Manual container (e.g. a REST API password).

    :raise PolicyKeyError: missing, or an RSA key (whose private part never leaves here).
    """
    key = _require(name)
    if key.key_type != "secret":
        raise PolicyKeyError(f"The policy key '{key.name}' is an RSA key, not a secret.")
    return _material(key)


# --- the portal's operations ------------------------------------------------------------------

def find(name: str) -> PolicyKey | None:
    return db.session.execute(
        sa.select(PolicyKey).filter_by(name_key=name.strip().lower())).scalars().first()


def all_keys() -> list[KeyInfo]:
    rows = db.session.execute(sa.select(PolicyKey).order_by(PolicyKey.name_key)).scalars()
    return [_info(row) for row in rows]


def info(name: str) -> KeyInfo | None:
    row = find(name)
    return _info(row) if row else None


def full_name(typed: str) -> str:
    """The container name B2C makes of what the admin typed: ``B2C_1A_`` + the name.

    Choice: a name typed with the prefix already is not prefixed twice (B2C's portal shows
    the prefix beside the field; attendees copying names from a policy often paste it).

    :raise PolicyKeyError: empty, invalid characters or too long.
    """
    typed = (typed or "").strip()
    if typed[:len(PREFIX)].lower() == PREFIX.lower():
        typed = typed[len(PREFIX):]
    if not typed:
        raise PolicyKeyError("Enter a name for the key container, e.g. TokenSigningKeyContainer.")
    if not _NAME.fullmatch(typed):
        bad = ", ".join(repr(c) for c in sorted({c for c in typed if not _NAME.fullmatch(c)}))
        raise PolicyKeyError(f"The name contains characters that are not allowed ({bad}): "
                             "use letters, digits, underscores and hyphens only.")
    name = PREFIX + typed
    if len(name) > MAX_NAME:
        raise PolicyKeyError(f"The name is too long: at most {MAX_NAME - len(PREFIX)} "
                             "characters after the B2C_1A_ prefix.")
    return name


def generate_rsa(typed_name: str, usage: str = "sig") -> KeyInfo:
    """Create container ``B2C_1A_<typed_name>`` with a new RSA 2048 key (caller commits)."""
    name = full_name(typed_name)
    _check_usage(usage)
    rsa = RSAKey.generate_key(2048, parameters={"use": usage})
    kid = rsa.thumbprint()  # RFC 7638: stable for the key, the kid shape B2C publishes
    pem = rsa.as_pem(private=True).decode()
    return _add(name, usage, "RSA", pem, kid)


def add_secret(typed_name: str, secret: str, usage: str = "sig") -> KeyInfo:
    """Create container ``B2C_1A_<typed_name>`` holding ``secret`` (caller commits)."""
    name = full_name(typed_name)
    _check_usage(usage)
    if not secret:
        raise PolicyKeyError("Enter the secret: it is the value the key container holds.")
    if len(secret) > MAX_SECRET:
        raise PolicyKeyError(f"The secret is too long: at most {MAX_SECRET} characters.")
    # A random kid, not a hash of the secret: a hash would let anyone who sees the kid test
    # guesses of a weak secret offline.
    return _add(name, usage, "secret", secret, secrets.token_urlsafe(32))


def delete(name: str) -> bool:
    """Remove the container (caller commits); False when there was none."""
    row = find(name)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


# --- internals --------------------------------------------------------------------------------

def _add(name: str, usage: str, key_type: str, material: str, kid: str) -> KeyInfo:
    if find(name) is not None:
        raise PolicyKeyError(_duplicate(name))
    row = PolicyKey(name=name, name_key=name.lower(), key_usage=usage, key_type=key_type,
                    material_encrypted=seal(material), kid=kid)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another worker created the same name between find and flush
        db.session.rollback()
        raise PolicyKeyError(_duplicate(name)) from None
    return _info(row)


def _duplicate(name: str) -> str:
    return (f"A key container named '{name}' already exists (names are compared without "
            "regard to case): choose another name or delete the existing one first.")


def _check_usage(usage: str) -> None:
    if usage not in KEY_USAGES:
        raise PolicyKeyError("Choose the key usage: Signature or Encryption.")


def _require(name: str) -> PolicyKey:
    row = find(name or "")
    if row is None:
        raise PolicyKeyError(f"The policy key '{name}' does not exist: create it under "
                             "Identity Experience Framework > Policy keys.")
    return row


def _material(key: PolicyKey) -> str:
    """The key's PEM or secret.  :raise PolicyKeyError: sealed under another SECRET_KEY."""
    try:
        return open_sealed(key.material_encrypted).decode()
    except ValueError:
        raise PolicyKeyError(f"The policy key '{key.name}' cannot be decrypted: SECRET_KEY "
                             "changed since it was made. Delete it and create it again "
                             "(policies that sign with it get a new kid).") from None


def _info(row: PolicyKey) -> KeyInfo:
    return KeyInfo(name=row.name, key_usage=row.key_usage, key_type=row.key_type, kid=row.kid,
                   created_at=row.created_at)


def _epoch(when: dt.datetime) -> int:
    return int(when.replace(tzinfo=dt.timezone.utc).timestamp())


@functools.lru_cache(maxsize=16)
def _import_rsa(pem: str, kid: str, usage: str) -> RSAKey:
    # Importing a private RSA key validates it (about 60 ms): once per key and process.  This
    # caches derived, immutable data; the database stays the source of truth for every worker.
    return RSAKey.import_key(pem, parameters={"kid": kid, "use": usage})


def policies_referencing(name: str) -> list[str]:
    """PolicyIds of the uploaded custom policies whose XML names container ``name`` in a
    ``StorageReferenceId`` (without regard to case, as B2C matches them), for the warning on
    Delete: a policy that references a deleted container stops working."""
    pattern = re.compile(r"StorageReferenceId\s*=\s*([\"'])\s*" + re.escape(name.strip())
                         + r"\s*\1", re.IGNORECASE)
    rows = db.session.execute(sa.select(CustomPolicy.policy_id, CustomPolicy.xml)
                              .order_by(CustomPolicy.policy_id_key))
    return [policy_id for policy_id, xml in rows if pattern.search(xml or "")]
