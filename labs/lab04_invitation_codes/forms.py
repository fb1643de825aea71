"""The lab app's forms: Settings, a new invitation, a user's row on the Users page."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (HiddenField, IntegerField, PasswordField, RadioField, SelectField,
                     StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, \
    ValidationError

from .invitations import COMPANY_ADMIN, COMPANY_USER, GLOBAL_ADMIN

GUID = r"^\s*[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\s*$"
ROLE_HELP = {COMPANY_USER: "can sign in but cannot manage users",
             COMPANY_ADMIN: "can manage users for their own company",
             GLOBAL_ADMIN: "can manage all users for all companies"}


class SettingsForm(FlaskForm):
    user_flow = StringField("User flow", validators=[
        DataRequired(), Regexp(r"^B2C_1_\w{1,60}$", message="A user flow name starts with "
                                                            "B2C_1_, e.g. B2C_1_lab04.")])
    client_id = StringField("Application (client) ID", validators=[
        DataRequired(), Regexp(GUID, message="Paste the Application (client) ID from the app "
                                             "registration's Overview: a GUID.")])
    client_secret = PasswordField("Client secret", validators=[Length(max=200)])
    extensions_app_client_id = StringField("b2c-extensions-app client ID", validators=[
        DataRequired(), Regexp(GUID, message="Paste the client ID of the b2c-extensions-app "
                                             "(App registrations, or User attributes): a "
                                             "GUID.")])
    connector_username = StringField("API connector username", validators=[
        DataRequired(), Length(max=100)])
    connector_password = PasswordField("API connector password",
                                       validators=[Length(max=200)])

    def __init__(self, *args, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = stored

    def validate_client_secret(self, field):
        if not field.data and not (self.stored and self.stored.client_secret):
            raise ValidationError("Paste the client secret's Value (shown once, when you "
                                  "added it under Certificates & secrets).")

    def validate_connector_password(self, field):
        if not field.data and not (self.stored and self.stored.connector_password):
            raise ValidationError("Type the password you gave the API connector.")


class InvitationForm(FlaskForm):
    role = RadioField("Role", default=COMPANY_USER,
                      choices=[SelectChoice(r, f"{r}: {ROLE_HELP[r]}")
                               for r in (COMPANY_USER, COMPANY_ADMIN, GLOBAL_ADMIN)])
    company_id = StringField("Company", validators=[
        Optional(), Length(max=100),
        Regexp(r"^[^'\"<>]*$", message="A company identifier has no quotes or angle "
                                       "brackets.")])
    valid_hours = IntegerField("Validity period (hours)", default=24, validators=[
        DataRequired(message="Enter a number of hours."),
        NumberRange(1, 24 * 365, message="Between 1 and 8760 hours.")])


class UserForm(FlaskForm):
    """One row of the Users page (the inputs sit in table cells, tied by ``form=``)."""

    id = HiddenField(validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=256)])
    company_id = StringField("Company", validators=[Optional(), Length(max=100)])
    role = SelectField("Role", choices=[COMPANY_USER, COMPANY_ADMIN, GLOBAL_ADMIN])


class DeleteForm(FlaskForm):
    """A POST-only delete button (CSRF token only)."""


def clean_guid(value: str) -> str:
    return re.sub(r"\s+", "", value or "").lower()
