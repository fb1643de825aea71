"""SQLite settings for several processes on one file: WAL and a busy timeout, so a second
worker waits for a lock instead of failing with "database is locked"; ``synchronous=NORMAL``,
the setting SQLite recommends with WAL, so a commit does not wait for the disk; and one
writing transaction at a time per process (:func:`_one_writer_at_a_time`)."""
from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import event

from ..extensions import db

BUSY_TIMEOUT_MS = 10000
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HOLDS = "b2clab_write_lock"  # key in a pooled connection's info: it holds the writer lock


def configure_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    in_memory = ":memory:" in app.config["SQLALCHEMY_DATABASE_URI"] or \
        app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit costs
            # microseconds instead of an fsync (bench/results.md).  A crash of the process
            # loses nothing; a power cut may lose the last commits, never consistency.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    if not in_memory:  # an in-memory database is one connection: nothing to order
        _one_writer_at_a_time(engine)


def _one_writer_at_a_time(engine) -> None:
    """Make this process's threads take turns at writing.

    SQLite has one writer at a time.  A thread that finds the write lock taken waits in
    SQLite's busy handler, which sleeps 1, 2, 5, 10 ... up to 100 ms between tries, so under
    load (waitress runs several threads) writers slept far longer than the writes took and token
    requests had second-long tails (bench/results.md).  Here a transaction takes a process lock
    at its first INSERT, UPDATE or DELETE and gives it back at commit or rollback: the next
    writer starts the moment the lock is free.  Reads never take it.  Other processes (gunicorn
    workers, a second instance) still meet at SQLite's own lock, as before.  A thread that
    already holds the lock through another connection does not wait for itself, and nobody
    waits longer than the busy timeout: after it, SQLite decides, as it did without this.
    """
    lock = threading.Lock()
    owner: list[int | None] = [None]

    @event.listens_for(engine, "before_cursor_execute")
    def _take(conn, _cursor, statement, _parameters, _context, _executemany):
        if conn.info.get(_HOLDS) or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        me = threading.get_ident()
        if owner[0] == me:
            return
        if lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            owner[0] = me
            conn.info[_HOLDS] = True

    def _give_back(info: dict) -> None:
        if info.pop(_HOLDS, False):
            owner[0] = None
            lock.release()

    event.listen(engine, "commit", lambda conn: _give_back(conn.info))
    event.listen(engine, "rollback", lambda conn: _give_back(conn.info))
    # A connection dropped or returned without either (an error) must not keep the lock.
    event.listen(engine, "checkin", lambda _dbapi, record: _give_back(record.info))
    event.listen(engine, "invalidate", lambda _dbapi, record, _exc: _give_back(record.info))
