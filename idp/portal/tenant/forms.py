"""Export and import forms (Flask-WTF: each carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, RadioField

from ..common import choices

#: the largest file Import reads (the view refuses a bigger request before reading it).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
TOO_BIG = "The file is larger than 5 MB. Choose a tenant export made by Export."
MODES = {"replace": "Replace the configuration", "merge": "Merge"}


class ExportForm(FlaskForm):
    include_users = BooleanField("Include users")
    include_secrets = BooleanField("Include password hashes and client secret hashes")


class ImportForm(FlaskForm):
    file = FileField("Tenant configuration file", validators=[
        FileRequired(message="Choose the .json file that Export downloaded."),
        FileSize(MAX_IMPORT_BYTES, message=TOO_BIG)])
    mode = RadioField("Import mode", default="merge", choices=choices(MODES.items()))
    use_exported_tenant_id = BooleanField("Use the exported tenant ID")
