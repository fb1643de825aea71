"""Password complexity as B2C's user-flow setting defines it (b2c-reference §5.2).

Enforced at sign-up, reset and change, never at sign-in.  The 72-byte ceiling is bcrypt's
(ASVS V2.1.3 says never truncate, so we refuse instead).
"""
from __future__ import annotations

from dataclasses import dataclass

from .strings import fill, text

SYMBOLS = set("@#$%^&*-_+=[]{}|\\:',.?/`~\"();! ")
BCRYPT_MAX_BYTES = 72


@dataclass(frozen=True)
class Complexity:
    level: str = "Strong"             # Simple | Strong | Custom
    character_set: str = "All"        # Custom only: All | Numbers only
    min_length: int = 8
    max_length: int = 64
    classes_required: int = 3         # of lowercase, uppercase, digit, symbol

    @classmethod
    def from_setting(cls, setting: dict | str | None) -> "Complexity":
        """Build from a flow's ``password_complexity`` property (a level name or a dict)."""
        if not setting or setting == "Strong":
            return cls()
        if setting == "Simple":
            return cls("Simple", classes_required=0)
        return cls("Custom", setting.get("character_set", "All"),
                   int(setting.get("min_length", 8)), int(setting.get("max_length", 64)),
                   int(setting.get("classes_required", 0)))


def _classes(password: str) -> int:
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in SYMBOLS for c in password),
    ))


def complexity_problem(password: str, rule: Complexity) -> tuple[str, tuple] | None:
    """What is wrong with ``password`` under ``rule`` as (StringId, its ``{0}``/``{1}``
    arguments), for the page to say in its language; None when it is fine."""
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        return "error_passwordTooLong", ()
    length = len(password)
    if rule.character_set == "Numbers only":
        if not password.isdigit() or not rule.min_length <= length <= rule.max_length:
            return "error_passwordDigits", (rule.min_length, rule.max_length)
        return None
    if not rule.min_length <= length <= rule.max_length:
        return "error_passwordLength", (rule.min_length, rule.max_length)
    if _classes(password) < rule.classes_required:
        return "error_passwordClasses", (rule.classes_required,)
    return None


def complexity_error(password: str, rule: Complexity) -> str | None:
    """Return the message (English) to show when ``password`` breaks ``rule``, or None."""
    problem = complexity_problem(password, rule)
    return fill(text(problem[0]), *problem[1]) if problem else None
