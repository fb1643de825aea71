"""Company branding form (Flask-WTF: a CSRF token, a multipart upload)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Optional, Regexp, ValidationError

from ...store.branding import COLOR_RE, IMAGES, sniff_image


def _upload(field, kind: str) -> None:
    """Read an uploaded image into ``field.upload`` as (bytes, content type, file name).

    Refuses anything but PNG and JPEG, by the file's bytes (never its name or declared type),
    and files over the size B2C allows."""
    field.upload = None
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return
    _key, label, limit = IMAGES[kind]
    data = storage.read(limit + 1)
    if not data:
        raise ValidationError(f"The {label.lower()} file is empty.")
    if len(data) > limit:
        raise ValidationError(f"The {label.lower()} must be at most {limit // 1024} KB.")
    content_type = sniff_image(data)
    if content_type is None:
        if b"<svg" in data[:2048].lower() or storage.filename.lower().endswith(".svg"):
            raise ValidationError("SVG images are refused: an SVG can carry scripts. Upload "
                                  "a PNG or JPEG image.")
        raise ValidationError("Upload a PNG or JPEG image.")
    field.upload = (data, content_type, storage.filename)


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class CompanyBrandingForm(FlaskForm):
    """Azure AD B2C > Company branding: the three settings B2C honours (b2c-reference §6.4)."""

    banner_logo = FileField("Banner logo")
    remove_banner_logo = BooleanField("Remove the banner logo")
    background_image = FileField("Background image")
    remove_background_image = BooleanField("Remove the background image")
    background_color = StringField("Background color", filters=[_stripped], validators=[
        Optional(), Regexp(
            COLOR_RE, message="Enter a colour as #rrggbb, for example #0b3d91.")])

    def validate_banner_logo(self, field):
        _upload(field, "banner-logo")

    def validate_background_image(self, field):
        _upload(field, "background-image")
