"""SQLite settings for several processes on one file: WAL and a busy timeout, so a second
worker waits for a lock instead of failing with "database is locked"; ``synchronous=NORMAL``,
the setting SQLite recommends with WAL, so a commit does not wait for the disk; and one
writing transaction at a time, across threads and processes (:func:`_one_writer_at_a_time`)."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

try:
    import fcntl
except ImportError:  # Windows: this process's threads take turns, processes meet in SQLite
    fcntl = None

from flask import Flask
from sqlalchemy import event

from ..extensions import db

BUSY_TIMEOUT_MS = 10000
#: ``UPDATE ... RETURNING`` spends a refresh token in one statement (idp/store/grants.py).
#: Python 3.11's own builds for Windows and macOS bring 3.39 or newer.
MIN_SQLITE = (3, 35)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def configure_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise RuntimeError(
            f"B2C Lab needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer, and this Python "
            f"has SQLite {sqlite3.sqlite_version}. Use a newer Python (python.org's installers "
            "bring a recent SQLite) or a PostgreSQL database (DATABASE_URL).")
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
        _one_writer_at_a_time(engine, _ProcessLock.beside(engine.url.database))


def _one_writer_at_a_time(engine, between_processes: "_ProcessLock | None" = None) -> None:
    """Make writers take turns: this process's threads, and processes on the same file.

    SQLite has one writer at a time.  A writer that finds the write lock taken waits in
    SQLite's busy handler, which sleeps 1, 2, 5, 10 ... up to 100 ms between tries, so under
    load writers slept far longer than the writes took and token requests had tails of a
    tenth of a second and more (bench/results.md).  Here a transaction takes a thread lock and
    then a lock on a file beside the database at its first INSERT, UPDATE or DELETE, and gives
    both back once SQLite has committed or rolled back: the next writer of this process starts
    the moment the lock is free, and one of another process (granian or gunicorn workers)
    within a fraction of a millisecond.  Reads never take them.  A thread that already holds
    the lock through another connection does not wait for itself, and nobody waits longer
    than the busy timeout: after it, SQLite decides, as it did without these locks.
    """
    lock = threading.Lock()
    owner: list[int | None] = [None]
    #: the DBAPI connection (sqlite3's) holding the locks, if any; the pool holds it anyway,
    #: so keeping it here keeps nothing alive that would otherwise be collected
    holder: list = [None]

    def _raw(connection):
        # SQLAlchemy hands the dialect its pool's proxy, events the DBAPI connection itself
        return getattr(connection, "dbapi_connection", connection)

    @event.listens_for(engine, "before_cursor_execute")
    def _take(conn, _cursor, statement, _parameters, _context, _executemany):
        if holder[0] is _raw(conn.connection) or \
                not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        me = threading.get_ident()
        if owner[0] == me:
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        if not lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            return
        if between_processes is not None and not between_processes.acquire(deadline):
            lock.release()
            return
        owner[0], holder[0] = me, _raw(conn.connection)

    def _give_back(connection) -> None:
        # Every commit and rollback of the process comes here, on any thread: compare with
        # one read of ``holder``.  Only the holder's own connection matches, and only its
        # thread ends that connection's transaction, so the release happens once.
        raw = None if connection is None else _raw(connection)  # None once invalidated
        if raw is not None and raw is holder[0]:
            owner[0] = holder[0] = None
            if between_processes is not None:
                between_processes.release()
            lock.release()

    # Given back once SQLite has committed or rolled back, not at SQLAlchemy's commit and
    # rollback events, which come just before: the next writer would find SQLite's own lock
    # still taken and sleep in its busy handler, the wait these locks exist to avoid.
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        def finish(dbapi_connection, _end=getattr(dialect, name)):
            try:
                _end(dbapi_connection)
            finally:
                _give_back(dbapi_connection)
        setattr(dialect, name, finish)
    # A connection dropped or returned without either (an error) must not keep the lock.
    event.listen(engine, "checkin", lambda dbapi, _record: _give_back(dbapi))
    event.listen(engine, "invalidate", lambda dbapi, _record, _exc: _give_back(dbapi))


class _ProcessLock:
    """An exclusive POSIX record lock (``lockf``) on ``DATABASE.write-lock``.

    Record locks belong to a process: a worker forked from the process that built the app
    does not share its parent's, and the kernel drops them when a process dies, so a crashed
    worker never leaves the lock taken.  The file is opened in each process that uses it.
    Only this process's thread that holds the thread lock calls acquire and release.
    """

    POLL_MAX = 0.001  # seconds between tries: a waiting writer starts within a millisecond

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None
        self._pid: int | None = None

    @classmethod
    def beside(cls, database: str | None) -> "_ProcessLock | None":
        return cls(f"{database}.write-lock") if database and fcntl is not None else None

    def acquire(self, deadline: float) -> bool:
        if self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        delay = 0.00005
        while True:
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(delay)
                delay = min(delay * 2, self.POLL_MAX)

    def release(self) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)
