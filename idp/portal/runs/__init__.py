"""Portal blade: User flow runs (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("runs", __name__)

from . import views  # noqa: E402,F401
