"""Portal blade: Company branding (banner logo, background image, background colour)."""
from flask import Blueprint

bp = Blueprint("company_branding", __name__)

from . import views  # noqa: E402,F401
