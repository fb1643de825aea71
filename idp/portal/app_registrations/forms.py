"""App registrations forms (Flask-WTF: each carries a CSRF token).  Field labels are the Azure
portal's.  Rules that need the app registration (unique scope names, the platform's redirect
URI rules) run as inline validators on a form built with ``registration=``."""
from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...engine.redirect_uris import logout_url_problem, redirect_uri_problem
from ...extensions import db
from ...models import AppRegistration
from ...models._base import utcnow
from ...store.tenant import current_tenant
from ..common import choices
from . import helpers

SCOPE_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
ROLE_VALUE_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


class _RegistrationForm(FlaskForm):
    """A form about one app registration (``registration`` may be None when creating)."""

    def __init__(self, registration: AppRegistration | None = None, **kwargs):
        super().__init__(**kwargs)
        self.registration = registration


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _check_name(form, field):
    if field.data.strip().lower().startswith(helpers.EXTENSIONS_APP_PREFIX):
        raise ValidationError("This name is reserved for the b2c-extensions-app.")


class AppRegistrationForm(_RegistrationForm):
    """Register an application."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name."),
                                           Length(max=120), _check_name])
    supported_account_types = RadioField(
        "Supported account types", default="b2c",
        choices=choices([("single", helpers.ACCOUNT_TYPES["single"]),
                         ("b2c", helpers.ACCOUNT_TYPES["b2c"])]))
    platform = SelectField("Select a platform", default="web",
                           choices=choices(helpers.PLATFORM_LABELS.items()))
    redirect_uri = StringField("Redirect URI", validators=[Optional()],
                               filters=[lambda v: v.strip() if v else v])
    grant_admin_consent = BooleanField(
        "Grant admin consent to openid and offline_access permissions", default=True)

    def validate_redirect_uri(self, field):
        problem = redirect_uri_problem(field.data, self.platform.data)
        if problem:
            raise ValidationError(problem)


class BrandingForm(_RegistrationForm):
    """Branding & properties: the display name."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name."),
                                           Length(max=120)])

    def validate_name(self, field):
        if helpers.is_extensions_app(self.registration):
            raise ValidationError(f"The b2c-extensions-app cannot be renamed: "
                                  f"{helpers.EXTENSIONS_APP_NOTE}")
        _check_name(self, field)


class AuthenticationForm(_RegistrationForm):
    """Authentication: the platform, Front-channel logout URL, implicit grant."""

    platform = SelectField("Platform", choices=choices(helpers.PLATFORM_LABELS.items()))
    front_channel_logout_url = StringField("Front-channel logout URL", validators=[Optional()],
                                           filters=[lambda v: v.strip() if v else v])
    implicit_access_tokens = BooleanField("Access tokens (used for implicit flows)")
    implicit_id_tokens = BooleanField("ID tokens (used for implicit and hybrid flows)")

    def validate_platform(self, field):
        for uri in self.registration.redirect_uris or ():
            problem = redirect_uri_problem(uri, field.data)
            if problem:
                raise ValidationError(f"{uri}: {problem} Remove it before changing "
                                      "the platform.")

    def validate_front_channel_logout_url(self, field):
        problem = logout_url_problem(field.data)
        if problem:
            raise ValidationError(problem)


class RedirectUriForm(_RegistrationForm):
    """Authentication > Add URI."""

    redirect_uri = StringField("Redirect URI", filters=[lambda v: v.strip() if v else v])

    def validate_redirect_uri(self, field):
        problem = redirect_uri_problem(field.data or "", self.registration.platform,
                                       existing=self.registration.redirect_uris or ())
        if problem:
            raise ValidationError(problem)


class RemoveRedirectUriForm(_RegistrationForm):
    redirect_uri = HiddenField("Redirect URI")

    def validate_redirect_uri(self, field):
        if field.data not in (self.registration.redirect_uris or ()):
            raise ValidationError("This redirect URI is not registered on the app.")


