"""End-to-end fixtures: B2C Lab running as a real server process, and Debian's Chromium for
pytest-playwright (never ``playwright install``; see shared/testing-recipes.md §2a).

Environment:
  CHROMIUM_PATH               the browser binary (default /usr/bin/chromium)
  B2CLAB_TEST_DATABASE_URL    a PostgreSQL URL: each server gets a fresh database of its own
                              on that cluster instead of a fresh SQLite file
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests import databases

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
READY_PATH = "/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration"
READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """A B2C Lab server started by the tests; ``output()`` is what it printed so far."""
    base_url: str
    process: subprocess.Popen
    log_path: Path
    instance_path: Path
    #: the server's DATABASE_URL; None for the default SQLite file in the instance folder
    database_url: str | None = None
    #: set when start_server created ``database_url`` for this server alone: stop() drops it
    owns_database: bool = False

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def ca_file(self) -> Path:
        """The CA an https server made (``python app.py --https``) in its instance folder."""
        return self.instance_path / "ca.pem"

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Poll the metadata document until it answers 200; fail with the server's output."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        https = self.base_url.startswith("https://")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()  # drops the server's own database
                pytest.fail(f"server exited with {self.process.returncode} before it was "
                            f"ready:\n{self.output()}")
            try:
                if https and not self.ca_file.exists():
                    raise requests.ConnectionError("no CA made yet")
                response = requests.get(self.base_url + READY_PATH, timeout=1,
                                        verify=str(self.ca_file) if https else True)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                last = repr(exc)
            time.sleep(0.1)  # poll interval, not a wait for a fixed time
        self.stop()
        pytest.fail(f"server not ready after {timeout:.0f} s ({last}):\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if os.name == "posix":  # workers a server failed to stop (gunicorn, granian)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.owns_database:
            self.owns_database = False
            databases.drop_database(self.database_url)


def server_env(instance_path: Path, port: int, scheme: str = "http",
               database_url: str | None = None,
               public_url: str | None = None) -> dict[str, str]:
    """The environment of a test server: fresh instance folder, fast bcrypt, and
    ``database_url`` (default: SQLite in the instance folder)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("IDP_HTTPS", None)  # the command says: app.py --https
    env.update(HOST="127.0.0.1", PORT=str(port),
               IDP_PUBLIC_URL=public_url or f"{scheme}://localhost:{port}",
               IDP_INSTANCE_PATH=str(instance_path), IDP_BCRYPT_ROUNDS="4",
               PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start_server(tmp_dir: Path, command: list[str], port: int, scheme: str = "http",
                 database_url: str | None = None,
                 public_url: str | None = None) -> ServerProcess:
    """Start ``command`` (``{port}`` is replaced) in the repo root and wait until it serves.
    With ``scheme="https"`` the command must serve TLS (``app.py --https``).

    The server's database is ``database_url`` when given (servers that share one database);
    otherwise, under a PostgreSQL B2CLAB_TEST_DATABASE_URL, a database made for this server alone
    (dropped by ``stop()``), so the in-process tests, which empty the shared test database
    after each test, never clobber it; otherwise SQLite in the instance folder.
    ``public_url`` sets IDP_PUBLIC_URL (default: this server's own URL)."""
    instance = tmp_dir / "instance"
    log_path = tmp_dir / "server.log"
    owns_database = False
    if database_url is None and databases.is_postgresql():
        database_url, owns_database = databases.create_database("server"), True
    elif database_url is None and databases.is_server_database():
        database_url = databases.TEST_DATABASE_URL  # another server kind: shared, at your risk
    env = server_env(instance, port, scheme, database_url, public_url)
    try:
        with open(log_path, "wb") as log:
            # A process group of its own, so that stop() can end worker processes too.
            process = subprocess.Popen([part.replace("{port}", str(port)) for part in command],
                                       cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL,
                                       start_new_session=os.name == "posix")
    except BaseException:
        if owns_database:
            databases.drop_database(database_url)
        raise
    server = ServerProcess(f"{scheme}://localhost:{port}", process, log_path, instance,
                           database_url, owns_database)
    server.wait_ready()
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """``python app.py`` (waitress) on a free loopback port with a fresh instance folder."""
    port = free_port()
    server = start_server(tmp_path_factory.mktemp("live_server"),
                          [sys.executable, "app.py"], port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-base-url's fixture: lets tests write ``page.goto("/rp/")``."""
    return live_server.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(or set CHROMIUM_PATH)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
