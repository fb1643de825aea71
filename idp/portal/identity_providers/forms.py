"""Identity providers forms (Flask-WTF: each carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField
from wtforms.validators import AnyOf, NumberRange

from ..common import choices
from .local_accounts import LOCAL_ACCOUNT_TYPES


class LocalAccountForm(FlaskForm):
    """The tenant's default local account type for new user flows."""

    # validate_choice=False: AnyOf says which values are allowed, in the portal's words.
    default_local_account_type = RadioField(
        "Local account type for new user flows", validate_choice=False,
        choices=choices((key, label) for key, (label, _what) in LOCAL_ACCOUNT_TYPES.items()),
        validators=[AnyOf(list(LOCAL_ACCOUNT_TYPES), message=(
            "Choose Email signup, User ID signup or None."))])


class SmartLockoutForm(FlaskForm):
    """Custom smart lockout (B2C: Security > Authentication methods > Password protection)."""

    lockout_threshold = IntegerField("Lockout threshold", validators=[
        NumberRange(1, 50, message="The threshold must be a whole number from 1 to 50.")])
    lockout_duration_seconds = IntegerField("Lockout duration in seconds", validators=[
        NumberRange(5, 18000, message="The duration must be from 5 to 18000 seconds (5 hours)."
                    )])
