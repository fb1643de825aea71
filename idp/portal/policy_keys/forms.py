"""Policy keys forms (Flask-WTF: each carries a CSRF token), labelled as the Azure portal's
"Create a key" page: Options, Name, Key type, Secret, Key usage.

Not offered: Upload (a certificate or PKCS12 file), Generate > Secret, and the activation and
expiration dates; B2C Lab keeps one key per container, active from its creation.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from ...models import KEY_USAGES
from ...store import policy_keys
from ...store.policy_keys import PolicyKeyError
from ..common import choices

OPTIONS = (("Generate", "Generate"), ("Manual", "Manual"))
KEY_TYPES = (("RSA", "RSA"),)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PolicyKeyForm(FlaskForm):
    """Add a policy key: Generate (an RSA key made here) or Manual (a secret you type)."""

    option = SelectField("Options", default="Generate", choices=choices(OPTIONS))
    name = StringField("Name", filters=[_strip])
    key_type = SelectField("Key type", default="RSA", choices=choices(KEY_TYPES))
    secret = PasswordField("Secret")
    key_usage = SelectField("Key usage", default="sig", choices=choices(KEY_USAGES.items()))

    def validate_name(self, field):
        """Sets ``full_name`` (with the B2C_1A_ prefix).  :raise ValidationError: empty,
        invalid characters, too long, or a container of that name exists (any case)."""
        try:
            self.full_name = policy_keys.full_name(field.data)
        except PolicyKeyError as problem:
            raise ValidationError(str(problem)) from None
        existing = policy_keys.find(self.full_name)
        if existing is not None:
            raise ValidationError(
                f"A key container named '{existing.name}' already exists (names are compared "
                "without regard to case): choose another name or delete that one first.")

    def validate_secret(self, field):
        if self.option.data != "Manual":
            return
        if not field.data:
            raise ValidationError("Enter the secret: the value the key container holds (for "
                                  "example the password your REST API expects).")
        if len(field.data) > policy_keys.MAX_SECRET:
            raise ValidationError(f"The secret is too long: at most {policy_keys.MAX_SECRET} "
                                  "characters.")
