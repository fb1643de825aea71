"""Reading the audit log for the blade: filters, one page, the activity list, the CSV stream.

Built to stay fast at 100,000 records (bench/portal.py measures it): every filter is on an
indexed column, pages are ``ORDER BY activity_time DESC, id DESC LIMIT 51 OFFSET n`` (the 51st
row only says whether there is a next page, so no COUNT over the table), the activity list is
a loose index scan, and the download walks the time index in keyset batches.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from ...engine.scopes import GUID_RE
from ...extensions import db
from ...models import AuditRecord
from ..users.queries import find_by_sign_in_name

PAGE_SIZE = 50
MAX_PAGE = 10_000
BATCH = 1000
ORDER = (AuditRecord.activity_time.desc(), AuditRecord.id.desc())
CSV_FIELDS = (AuditRecord.id, AuditRecord.activity_time, AuditRecord.activity,
              AuditRecord.category, AuditRecord.result, AuditRecord.result_reason,
              AuditRecord.initiated_by_admin, AuditRecord.target_user_id, AuditRecord.app_id,
              AuditRecord.policy, AuditRecord.correlation_id)
#: the distinct activities, one index probe each (a loose index scan, SQLite and PostgreSQL).
DISTINCT_ACTIVITIES = sa.text("""
WITH RECURSIVE a(name) AS (
  SELECT MIN(activity) FROM audit_record
  UNION ALL
  SELECT (SELECT MIN(activity) FROM audit_record WHERE activity > a.name) FROM a
  WHERE a.name IS NOT NULL)
SELECT name FROM a WHERE name IS NOT NULL""")


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    page: int
    has_next: bool


def _user_condition(value: str, issuer: str):
    """A target user's object id or sign-in name, or the name of the admin who acted."""
    if GUID_RE.match(value):
        return AuditRecord.target_user_id == value.lower()
    object_id = find_by_sign_in_name(issuer, value)
    if object_id:
        return sa.or_(AuditRecord.target_user_id == object_id,
                      AuditRecord.initiated_by_admin == value)
    return AuditRecord.initiated_by_admin == value


def conditions(filters: dict, issuer: str) -> list:
    """SQL conditions for the filter bar's values (see ``AuditFilterForm.filters``)."""
    where = []
    if "activity" in filters:
        where.append(AuditRecord.activity == filters["activity"])
    if "date_from" in filters:
        where.append(AuditRecord.activity_time >= dt.datetime.combine(filters["date_from"],
                                                                      dt.time()))
    if "date_to" in filters:
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time())
        where.append(AuditRecord.activity_time < end)
    if "user" in filters:
        where.append(_user_condition(filters["user"], issuer))
    if "application" in filters:
        where.append(AuditRecord.app_id == filters["application"])
    if "user_flow" in filters:
        where.append(AuditRecord.policy == filters["user_flow"])
    return where


def page_of(where: list, page: int) -> AuditPage:
    """Page ``page`` (from 1) of the records matching ``where``, newest first."""
    page = min(max(1, page), MAX_PAGE)
    rows = db.session.execute(
        sa.select(AuditRecord).where(*where).order_by(*ORDER)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).scalars().all()
    return AuditPage(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE)


def activities() -> list[str]:
    return list(db.session.execute(DISTINCT_ACTIVITIES).scalars())


def stream_rows(where: list) -> Iterator[sa.Row]:
    """Every matching record, newest first, fetched :data:`BATCH` at a time by keyset (so a
    large download never holds the whole log in memory)."""
    last = None
    while True:
        query = sa.select(*CSV_FIELDS).where(*where)
        if last is not None:
            query = query.where(AuditRecord.activity_time <= last.activity_time, sa.or_(
                AuditRecord.activity_time < last.activity_time, AuditRecord.id < last.id))
        rows = db.session.execute(query.order_by(*ORDER).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1]
