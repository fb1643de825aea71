"""Forms of B2C's "Facebook", "Google" and "New OpenID Connect provider" blades (Flask-WTF:
each carries a CSRF token; labels as on the Azure portal).

The client secret is a PasswordField: it is never rendered back.  On a provider's page an
empty secret keeps the stored one.  The metadata URL is checked by shape here and, on Save, by
fetching it (:mod:`.discovery`), so its error lands on the field with what is wrong.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ...models import IdentityProvider
from ...store.identity_providers import (DEFAULT_MAPPINGS, ISSUER_NAMES, list_providers,
                                        provider_named)
from ..common import choices
from .discovery import url_problem

RESPONSE_TYPES = [("code", "code"), ("id_token", "id_token")]
RESPONSE_MODES = [("form_post", "form_post"), ("query", "query")]
#: a claim name as providers spell them (letters, digits, _ - . : /)
CLAIM_NAME = Regexp(r"^[A-Za-z0-9_.:/\-]*$", message=(
    "A claim name has letters, digits and _ - . : / only, e.g. given_name."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SocialProviderForm(FlaskForm):
    """Facebook and Google (the practice providers): Name, Client ID, Client secret."""

    display_name = StringField("Name", filters=[_strip], validators=[
        DataRequired(message="Enter a name: it is the text of the sign-in button."),
        Length(max=120, message="The name is at most 120 characters.")])
    client_id = StringField("Client ID", filters=[_strip], validators=[
        DataRequired(message="Enter the client ID (on the provider's developer console; "
                             "Facebook calls it the App ID)."),
        Length(max=255, message="The client ID is at most 255 characters.")])
    client_secret = PasswordField("Client secret", filters=[_strip], validators=[
        Length(max=1024, message="The client secret is at most 1024 characters.")])

    def __init__(self, kind: str, provider: IdentityProvider | None = None, **kwargs):
        super().__init__(**kwargs)
        self.kind, self.provider = kind, provider

    @property
    def keeps_secret(self) -> bool:
        return bool(self.provider is not None and self.provider.client_secret_encrypted)

    def needs_secret(self) -> bool:
        return True

    def validate_display_name(self, field):
        other = provider_named(field.data)
        if other is not None and (self.provider is None or other.id != self.provider.id):
            raise ValidationError(f"An identity provider named '{other.display_name}' already "
                                  "exists. Choose another name.")

    def validate_client_secret(self, field):
        if not field.data and self.needs_secret() and not self.keeps_secret:
            raise ValidationError("Enter the client secret (on the provider's developer "
                                  "console; Facebook calls it the App secret).")


class OidcProviderForm(SocialProviderForm):
    """New OpenID Connect provider, with B2C's "Identity provider claims mapping"."""

    metadata_url = StringField("Metadata url", filters=[_strip], validators=[
        DataRequired(message="Enter the metadata URL: the provider's "
                             "/.well-known/openid-configuration document."),
        Length(max=2048, message="The metadata URL is at most 2048 characters.")])
    scope = StringField("Scope", default="openid profile", filters=[_strip], validators=[
        DataRequired(message="Enter the scope, at least openid."), Length(max=512)])
    response_type = SelectField("Response type", default="code", validate_choice=False,
                                choices=choices(RESPONSE_TYPES))
    response_mode = SelectField("Response mode", default="form_post", validate_choice=False,
                                choices=choices(RESPONSE_MODES))
    domain_hint = StringField("Domain hint", filters=[_strip], validators=[
        Optional(), Length(max=120, message="The domain hint is at most 120 characters."),
        Regexp(r"^[A-Za-z0-9.\-]+$", message="A domain hint is one word or domain, e.g. "
                                            "contoso.com, without spaces.")])
    map_user_id = StringField("User ID", default=DEFAULT_MAPPINGS["oidc"]["user_id"],
                              filters=[_strip], validators=[
        DataRequired(message="Enter the claim that holds the user's unique ID (usually sub)."),
        Length(max=120), CLAIM_NAME])
    map_display_name = StringField("Display name", default="name", filters=[_strip],
                                   validators=[Length(max=120), CLAIM_NAME])
    map_given_name = StringField("Given name", default="given_name", filters=[_strip],
                                 validators=[Length(max=120), CLAIM_NAME])
    map_surname = StringField("Surname", default="family_name", filters=[_strip],
                              validators=[Length(max=120), CLAIM_NAME])
    map_email = StringField("Email", default="email", filters=[_strip],
                            validators=[Length(max=120), CLAIM_NAME])

    def needs_secret(self) -> bool:
        # With response type id_token the ID token comes straight back from the authorize
        # request: no token call, so no secret (B2C's blade accepts it empty then).
        return self.response_type.data == "code"

    def validate_metadata_url(self, field):
        problem = url_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_domain_hint(self, field):
        """An app's ``domain_hint`` picks one provider: two may not answer to the same word."""
        hint = (field.data or "").lower()
        if not hint:
            return
        for other in list_providers():
            if self.provider is not None and other.id == self.provider.id:
                continue
            taken = ISSUER_NAMES.get(other.kind) or (other.domain_hint or "").lower()
            if taken == hint:
                raise ValidationError(f"The domain hint {field.data} already picks "
                                      f"'{other.display_name}'. Choose another one.")

    def validate_scope(self, field):
        if "openid" not in field.data.split():
            raise ValidationError("The scope must include openid (an OpenID Connect provider "
                                  "returns an ID token only for it), e.g. openid profile.")

    def validate_response_type(self, field):
        if field.data not in dict(RESPONSE_TYPES):
            raise ValidationError("Choose code or id_token.")

    def validate_response_mode(self, field):
        if field.data not in dict(RESPONSE_MODES):
            raise ValidationError("Choose form_post or query.")
        # B2C Lab's choice (B2C's own check is unverified): OAuth 2.0 Multiple Response Type
        # Encoding Practices forbid an ID token in the query string, where it ends in logs.
        if field.data == "query" and self.response_type.data == "id_token":
            raise ValidationError("Response type id_token needs response mode form_post: an "
                                  "ID token must not travel in the URL query.")

    def mapping(self) -> dict[str, str]:
        return {key: getattr(self, f"map_{key}").data or ""
                for key in DEFAULT_MAPPINGS["oidc"]}
