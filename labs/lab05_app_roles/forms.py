"""The lab app's Settings form: what the sample's appsettings.json holds
(``AzureAdB2C:AzureADAppRolesProviderClientId`` / ``...ClientSecret``,
``AppRoles:UserAttributeName``)."""
from __future__ import annotations

import re
import uuid

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SettingsForm(FlaskForm):
    client_id = StringField("Roles-provider application (client) ID", filters=[_strip],
                            validators=[DataRequired(message="Enter the application (client) "
                                                             "ID from the app's Overview.")])
    client_secret = PasswordField("Client secret value", filters=[_strip])
    user_attribute_name = StringField("User attribute name", filters=[_strip],
                                      default="extension_AppRoles")

    def __init__(self, *args, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret

    def validate_client_id(self, field):
        try:
            uuid.UUID(field.data)
        except ValueError:
            raise ValidationError("An application (client) ID is a GUID, such as "
                                  "00000000-0000-0000-0000-000000000000.") from None

    def validate_client_secret(self, field):
        if not field.data and not self.has_secret:
            raise ValidationError("Enter the client secret's Value (shown once, when it was "
                                  "created under Certificates & secrets).")

    def validate_user_attribute_name(self, field):
        if not re.fullmatch(r"extension_[A-Za-z][A-Za-z0-9_]*", field.data or ""):
            raise ValidationError("Use the claim name with its extension_ prefix, e.g. "
                                  "extension_AppRoles.")
