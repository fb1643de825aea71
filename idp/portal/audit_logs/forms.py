"""Forms of the Audit logs blade: the filter bar (GET, no CSRF: it changes nothing) and the
retention setting."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..common import choices

RETENTION_RANGE = (1, 365)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    activity = SelectField("Activity", choices=choices([("", "All")]), validate_choice=False)
    date_from = DateField("From (UTC)", validators=[Optional()])
    date_to = DateField("To (UTC)", validators=[Optional()])
    user = StringField("User", validators=[Optional()],
                       description="Object ID or sign-in name of the target user, or the admin "
                                   "who made the change")
    application = SelectField("Application", choices=choices([("", "All")]), validate_choice=False)
    user_flow = SelectField("User flow", choices=choices([("", "All")]), validate_choice=False)
    page = IntegerField("Page", default=1, validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self) -> dict:
        """The valid filters as plain values (a field with an error counts as unset)."""
        names = ("activity", "date_from", "date_to", "user", "application", "user_flow")
        values = {n: getattr(self, n).data for n in names if not getattr(self, n).errors}
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()
                if v not in (None, "") and not (isinstance(v, str) and not v.strip())}


class AuditRetentionForm(FlaskForm):
    retention_days = IntegerField("Audit log retention (days)", validators=[
        InputRequired(message="Enter a number of days from 1 to 365."),
        NumberRange(*RETENTION_RANGE, message="Enter a number of days from 1 to 365.")])
