"""Server subprocesses for the benchmark: B2C Lab (``python app.py``, on waitress or on granian)
and the peer provider (node oidc-provider, ``bench/peer/``), each on a free loopback port, with
its memory read from ``/proc``."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER = BENCH / "peer"
HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.01
#: stderr lines that count as errors (copied into results.md; the run then exits 1)
OURS_ERRORS = ("Traceback", "database is locked", "Error", "error", "Exception")
PEER_ERRORS = ("server_error", "Error:", "Unhandled")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def tree_rss_each(pid: int) -> list[int]:
    """RSS of a process and of each of its children (granian's main process and workers)."""
    return [rss for p in [pid, *children(pid)] if (rss := rss_kib(p)) is not None]


def tree_rss_kib(pid: int) -> int:
    """RSS of a process plus its children: shared pages (granian's workers are forked from the
    main process) are counted once per process, so the sum overstates real use."""
    return sum(tree_rss_each(pid))


def get_status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return None
    finally:
        conn.close()


class Server:
    """A server subprocess with its output in files (never pipes: a full pipe would stall it).

    ``paths`` maps ``discovery``, ``jwks`` and ``token`` to the server's URL paths; readiness is
    the first 200 on discovery.
    """

    def __init__(self, name: str, argv: list[str], port: int, logdir: Path, *, env: dict,
                 paths: dict, cwd: Path = ROOT, error_patterns=OURS_ERRORS):
        self.name, self.argv, self.port, self.env, self.paths = name, argv, port, env, paths
        self.cwd, self.error_patterns = cwd, error_patterns
        self.out_path = logdir / f"{name}.stdout"
        self.err_path = logdir / f"{name}.stderr"
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, what: str) -> str:
        return self.base + self.paths[what]

    def start(self) -> float:
        """Spawn and wait for the first 200 on discovery; return seconds from spawn to ready."""
        out = open(self.out_path, "ab")
        err = open(self.err_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=out,
                                     stderr=err, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        out.close()
        err.close()
        deadline = t0 + READY_TIMEOUT
        while time.perf_counter() < deadline:
            if get_status(self.port, self.paths["discovery"]) == 200:
                return time.perf_counter() - t0
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   f"{self.stderr_tail()}")
            time.sleep(POLL_INTERVAL)
        raise RuntimeError(f"{self.name} not ready after {READY_TIMEOUT:.0f} s:\n"
                           f"{self.stderr_tail()}")

    def rss(self) -> int:
        return tree_rss_kib(self.proc.pid)

    def rss_largest(self) -> int | None:
        """RSS of the largest single process in the tree (memory goals are per process)."""
        return max(tree_rss_each(self.proc.pid), default=None)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only its own workers
            self.proc.wait(timeout=5)

    def stderr_text(self) -> str:
        try:
            return self.err_path.read_text(errors="replace")
        except OSError:
            return ""

    def stderr_tail(self, lines: int = 30) -> str:
        return "\n".join(self.stderr_text().splitlines()[-lines:])

    def error_lines(self) -> list[str]:
        """Lines of stderr that look like errors (the exact text goes into the report)."""
        return [line for line in self.stderr_text().splitlines()
                if any(p in line for p in self.error_patterns)]


# ---------------------------------------------------------------- B2C Lab

TENANT = "contoso"
POLICY = "B2C_1_susi"
POLICY_PATH = f"/{TENANT}.onmicrosoft.com/{POLICY}"
OURS_PATHS = {"discovery": f"{POLICY_PATH}/v2.0/.well-known/openid-configuration",
              "jwks": f"{POLICY_PATH}/discovery/v2.0/keys",
              "token": f"{POLICY_PATH}/oauth2/v2.0/token"}


def ours_env(instance: Path, port: int) -> dict:
    env = dict(os.environ, IDP_INSTANCE_PATH=str(instance), PORT=str(port), HOST=HOST,
               IDP_PUBLIC_URL=f"http://{HOST}:{port}", PYTHONUNBUFFERED="1")
    # The defaults: SQLite file, cost 12, and the server the command line names.
    for name in ("DATABASE_URL", "IDP_BCRYPT_ROUNDS", "IDP_SERVER", "IDP_SERVER_WORKERS"):
        env.pop(name, None)
    return env


def waitress(name: str, python: str, instance: Path, port: int, logdir: Path) -> Server:
    return Server(name, [python, "app.py"], port, logdir, env=ours_env(instance, port),
                  paths=OURS_PATHS)


def granian_argv(workers: int) -> list[str]:
    return ["app.py", "--server", "granian", "--workers", str(workers)]


def granian(name: str, python: str, instance: Path, port: int, logdir: Path, *,
            workers: int) -> Server:
    """``python app.py --server granian --workers N``: the main process migrates and seeds,
    then ``workers`` forked processes serve (``IDP_SERVER_THREADS`` blocking threads each)."""
    return Server(name, [python, *granian_argv(workers)], port, logdir,
                  env=ours_env(instance, port), paths=OURS_PATHS)


def seed_instance(python: str, instance: Path, port: int, out: Path, *, users: int,
                  refresh_tokens: int) -> dict:
    """Run ``bench/seed.py`` for ``instance`` (the app's start-up first if it is new)."""
    done = subprocess.run([python, str(BENCH / "seed.py"), "--users", str(users),
                           "--refresh-tokens", str(refresh_tokens), "--out", str(out)],
                          cwd=ROOT, env=ours_env(instance, port), capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"bench/seed.py failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(out.read_text())


# ---------------------------------------------------------------- the peer

PEER_PATHS = {"discovery": "/.well-known/openid-configuration", "jwks": "/jwks",
              "token": "/token"}


def node_version() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


def peer_version() -> str:
    try:
        return json.loads((PEER / "node_modules" / "oidc-provider" / "package.json")
                          .read_text())["version"]
    except OSError:
        return "not installed"


def install_peer() -> str | None:
    """``npm ci`` in bench/peer when node_modules is missing; returns what it did, or None."""
    if (PEER / "node_modules" / "oidc-provider").is_dir():
        return None
    started = time.perf_counter()
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"npm ci in bench/peer failed:\n{done.stdout}\n{done.stderr}")
    return f"npm ci in bench/peer took {time.perf_counter() - started:.1f} s"


def peer(name: str, port: int, logdir: Path, *, seed: dict, refresh_tokens: int) -> Server:
    """oidc-provider with B2C Lab's key and rp-demo's client id, secret and redirect URI."""
    config = logdir / f"{name}.json"
    config.write_text(json.dumps({
        "port": port, "issuer": f"http://{HOST}:{port}", "jwk": seed["jwk"],
        "client_id": seed["client"]["client_id"],
        "client_secret": seed["client"]["client_secret"],
        "redirect_uri": f"http://{HOST}:{port}/signin-oidc",
        "refresh_tokens": refresh_tokens, "refresh_out": str(logdir / f"{name}.tokens.json")}))
    return Server(name, ["node", str(PEER / "server.mjs"), str(config)], port, logdir,
                  env=dict(os.environ),
                  paths=PEER_PATHS, cwd=PEER, error_patterns=PEER_ERRORS)


def peer_refresh_tokens(server: Server) -> list[str]:
    return json.loads((server.out_path.parent / f"{server.name}.tokens.json").read_text())
