"""Portal blade: User attributes (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("user_attributes", __name__)

from . import views  # noqa: E402,F401
