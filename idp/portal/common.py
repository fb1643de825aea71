"""Helpers every blade uses: the audit record of a portal change, and 404 for a missing row."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..store import audit


def audit_change(activity: str, category: str = "Directory", **details: Any) -> None:
    """Record a portal change ("Create user flow", "Update application"...) as the signed-in
    admin.  Written in the change's transaction: it commits with the change, or not at all."""
    audit.record(activity, category=category, initiated_by_admin=current_user.username,
                 **details)


def get_or_404(model, key):
    row = db.session.get(model, key)
    if row is None:
        abort(404)
    return row


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from ``(value, label)`` pairs (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]
