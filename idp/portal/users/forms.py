"""Forms of the Users blade: search, New user, Properties and Reset password.

Passwords an admin types are held to B2C's Strong rule (b2c-reference §5.2, the default of
every user flow), with the message :func:`idp.engine.passwords.complexity_error` gives.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ...engine.passwords import Complexity, complexity_error
from ...engine.self_asserted import EMAIL_RE
from ..common import choices

#: B2C user names: letters, digits and . - _ (no spaces, no @).
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
STRONG = Complexity()


class UserSearchForm(FlaskForm):
    """The list's search box and page number (GET: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=320)])
    page = IntegerField("Page", default=1, validators=[Optional()])


class _PasswordChoice:
    """Auto-generate or let me create, shared by New user and Reset password."""

    def validate_password(self, field):
        if self.password_mode.data != "custom":
            return
        if not field.data:
            raise ValidationError("Enter a password, or choose Auto-generate password.")
        message = complexity_error(field.data, STRONG)
        if message:
            raise ValidationError(message)


def _password_fields(label: str):
    mode = RadioField("Password", default="auto", choices=choices([
        ("auto", "Auto-generate password"), ("custom", "Let me create password")]))
    # No Optional(): it would stop the chain before validate_password sees an empty value.
    password = PasswordField(label, validators=[Length(max=256)])
    return mode, password


class DirectoryUserForm(_PasswordChoice, FlaskForm):
    """Users > New user > Create Azure AD B2C user."""

    sign_in_method = RadioField("Sign in method", default="emailAddress", choices=choices([
        ("emailAddress", "Email"), ("userName", "Username")]))
    email = StringField("Email", validators=[Length(max=256)])
    username = StringField("Username", validators=[Length(max=64)])
    display_name = StringField("Display name", validators=[
        InputRequired(message="Enter a display name."), Length(max=256)])
    given_name = StringField("Given name", validators=[Optional(), Length(max=64)])
    surname = StringField("Surname", validators=[Optional(), Length(max=64)])
    password_mode, password = _password_fields("Initial password")
    block_sign_in = RadioField("Block sign in", default="no",
                               choices=choices([("no", "No"), ("yes", "Yes")]))

    def sign_in_name(self) -> str:
        field = self.email if self.sign_in_method.data == "emailAddress" else self.username
        return (field.data or "").strip()

    def validate_email(self, field):
        if self.sign_in_method.data != "emailAddress":
            return
        value = (field.data or "").strip()
        if not value:
            raise ValidationError("Enter the user's email address.")
        if not EMAIL_RE.match(value):
            raise ValidationError(f"'{value}' is not a valid email address, e.g. "
                                  "jane@contoso.com.")

    def validate_username(self, field):
        if self.sign_in_method.data != "userName":
            return
        value = (field.data or "").strip()
        if not value:
            raise ValidationError("Enter a username.")
        if not USERNAME_RE.match(value):
            raise ValidationError("A username may contain only letters, digits and . - _ "
                                  "(no spaces or @), up to 64 characters.")


class PasswordResetForm(_PasswordChoice, FlaskForm):
    """User > Reset password."""

    password_mode, password = _password_fields("New password")


#: built-in properties the Properties page edits (Graph name, label, max length).
PROPERTY_FIELDS = (("jobTitle", "Job title", 128), ("streetAddress", "Street address", 1024),
                   ("city", "City", 128), ("state", "State or province", 128),
                   ("postalCode", "ZIP or postal code", 40), ("country", "Country or region", 64))


class UserPropertiesForm(FlaskForm):
    """User > Edit properties: the columns, then :data:`PROPERTY_FIELDS` and custom attributes
    (added per tenant by :func:`properties_form`)."""

    display_name = StringField("Display name", validators=[
        InputRequired(message="Enter a display name."), Length(max=256)])
    given_name = StringField("Given name", validators=[Optional(), Length(max=64)])
    surname = StringField("Surname", validators=[Optional(), Length(max=64)])


def _int_value(form, field):
    if field.data and not re.fullmatch(r"[+-]?\d{1,10}", field.data.strip()):
        raise ValidationError(f"{field.label.text} is an Int attribute: enter a whole number.")


def properties_form(custom: list[tuple[str, str]], **kwargs) -> UserPropertiesForm:
    """A :class:`UserPropertiesForm` with a field per built-in property and per custom
    attribute (``custom`` is ``[(claim, data_type)]``, claims like ``extension_Hobby``)."""
    fields = {name: StringField(label, validators=[Optional(), Length(max=size)])
              for name, label, size in PROPERTY_FIELDS}
    for claim, data_type in custom:
        label = claim[len("extension_"):]
        if data_type == "Boolean":
            fields[claim] = BooleanField(label)
        else:
            checks = [Optional(), Length(max=250)] + ([_int_value] if data_type == "Int" else [])
            fields[claim] = StringField(label, validators=checks)
    form_class = type("UserPropertiesForm", (UserPropertiesForm,), fields)
    return form_class(**kwargs)
