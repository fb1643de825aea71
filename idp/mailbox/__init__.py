"""The mailbox: every e-mail the tenant sent (verification codes), as HTML and JSON."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ..extensions import db
from ..models import MailMessage

bp = Blueprint("mailbox", __name__, url_prefix="/mailbox")
PAGE_SIZE = 50


def _messages(to: str | None, limit: int):
    query = db.select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if to:
        query = query.filter_by(to_address=to.strip().lower())
    return db.session.execute(query).scalars().all()


@bp.get("/")
def index():
    to = request.args.get("to") or None
    return render_template("mailbox/index.html", messages=_messages(to, PAGE_SIZE), to=to)


@bp.get("/messages.json")
def messages_json():
    """Newest first; ``?to=`` filters by recipient (case-insensitive)."""
    to = request.args.get("to") or None
    return jsonify([{"id": m.id, "to": m.to_address, "subject": m.subject, "body": m.body,
                     "code": m.code, "sent": m.created_at.isoformat() + "Z"}
                    for m in _messages(to, PAGE_SIZE)])
