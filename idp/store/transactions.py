"""User-flow transactions: created by /authorize, continued by the flow pages in any worker."""
from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import FlowTransaction
from ..models._base import utcnow
from .hashing import digest_matches, new_token, token_digest

COOKIE = "x-ms-cpim-trans"


def create_transaction(*, policy: str, client_id: str, request: dict, flow_config: dict,
                       state: dict, browser_cookie: str, lifetime: int) -> FlowTransaction:
    row = FlowTransaction(id=new_token(24), policy=policy, client_id=client_id,
                          browser_binding=token_digest(browser_cookie), request=request,
                          flow_config=flow_config, state=state, trace=[],
                          expires_at=utcnow() + dt.timedelta(seconds=lifetime))
    db.session.add(row)
    return row


def load_transaction(tx_id: str | None, browser_cookie: str | None) -> FlowTransaction | None:
    """The active run ``tx_id`` if it belongs to this browser and has not expired."""
    if not tx_id or not browser_cookie:
        return None
    row = db.session.get(FlowTransaction, tx_id)
    if (row is None or row.status != "active" or row.expires_at < utcnow()
            or not digest_matches(browser_cookie, row.browser_binding)):
        return None
    return row
