"""Column helpers shared by the models."""
from __future__ import annotations

import datetime as dt
import uuid


def utcnow() -> dt.datetime:
    """Naive UTC now: SQLite has no time zones, so every timestamp is stored as naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_guid() -> str:
    return str(uuid.uuid4())
