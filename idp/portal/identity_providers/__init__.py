"""Portal blade: Identity providers (local account types; social providers listed)."""
from flask import Blueprint

bp = Blueprint("identity_providers", __name__)

from . import views  # noqa: E402,F401
