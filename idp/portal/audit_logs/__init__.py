"""Portal blade: Audit logs (filtered list, directoryAudit detail, CSV download, retention)."""
from flask import Blueprint

bp = Blueprint("audit_logs", __name__)

from . import views  # noqa: E402,F401
