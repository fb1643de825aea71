"""Portal blade: User flows (list, New user flow, every per-flow page, Run user flow)."""
from flask import Blueprint

bp = Blueprint("user_flows", __name__)

from . import languages, tabs, views  # noqa: E402,F401
