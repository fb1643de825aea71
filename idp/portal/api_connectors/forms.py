"""API connectors forms (Flask-WTF: each carries a CSRF token).  Field labels are the Azure
portal's.  Which credential fields are required depends on the authentication type, and on
whether the connector already holds a secret of that type, so :class:`ApiConnectorForm` checks
them in ``validate`` and opens an uploaded .pfx there (its error goes on the upload field).
"""
from __future__ import annotations

import json
import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ...engine.connectors import STEP_LABELS, STEPS
from ...extensions import db
from ...models import AUTH_TYPES, ApiConnector
from ...store.connector_client import endpoint_problem
from ..common import choices
from .credentials import Certificate, has_stored_secret, read_pfx

MAX_PFX_BYTES = 64 * 1024
#: an HTTP header name (RFC 9110 §5.1 token)
HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
#: a header value we can send as is: visible ASCII and inner spaces (no CR/LF)
HEADER_VALUE_RE = re.compile(r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$")
RETRIES = [(1, "1 (B2C's default: a second attempt when the first gets no answer)"),
           (0, "0 (one attempt only)")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ApiConnectorForm(FlaskForm):
    """New API connector and the connector's page (``connector`` is None when creating)."""

    display_name = StringField("Display name", filters=[_strip], validators=[
        DataRequired(message="Enter a display name."), Length(max=120)])
    endpoint_url = StringField("Endpoint URL", filters=[_strip], validators=[
        DataRequired(message="Enter the endpoint URL."), Length(max=2048)])
    auth_type = SelectField("Authentication type", default="basic",
                            choices=choices(AUTH_TYPES.items()))
    username = StringField("Username", filters=[_strip], validators=[Length(max=255)])
    password = PasswordField("Password")
    certificate = FileField("Certificate (.pfx file)", validators=[
        FileSize(MAX_PFX_BYTES, message="The .pfx file is larger than 64 KB.")])
    certificate_password = PasswordField("Certificate password")
    api_key_header = StringField("Header name", filters=[_strip], validators=[Length(max=120)])
    api_key = PasswordField("Header value")
    bearer_token = PasswordField("Token")
    timeout_seconds = IntegerField("Timeout in seconds", default=5, validators=[
        InputRequired(message="Enter a timeout from 1 to 30 seconds."),
        NumberRange(1, 30, message="Enter a timeout from 1 to 30 seconds.")])
    retries = SelectField("Retries", default=1, coerce=int, choices=choices(RETRIES))

    def __init__(self, connector: ApiConnector | None = None, **kwargs):
        super().__init__(**kwargs)
        self.connector = connector
        #: the .pfx uploaded with this submission, once it opened
        self.opened_certificate: Certificate | None = None

    def validate_display_name(self, field):
        query = db.select(ApiConnector.id).where(
            db.func.lower(ApiConnector.display_name) == field.data.lower())
        if self.connector is not None:
            query = query.where(ApiConnector.id != self.connector.id)
        if db.session.execute(query).first():
            raise ValidationError(f"An API connector named '{field.data}' already exists.")

    def validate_endpoint_url(self, field):
        problem = endpoint_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        check = getattr(self, f"_check_{self.auth_type.data}", None)
        if check is not None:
            check(has_stored_secret(self.connector, self.auth_type.data))
        return valid and not any(f.errors for f in self._fields.values())

    def _require(self, field, keep: bool, message: str) -> None:
        if not field.data and not keep:
            field.errors.append(message)

    def _check_basic(self, keep: bool) -> None:
        if not self.username.data:
            self.username.errors.append("Enter the username B2C sends.")
        elif ":" in self.username.data:
            self.username.errors.append("A Basic authentication username cannot contain ':'.")
        self._require(self.password, keep, "Enter the password B2C sends.")
        for field in (self.username, self.password):
            if field.data and not _latin1(field.data):
                field.errors.append(f"The {field.label.text.lower()} can only use Latin-1 "
                                    "characters: Basic authentication sends it that way.")

    def _check_apikey(self, keep: bool) -> None:
        if not HEADER_NAME_RE.match(self.api_key_header.data or ""):
            self.api_key_header.errors.append(
                "Enter a header name: letters, digits and - (e.g. x-functions-key).")
        self._require(self.api_key, keep, "Enter the value of the header.")
        if self.api_key.data and not HEADER_VALUE_RE.match(self.api_key.data):
            self.api_key.errors.append("The value can only use visible ASCII characters and "
                                       "spaces between them.")

    def _check_bearer(self, keep: bool) -> None:
        self._require(self.bearer_token, keep, "Enter the token.")
        if self.bearer_token.data and not HEADER_VALUE_RE.match(self.bearer_token.data):
            self.bearer_token.errors.append("The token can only use visible ASCII characters.")

    def _check_certificate(self, keep: bool) -> None:
        upload = self.certificate.data
        if not upload or not getattr(upload, "filename", ""):
            self._require(self.certificate, keep, "Choose the .pfx file to upload.")
            if self.certificate_password.data and keep:
                self.certificate.errors.append("Choose the .pfx file this password opens.")
            return
        if self.certificate.errors:  # too large
            return
        try:
            self.opened_certificate = read_pfx(upload.read(MAX_PFX_BYTES + 1),
                                               self.certificate_password.data or "")
        except ValueError as problem:
            target = self.certificate_password if str(problem).startswith(
                "The certificate could not be opened") else self.certificate
            target.errors.append(str(problem))


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


class ConnectorTestForm(FlaskForm):
    """Test connector: the step to judge the answer as, and the request body to send."""

    step = SelectField("Step", default="PostAttributeCollection",
                       choices=choices((s, f"{STEP_LABELS[s]} ({s})") for s in STEPS))
    body = TextAreaField("Request body (JSON)", validators=[
        DataRequired(message="Enter the JSON body to send."),
        Length(max=64 * 1024, message="The request body is larger than 64 KB.")])

    def validate_body(self, field):
        """Parses the body into ``parsed_body``.  :raise ValidationError: not a JSON object."""
        try:
            data = json.loads(field.data)
        except json.JSONDecodeError as bad:
            raise ValidationError(f"The request body is not valid JSON: {bad.msg} (line "
                                  f"{bad.lineno}, column {bad.colno}).") from None
        except RecursionError:
            raise ValidationError("The request body is nested too deeply.") from None
        if not isinstance(data, dict):
            raise ValidationError("The request body must be a JSON object ({ ... }), like the "
                                  "sample.")
        self.parsed_body = data
