"""Forms of the User attributes blade."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ...models import DATA_TYPES
from ..common import choices

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,39}$")


class UserAttributeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter a name.")])
    data_type = SelectField("Data Type", choices=choices((t, t) for t in DATA_TYPES))
    description = TextAreaField("Description", validators=[Length(max=256)])

    def validate_name(self, field):
        if not NAME_RE.match(field.data.strip()):
            raise ValidationError(
                "The name must start with a letter and contain only letters and digits (no "
                "spaces, underscores or symbols), up to 40 characters, e.g. FavouriteColour.")