class ClientSecretForm(_RegistrationForm):
    """Certificates & secrets > New client secret."""

    description = StringField("Description", validators=[Length(max=120)])
    expires = SelectField("Expires", default="180", choices=choices([
        ("180", "Recommended: 180 days (6 months)"), ("90", "90 days (3 months)"),
        ("365", "365 days (12 months)"), ("545", "545 days (18 months)"),
        ("730", "730 days (24 months)"), ("custom", "Custom")]))
    custom_end = DateField("End", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """The End date matters only for Custom (a field validator would skip an empty one)."""
        valid = super().validate(extra_validators)
        if self.expires.data == "custom" and not self.custom_end.errors:
            problem = self._custom_end_problem(self.custom_end.data)
            if problem:
                self.custom_end.errors = [*self.custom_end.errors, problem]
                return False
        return valid

    @staticmethod
    def _custom_end_problem(end: dt.date | None) -> str | None:
        today = utcnow().date()
        if end is None:
            return "Enter the end date of a custom expiry."
        if end <= today:
            return "The end date must be in the future."
        if end > today + dt.timedelta(days=helpers.MAX_SECRET_DAYS):
            return "A client secret can be valid for at most 24 months."
        return None


class AppIdUriForm(_RegistrationForm):
    """Expose an API > Application ID URI > Set."""

    app_id_uri = StringField("Application ID URI", validators=[
        DataRequired(message="Enter an Application ID URI."), Length(max=255)],
        filters=[lambda v: v.strip() if v else v])

    def validate_app_id_uri(self, field):
        domain = current_tenant().domain.lower()
        problem = redirect_uri_problem(field.data, "web", noun="Application ID URI")
        value = field.data.lower()
        if problem is None and not value.startswith(f"https://{domain}/"):
            problem = (f"The Application ID URI must use the tenant's domain: "
                       f"https://{domain}/<name>.")
        elif problem is None and (value.endswith("/") or "?" in value):
            problem = "The Application ID URI must not end with / or contain a query (?)."
        if problem:
            raise ValidationError(problem)
        taken = db.session.execute(db.select(AppRegistration.id).filter(
            db.func.lower(AppRegistration.app_id_uri) == value,
            AppRegistration.id != self.registration.id)).first()
        if taken:
            raise ValidationError("Another application already uses this Application ID URI.")


class ScopeForm(_RegistrationForm):
    """Expose an API > Add a scope."""

    value = StringField("Scope name", validators=[
        DataRequired(message="Enter a scope name."), Length(max=120)])
    admin_consent_display_name = StringField("Admin consent display name", validators=[
        DataRequired(message="Enter an admin consent display name."), Length(max=120)])
    admin_consent_description = TextAreaField("Admin consent description", validators=[
        DataRequired(message="Enter an admin consent description."), Length(max=500)])
    state = RadioField("State", default="Enabled",
                       choices=choices([("Enabled", "Enabled"), ("Disabled", "Disabled")]))

    def validate_value(self, field):
        if not self.registration.app_id_uri:
            raise ValidationError("Set the Application ID URI before adding a scope.")
        if not SCOPE_NAME_RE.match(field.data):
            raise ValidationError("A scope name may contain only letters, digits, "
                                  "dots (.), underscores (_) and hyphens (-).")
        if any(s["value"].lower() == field.data.lower()
               for s in self.registration.exposed_scopes or ()):
            raise ValidationError(f"The scope '{field.data}' already exists on this "
                                  "application: scope names must be unique.")


class ApiPermissionForm(_RegistrationForm):
    """API permissions > Add a permission > My APIs: one API and the scopes to add."""

    api = HiddenField("API", validators=[DataRequired()])
    scopes = MultiCheckboxField("Permissions", choices=[])

    def validate_scopes(self, field):
        if not field.data:
            raise ValidationError("Select at least one permission.")
        granted = {(p["resource_client_id"], p["value"])
                   for p in self.registration.api_permissions or ()}
        already = [s for s in field.data if (self.api.data, s) in granted]
        if already:
            raise ValidationError(f"Already added: {', '.join(already)}.")


class AppRoleForm(_RegistrationForm):
    """App roles > Create app role."""

    display_name = StringField("Display name", validators=[
        DataRequired(message="Enter a display name."), Length(max=120)])
    allowed_member_types = RadioField("Allowed member types", default="User",
                                      choices=choices(helpers.MEMBER_TYPE_LABELS.items()))
    value = StringField("Value", validators=[DataRequired(message="Enter a value."),
                                             Length(max=120)])
    description = TextAreaField("Description", validators=[
        DataRequired(message="Enter a description."), Length(max=500)])
    enabled = BooleanField("Do you want to enable this app role?", default=True)

    def validate_value(self, field):
        if not ROLE_VALUE_RE.match(field.data) or field.data.startswith("."):
            raise ValidationError("The value cannot contain spaces and cannot start with a "
                                  "dot (.).")
        if any(r["value"].lower() == field.data.lower()
               for r in self.registration.app_roles or ()):
            raise ValidationError(f"An app role with the value '{field.data}' already "
                                  "exists on this application.")


class AppRoleAssignmentForm(_RegistrationForm):
    """Users and groups > Add user/group: a directory user and one of the app's roles."""

    user = StringField("User", validators=[DataRequired(
        message="Enter the user's e-mail address or object ID.")])
    app_role = SelectField("Select a role", choices=[])

    def validate_user(self, field):
        if helpers.find_directory_user(field.data) is None:
            raise ValidationError("No user in the directory has this e-mail address or "
                                  "object ID.")

    def validate_app_role(self, field):
        user = helpers.find_directory_user(self.user.data or "")
        if user is not None and any(
                a.principal_id == user.object_id and a.app_role_id == field.data
                for a in helpers.assignments_of(self.registration)):
            raise ValidationError("This user already has this role.")
