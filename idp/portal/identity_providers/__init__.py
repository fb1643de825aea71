"""Portal blade: Identity providers (local account types, smart lockout, and the Facebook,
Google and OpenID Connect providers user flows tick)."""
from flask import Blueprint

bp = Blueprint("identity_providers", __name__)

from . import providers, views  # noqa: E402,F401
