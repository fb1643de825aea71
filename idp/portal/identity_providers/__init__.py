"""Portal blade: Identity providers (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("identity_providers", __name__)

from . import views  # noqa: E402,F401
