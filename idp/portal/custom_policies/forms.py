"""The Upload custom policy form (labels as on the Azure portal's upload pane)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from ...engine.ief.parse import MAX_BYTES

TOO_BIG = (f"The file is larger than {MAX_BYTES // 1024:,} KB, B2C's limit for one policy file. "
           "Split it into a base and an extension.")


class CustomPolicyUploadForm(FlaskForm):
    overwrite = BooleanField("Overwrite the custom policy if it already exists")
    file = FileField("Select a file to upload", validators=[
        FileRequired(message="Choose the policy's .xml file.")])
