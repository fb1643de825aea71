"""Forms of the User flows blade (labels as on the Azure portal's Properties page)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, IntegerField, SelectField, SelectMultipleField,
                     StringField)
from wtforms.validators import DataRequired, NumberRange, ValidationError

from ...engine.languages import B2C_LANGUAGES, SUPPORTED
from ..common import choices
from .config import FLOW_TYPE_LABELS, name_problem

LOCAL_ACCOUNTS = [("email", "Email signup"), ("username", "User ID signup"), ("none", "None")]
#: the flow types whose sign-in page offers identity providers (B2C: password reset and ROPC
#: are local accounts only; profile editing signs in with any of them, never signs up)
FEDERATING_TYPES = ("signUpOrSignIn", "signUp", "signIn", "profileUpdate")
MFA_METHODS = [("email", "Email"), ("phone", "SMS or phone call"), ("sms", "SMS only"),
               ("call", "Phone call only"), ("totp", "Authenticator app - TOTP")]
MFA_ENFORCEMENT = [("off", "Off"), ("always", "Always on"), ("conditional", "Conditional")]


class NewUserFlowForm(FlaskForm):
    flow_type = SelectField("User flow type", choices=choices(list(FLOW_TYPE_LABELS.items())))
    name = StringField("Name", validators=[DataRequired(message="Enter a name.")])
    local_account_type = SelectField("Local accounts", choices=choices(LOCAL_ACCOUNTS))
    #: the tenant's providers (choices set by the view); only for FEDERATING_TYPES
    identity_providers = SelectMultipleField("Social identity providers",
                                             validate_choice=False)
    mfa_method = SelectField("Type of method", choices=choices(MFA_METHODS))
    mfa_enforcement = SelectField("MFA enforcement", choices=choices(MFA_ENFORCEMENT))

    def validate_name(self, field):
        problem = name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_identity_providers(self, field):
        known = {value for value, _label in field.choices or []}
        if any(value not in known for value in field.data or []):
            raise ValidationError("An identity provider ticked here no longer exists (deleted "
                                  "meanwhile?). Reload the page and tick again.")
        if (self.local_account_type.data == "none" and not field.data
                and self.flow_type.data in FEDERATING_TYPES):
            raise ValidationError("Local accounts None needs at least one identity provider "
                                  "ticked: otherwise the user flow has nothing to sign in with.")


class PropertiesForm(FlaskForm):
    token_lifetime_minutes = IntegerField(
        "Access & ID token lifetimes (minutes)", validators=[NumberRange(5, 1440)])
    refresh_token_lifetime_days = IntegerField(
        "Refresh token lifetime (days)", validators=[NumberRange(1, 90)])
    refresh_token_sliding_window = SelectField(
        "Refresh token sliding window lifetime", choices=choices([("Bounded", "Bounded"),
                                                          ("No expiry", "No expiry")]))
    refresh_token_sliding_window_days = IntegerField(
        "Lifetime length (days)", validators=[NumberRange(1, 365)])
    issuer_style = SelectField("Issuer (iss) claim", choices=choices([
        ("tenantId", "https://<domain>/<tenant id>/v2.0/"),
        ("tfp", "https://<domain>/tfp/<tenant id>/<user flow>/v2.0/")]))
    subject = SelectField("Subject (sub) claim", choices=choices([("objectId", "ObjectID")]))
    user_flow_claim = SelectField("Claim representing user flow",
                                  choices=choices([("tfp", "tfp"), ("acr", "acr")]))
    session_lifetime_minutes = IntegerField("Web app session lifetime (minutes)",
                                            validators=[NumberRange(15, 1440)])
    session_timeout = SelectField("Web app session timeout",
                                  choices=choices([("Rolling", "Rolling"), ("Absolute", "Absolute")]))
    sso_scope = SelectField("Single sign-on configuration", choices=choices([
        ("Tenant", "Tenant"), ("Application", "Application"), ("Policy", "Policy"),
        ("Suppressed", "Suppressed")]))
    require_id_token_in_logout = SelectField("Require ID Token in logout requests",
                                             choices=choices([("no", "No"), ("yes", "Yes")]))
    keep_me_signed_in = BooleanField("Enable keep me signed in session")
    keep_me_signed_in_days = IntegerField("Keep me signed in session (days)", default=7,
                                          validators=[NumberRange(1, 90)])
    password_complexity = SelectField("Password complexity", choices=choices([
        ("Simple", "Simple"), ("Strong", "Strong"), ("Custom", "Custom")]))
    custom_character_set = SelectField("Character set", choices=choices([
        ("All", "All"), ("Numbers only", "Numbers only")]))
    custom_min_length = IntegerField("Minimum length", default=8,
                                     validators=[NumberRange(4, 256)])
    custom_max_length = IntegerField("Maximum length", default=64,
                                     validators=[NumberRange(4, 256)])
    custom_classes_required = SelectField("Character classes", choices=choices([
        ("2", "2 of 4"), ("3", "3 of 4"), ("4", "4 of 4")]), default="2")
    self_service_password_reset = BooleanField("Self-service password reset")
    mfa_method = SelectField("Type of method", choices=choices(MFA_METHODS))
    mfa_enforcement = SelectField("MFA enforcement", choices=choices(MFA_ENFORCEMENT))
    javascript_enabled = BooleanField("Enable JavaScript enforcing page layout")

    def validate_custom_max_length(self, field):
        if (self.password_complexity.data == "Custom" and field.data
                and self.custom_min_length.data and field.data < self.custom_min_length.data):
            raise ValidationError("The maximum length must be at least the minimum length.")

    def validate_refresh_token_sliding_window_days(self, field):
        if (field.data and self.refresh_token_lifetime_days.data
                and field.data < self.refresh_token_lifetime_days.data):
            raise ValidationError("The lifetime length must be at least the refresh token "
                                  "lifetime.")


class RunUserFlowForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing: it only builds a URL

    application = SelectField("Application", validate_choice=False)
    reply_url = SelectField("Reply URL", validate_choice=False)
    response_type = SelectField("Response type", default="id_token", choices=choices([
        ("id_token", "id_token (as B2C's Run user flow does)"),
        ("code", "code with PKCE")]))
    prompt_login = BooleanField("prompt=login", default=True)
    login_hint = StringField("login_hint")
    ui_locales = StringField("ui_locales")


class LanguagesForm(FlaskForm):
    """User flow > Languages: the switch, the enabled languages and the default."""

    enabled = BooleanField("Enable language customization")
    enabled_languages = SelectMultipleField("Enabled languages", choices=choices(
        [(code, B2C_LANGUAGES[code]) for code in SUPPORTED]))
    default_language = SelectField("Default language", choices=choices(
        [(code, f"{B2C_LANGUAGES[code]} ({code})") for code in SUPPORTED]))

    def validate_default_language(self, field):
        if field.data not in (self.enabled_languages.data or ()):
            raise ValidationError("The default language must be one of the enabled languages.")


class LocalizedStringsForm(FlaskForm):
    """Upload overrides: one page-level resources file (LocalizedStrings JSON)."""

    file = FileField("Overrides file (JSON)", validators=[
        FileRequired("Choose a JSON file (start from Download defaults).")])



class FlowIdentityProvidersForm(FlaskForm):
    """User flow > Identity providers: the local account type and a tick per configured
    provider (its choices are the tenant's providers, set by the view)."""

    local_account_type = SelectField("Local accounts", validate_choice=False,
                                     choices=choices(LOCAL_ACCOUNTS))
    identity_providers = SelectMultipleField("Social identity providers",
                                             validate_choice=False)

    def validate_local_account_type(self, field):
        if field.data not in dict(LOCAL_ACCOUNTS):
            raise ValidationError("Choose Email signup, User ID signup or None.")
        if field.data == "none" and not self.identity_providers.data:
            raise ValidationError("None needs at least one identity provider ticked below: "
                                  "otherwise the user flow has nothing to sign in with.")

    def validate_identity_providers(self, field):
        known = {value for value, _label in self.identity_providers.choices or []}
        unknown = [value for value in field.data or [] if value not in known]
        if unknown:
            raise ValidationError("An identity provider ticked here no longer exists (deleted "
                                  "meanwhile?). Reload the page and tick again.")
