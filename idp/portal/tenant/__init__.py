"""Portal blade: Export and import (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("tenant", __name__)

from . import views  # noqa: E402,F401
