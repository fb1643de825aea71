"""Portal blade: App registrations (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("app_registrations", __name__)

from . import views  # noqa: E402,F401
