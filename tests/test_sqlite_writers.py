"""Writers on one SQLite file take turns across processes (idp/store/sqlite.py): the lock
beside the database excludes another process, is not shared with a forked child (granian
forks its workers from the process that built the app), and dies with its holder; a
transaction keeps it until SQLite has committed or rolled back."""
from __future__ import annotations

import multiprocessing
import os
import time

import pytest
import sqlalchemy as sa

from idp.store.sqlite import _one_writer_at_a_time, _ProcessLock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="record locks are POSIX; on Windows "
                                "only threads take turns")


def _try_once(path: str, result) -> None:
    result.put(_ProcessLock(path).acquire(time.monotonic() + 0.05))


def _hold_and_die(path: str, ready) -> None:
    assert _ProcessLock(path).acquire(time.monotonic() + 1)
    ready.set()
    time.sleep(60)  # killed by the test long before


def _holder(path: str):
    """A forked process that takes the lock and keeps it until killed; ready when returned."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    holder = context.Process(target=_hold_and_die, args=(path, ready))
    holder.start()
    assert ready.wait(10)
    return holder


def _other_process_gets(path: str) -> bool:
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_try_once, args=(path, result))
    child.start()
    child.join(10)
    return result.get(timeout=5)


def test_a_held_lock_excludes_another_process_until_released(tmp_path):
    path = str(tmp_path / "db.sqlite3.write-lock")
    lock = _ProcessLock(path)
    assert lock.acquire(time.monotonic() + 1)
    # The child is forked while this process holds the lock: it must not inherit it.
    assert _other_process_gets(path) is False
    lock.release()
    assert _other_process_gets(path) is True


def test_the_lock_dies_with_its_holder(tmp_path):
    path = str(tmp_path / "db.sqlite3.write-lock")
    holder = _holder(path)
    try:
        assert _ProcessLock(path).acquire(time.monotonic() + 0.05) is False
    finally:
        holder.kill()
        holder.join(10)
    assert _ProcessLock(path).acquire(time.monotonic() + 1) is True


def _kill_later(pid: int, seconds: float) -> None:
    time.sleep(seconds)  # the holder's work, as the waiter sees it
    os.kill(pid, 9)


def test_a_writer_waits_for_the_holder_instead_of_failing(tmp_path):
    path = str(tmp_path / "db.sqlite3.write-lock")
    holder = _holder(path)
    killer = multiprocessing.get_context("fork").Process(target=_kill_later,
                                                          args=(holder.pid, 0.3))
    started = time.monotonic()
    killer.start()
    try:
        assert _ProcessLock(path).acquire(started + 10) is True  # once the holder was gone
        assert time.monotonic() - started >= 0.3
    finally:
        killer.join(10)
        holder.join(10)


class _Recorder:
    """Stands in for the lock between processes and notes what happens, in order."""

    def __init__(self):
        self.seen = []

    def acquire(self, _deadline):
        self.seen.append("acquire")
        return True

    def release(self):
        self.seen.append("release")


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_the_lock_is_kept_until_sqlite_has_ended_the_transaction(tmp_path, end):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    recorder = _Recorder()
    finish = getattr(engine.dialect, f"do_{end}")

    def noted(dbapi_connection):
        recorder.seen.append(end)
        finish(dbapi_connection)

    setattr(engine.dialect, f"do_{end}", noted)
    _one_writer_at_a_time(engine, recorder)
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        conn.commit()
        recorder.seen.clear()
        conn.execute(sa.text("SELECT count(*) FROM t"))  # a read takes nothing
        assert recorder.seen == []
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        conn.execute(sa.text("INSERT INTO t VALUES (2)"))  # held: not taken twice
        getattr(conn, end)()
    # Before: SQLAlchemy's commit event gave the lock back, then SQLite committed, so the
    # next writer met SQLite's lock and slept in its busy handler.  (Closing the connection
    # rolls back once more, the pool's reset, which has nothing to give back.)
    assert recorder.seen[:3] == ["acquire", end, "release"]
    assert recorder.seen.count("acquire") == recorder.seen.count("release") == 1
    engine.dispose()


def test_a_connection_returned_mid_transaction_gives_the_lock_back(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    recorder = _Recorder()
    _one_writer_at_a_time(engine, recorder)
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        conn.commit()
    recorder.seen.clear()
    conn = engine.connect()
    conn.execute(sa.text("INSERT INTO t VALUES (1)"))
    conn.close()  # no commit: the pool rolls back and takes the connection back
    assert recorder.seen == ["acquire", "release"]
    with engine.connect() as again:  # and the next writer is not kept waiting
        again.execute(sa.text("INSERT INTO t VALUES (2)"))
        again.commit()
    assert recorder.seen == ["acquire", "release", "acquire", "release"]
    engine.dispose()


def test_an_invalidated_connection_has_nothing_to_give_back(tmp_path):
    """SQLAlchemy's proxy of an invalidated connection has no DBAPI connection left."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    recorder = _Recorder()
    _one_writer_at_a_time(engine, recorder)

    class Invalidated:
        dbapi_connection = None

        def rollback(self):
            pass

    engine.dialect.do_rollback(Invalidated())  # no lock is held: nothing may be released
    assert recorder.seen == []
    engine.dispose()
