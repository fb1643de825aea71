"""Portal blade: User flows (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("user_flows", __name__)

from . import views  # noqa: E402,F401
