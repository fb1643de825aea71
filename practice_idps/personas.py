"""The people who "have an account" at a practice provider.

Three seeded personas per provider, chosen so that claims mapping shows: the providers name the
same facts differently (Facebook ``first_name``, Google ``given_name``), a display name need not
be "given surname" (Chen Wei), and a Facebook account may have no e-mail at all (one made with
a phone number, which Facebook allows), so B2C's sign-up page has to ask for it.

A persona's id is derived from the provider and its e-mail (or phone), so it is the same on
every machine and every run: the same person typed again is the same account, as at the real
provider.  A new persona is never stored; it travels inside the signed code and token.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def persona_id(kind: str, key: str) -> str:
    """Facebook's app-scoped ids are 16 or 17 digits, Google's ``sub`` 21: shaped alike here."""
    digest = int.from_bytes(hashlib.sha256(f"{kind}:{key.lower()}".encode()).digest(), "big")
    length = 16 if kind == "facebook" else 21
    return "1" + str(digest)[:length - 1]


@dataclass(frozen=True)
class Persona:
    """One account at the provider, in neutral words; each provider names the claims its way."""

    id: str
    given_name: str
    family_name: str
    name: str
    email: str | None
    email_verified: bool = True

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Persona":
        return cls(**{key: data.get(key) for key in
                      ("id", "given_name", "family_name", "name", "email")},
                   email_verified=bool(data.get("email_verified", True)))


def new_persona(kind: str, given_name: str, family_name: str, email: str) -> Persona:
    """A persona typed on the sign-in page.

    :raise ValueError: naming the field to fix when one is empty or the e-mail is malformed.
    """
    given_name, family_name, email = given_name.strip(), family_name.strip(), email.strip()
    if not given_name:
        raise ValueError("Enter a first name.")
    if not family_name:
        raise ValueError("Enter a last name.")
    if not EMAIL.match(email):
        raise ValueError("Enter an e-mail address such as ana@example.com.")
    return Persona(persona_id(kind, email), given_name, family_name,
                   f"{given_name} {family_name}", email)


def _seed(kind: str, given: str, family: str, email: str | None, name: str | None = None,
          key: str | None = None) -> Persona:
    return Persona(persona_id(kind, key or email), given, family, name or f"{given} {family}",
                   email)


SEEDED: dict[str, tuple[Persona, ...]] = {
    "facebook": (
        _seed("facebook", "Mateo", "Rossi", "mateo.rossi@example.com"),
        _seed("facebook", "Aiko", "Tanaka", "aiko.tanaka@example.com"),
        # Signed up at Facebook with a phone number: no e-mail to share.
        _seed("facebook", "Jordan", "Lee", None, key="phone:+15550100123"),
    ),
    "google": (
        _seed("google", "Priya", "Raman", "priya.raman@example.org"),
        # Family name first in the display name: name is not "given_name family_name".
        _seed("google", "Wei", "Chen", "chen.wei@example.org", name="Chen Wei"),
        _seed("google", "Sofía", "García López", "sofia.garcia@example.org"),
    ),
}


def seeded(kind: str, number: int) -> Persona:
    """Seeded persona ``number`` (1-based, the ``persona-<n>`` button).

    :raise LookupError: when there is no such persona.
    """
    personas = SEEDED[kind]
    if not 1 <= number <= len(personas):
        raise LookupError(number)
    return personas[number - 1]
