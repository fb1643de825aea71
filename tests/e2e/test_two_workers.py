"""Two worker processes on one database, under gunicorn and under ``python app.py --server
granian --workers 2``: sign-ins must not depend on which worker serves which request
(transactions, codes, keys and sessions live in the database).

Plain HTTP with ``requests`` (no browser), so it is quick.
"""
from __future__ import annotations

import os
import re
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import free_port, start_server
from .flowclient import FlowClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Unix only")

SIGN_INS = 10
ACCESS_LINE = re.compile(r"^<(\d+)> (GET|POST) (\S+)", re.MULTILINE)


def first_traceback(output: str) -> str:
    """The server's first traceback, to show with a failure."""
    start = output.find("Traceback")
    if start < 0:
        return ""
    lines = output[start:].splitlines()
    end = next((i for i, line in enumerate(lines) if line.startswith("<")), len(lines))
    return "\n\nserver's first traceback:\n" + "\n".join(lines[:end])


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
               "--preload", "-b", "127.0.0.1:{port}",
               "--access-logfile", "-", "--access-logformat", "%(p)s %(r)s",
               "app:build_app()"]
    server = start_server(tmp_path_factory.mktemp("gunicorn"), command, port)
    yield server
    server.stop()


def test_ten_sign_ins_across_two_workers(gunicorn_server):
    base = gunicorn_server.base_url
    email, password = f"two-{uuid.uuid4().hex[:12]}@example.com", "Passw0rd!-two"
    page = FlowClient(base).sign_up(email, password, "Two Workers", "Two", "Workers")
    assert page.url == f"{base}/rp/claims", page.text
    assert 'data-claim="newUser"' in page

    succeeded = 0
    failures = []
    for attempt in range(SIGN_INS):
        page = FlowClient(base).sign_in(email, password)  # a new requests.Session each time
        if (page.url == f"{base}/rp/claims" and "invalid_grant" not in page
                and '<table id="claims">' in page and email in page):
            succeeded += 1
        else:
            failures.append(f"#{attempt}: {page.url} {page.response.status_code}\n"
                            f"{page.text[:1500]}")
    output = gunicorn_server.output()
    assert succeeded == SIGN_INS, "\n\n".join(failures) + first_traceback(output)

    served = {pid for pid, _method, _path in ACCESS_LINE.findall(output)}
    redeemed = {pid for pid, method, path in ACCESS_LINE.findall(output)
                if method == "POST" and "/oauth2/v2.0/token" in path}
    assert len(redeemed) >= 1, output[-3000:]
    # Each sign-in uses fresh connections, so both workers take a share of the requests; a code
    # issued by one is redeemed by whichever worker gets the app's back-channel token call.
    assert len(served) == 2, f"only worker(s) {served} served requests:\n{output[-3000:]}"


@pytest.fixture(scope="module")
def granian_server(tmp_path_factory):
    port = free_port()
    command = [sys.executable, "app.py", "--server", "granian", "--workers", "2"]
    server = start_server(tmp_path_factory.mktemp("granian"), command, port)
    yield server
    server.stop()


def _children_cpu_ticks(pid: int) -> dict[int, int]:
    """CPU time (user + system, in clock ticks) of each child process of ``pid``."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker CPU from /proc")
def test_ten_sign_ins_across_two_granian_workers(granian_server):
    base = granian_server.base_url
    workers_before = _children_cpu_ticks(granian_server.process.pid)
    assert len(workers_before) == 2, granian_server.output()[-3000:]
    email, password = f"gran-{uuid.uuid4().hex[:12]}@example.com", "Passw0rd!-gran"
    page = FlowClient(base).sign_up(email, password, "Two Workers", "Two", "Workers")
    assert page.url == f"{base}/rp/claims", page.text
    failures = []
    for attempt in range(SIGN_INS):
        page = FlowClient(base).sign_in(email, password)
        if not (page.url == f"{base}/rp/claims" and '<table id="claims">' in page
                and email in page):
            failures.append(f"#{attempt}: {page.url} {page.response.status_code}\n"
                            f"{page.text[:1500]}")
    output = granian_server.output()
    assert not failures, "\n\n".join(failures) + first_traceback(output)
    assert "Traceback" not in output, first_traceback(output)
    # Both processes did work (granian hands each new connection to either worker).
    workers_after = _children_cpu_ticks(granian_server.process.pid)
    busy = [pid for pid, ticks in workers_after.items() if ticks > workers_before.get(pid, 0)]
    assert len(busy) == 2, (workers_before, workers_after)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="signals a process group (as a terminal does) and reads /proc")
def test_ctrl_c_stops_granian_and_its_workers(tmp_path):
    """Ctrl+C sends SIGINT to the whole process group: the main process and each worker.  It
    used to leave a worker running (and serving) in about half the stops, so three starts."""
    command = [sys.executable, "app.py", "--server", "granian", "--workers", "2"]
    for attempt in range(3):
        server = start_server(tmp_path, command, free_port())
        try:
            group = server.process.pid
            os.killpg(group, signal.SIGINT)
            deadline = time.monotonic() + 30
            while _group_alive(group) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert server.process.poll() is not None and not _group_alive(group), (
                f"start #{attempt + 1}: still running 30 s after Ctrl+C\n"
                + server.output()[-2000:])
        finally:
            server.stop()


def _group_alive(group: int) -> bool:
    """Whether a process of ``group`` is still alive (zombies not counted)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False
