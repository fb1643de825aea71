"""Portal blade: Users (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("users", __name__)

from . import views  # noqa: E402,F401
