"""Portal blade: Audit logs (placeholder until the blade is built)."""
from flask import Blueprint

bp = Blueprint("audit_logs", __name__)

from . import views  # noqa: E402,F401
