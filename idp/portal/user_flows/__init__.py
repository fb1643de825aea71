"""Portal blade: User flows (list, New user flow, every per-flow page, Run user flow)."""
from flask import Blueprint

bp = Blueprint("user_flows", __name__)


@bp.context_processor
def _flow_type_labels():
    from .config import FLOW_TYPE_LABELS

    return {"flow_type_labels": FLOW_TYPE_LABELS}


from . import journey_tab, languages, tabs, views  # noqa: E402,F401
