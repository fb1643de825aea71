"""Rows inserted when the session commits: one Core INSERT per table, at the start of the
commit, on the session's own connection and transaction.

The token endpoint writes an audit record per token and a refresh token per rotation.  Added
as ORM objects they went through the unit of work's flush, and an INSERT made before the
tokens were signed made the request hold SQLite's one write lock through the signatures
(``idp/store/sqlite.py``; bench/results.md).  Rows given here are written at the start of the
commit, before the ORM's own flush, and without the ORM: a request's write lock lasts from its
first write to the commit, never through its signatures.  So a row given here must not refer
to a row still pending in the ORM (these tables have no foreign keys).

A row belongs to the caller's unit of work: it is dropped when the transaction rolls back or
the session closes.  An ORM SELECT, UPDATE or DELETE that names a mapped class whose table has
rows waiting writes them first, so the transaction reads and changes what it added; a Core or
text statement on the table (or a SELECT that only counts from it) does not see them.
Savepoints are not followed: releasing one writes what is waiting, and a row added inside one
that rolls back is still written (the code uses none).  Column defaults (``default=``) apply
as they do to any Core INSERT; rows of one table with different keys are written in one
INSERT per set of keys.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_KEY = "b2clab_inserts_at_commit"  # in session.info: {table: [row, ...]}, in order of adding
_INSERTS: dict[sa.Table, sa.Insert] = {}  # built once per table (see idp/store/tenant.py)


def insert(table: sa.Table, row: dict[str, Any]) -> None:
    """INSERT ``row`` into ``table`` when the current session commits."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # no connection yet: a unit of work its rollback can end
    session.info.setdefault(_KEY, {}).setdefault(table, []).append(row)


def _write(session: Session, tables=None) -> None:
    waiting: dict[sa.Table, list[dict]] | None = session.info.get(_KEY)
    if not waiting:
        return
    connection = session.connection()
    for table in [t for t in waiting if tables is None or t in tables]:
        rows = waiting.pop(table)
        if table not in _INSERTS:
            _INSERTS[table] = table.insert()
        by_keys: dict[frozenset, list[dict]] = {}
        for row in rows:
            by_keys.setdefault(frozenset(row), []).append(row)
        for same in by_keys.values():
            connection.execute(_INSERTS[table], same)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed: its rows go with it
        session.info.pop(_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _before_orm_statement(state) -> None:
    waiting = state.session.info.get(_KEY)
    if waiting and (state.is_select or state.is_update or state.is_delete):
        tables = {mapper.local_table for mapper in state.all_mappers} & waiting.keys()
        if tables:
            _write(state.session, tables)
