"""Writers on one SQLite file take turns across processes (idp/store/sqlite.py): the lock
beside the database excludes another process, is not shared with a forked child (granian
forks its workers from the process that built the app), and dies with its holder."""
from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from idp.store.sqlite import _ProcessLock

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
