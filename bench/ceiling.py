"""How fast can a Python token endpoint be on this machine?  The floor under bench/run.py's
token rows, measured the same way.

    python bench/ceiling.py            # about 40 s; prints a Markdown table

Runs two stand-ins for the client_credentials request under granian (2 workers ×
``--threads`` blocking threads, as ``python app.py --server granian --workers 2`` runs B2C
Lab) and drives each with wrk as bench/run.py does (``-t1 -c16``, loopback):

- ``wsgi``: a bare WSGI callable that does only what every token response needs: parse the
  form, sign a JWT RS256 with a 2048-bit key (``cryptography``, the same OpenSSL call node
  makes), INSERT one audit row into SQLite (WAL, ``synchronous=NORMAL``) and commit, answer
  JSON.  No client authentication, no configuration, no framework.
- ``flask``: the same work as a Flask view.

Each row also gives the CPU the server processes used per request (from /proc), which is
what the two cores have to share with wrk.  Nothing of B2C Lab is imported: the stand-ins
are the ceiling any Python implementation of the endpoint starts under.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import loadgen  # noqa: E402
import servers as S  # noqa: E402

APP = '''
import base64, json, os, sqlite3, threading, time
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY = rsa.generate_private_key(65537, 2048)
DATABASE = os.environ["CEILING_DB"]
_local = threading.local()


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


HEADER = _b64(json.dumps({"typ": "JWT", "alg": "RS256", "kid": "k"}).encode())


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(DATABASE, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, "
                     "activity TEXT, app_id TEXT, details TEXT, at REAL)")
    return conn


def issue(form):
    now = int(time.time())
    client = form.get("scope", "").removesuffix("/.default")
    payload = _b64(json.dumps({"iss": "http://127.0.0.1/", "aud": client, "sub": client,
                               "azp": client, "iat": now, "nbf": now,
                               "exp": now + 3600}).encode())
    signing_input = HEADER + b"." + payload
    token = signing_input + b"." + _b64(KEY.sign(signing_input, padding.PKCS1v15(),
                                                 hashes.SHA256()))
    conn = _connection()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO audit (activity, app_id, details, at) VALUES (?, ?, ?, ?)",
                 ("Validate Client Credentials", client, json.dumps({"Client": "wrk"}),
                  time.time()))
    conn.execute("COMMIT")
    return {"access_token": token.decode(), "token_type": "Bearer", "expires_in": 3600}


def wsgi(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
    body = json.dumps(issue(form)).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body))),
                              ("Cache-Control", "no-store")])
    return [body]


from flask import Flask, jsonify, request  # noqa: E402

flask = Flask(__name__)


@flask.post("/token")
def token():
    response = jsonify(issue(request.form))
    response.headers["Cache-Control"] = "no-store"
    return response
'''


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def measure(kind: str, tmp: Path, threads: int, script: Path) -> dict:
    port = S.free_port()
    env = dict(os.environ, CEILING_DB=str(tmp / f"{kind}.db"), PYTHONPATH=str(tmp))
    target = "ceiling_app:wsgi" if kind == "wsgi" else "ceiling_app:flask"
    proc = subprocess.Popen([sys.executable, "-m", "granian", "--interface", "wsgi",
                             "--workers", "2", "--blocking-threads", str(threads),
                             "--host", S.HOST, "--port", str(port), target],
                            cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://{S.HOST}:{port}/token"
        deadline = time.monotonic() + 30
        while S.get_status(port, "/") is None:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"granian ({kind}) did not start")
            time.sleep(0.05)
        pids = [proc.pid, *S.children(proc.pid)]
        ticks, started = cpu_ticks(pids), time.perf_counter()
        _cmd, out = loadgen.run_wrk(url, script)
        seconds, used = time.perf_counter() - started, cpu_ticks(pids) - ticks
        result = loadgen.parse_wrk(out)
        hz = os.sysconf("SC_CLK_TCK")
        result["cpu_ms"] = used / hz / max(1, result["requests"]) * 1000
        result["cores"] = used / hz / seconds
        return result
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8,
                        help="blocking threads per worker (default 8, B2C Lab's default)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    loadgen.WRK_ARGS[2] = f"-d{args.duration}s"
    tmp = Path(tempfile.mkdtemp(prefix="b2clab-ceiling-"))
    try:
        (tmp / "ceiling_app.py").write_text(APP)
        script = loadgen.client_credentials_script(
            tmp / "cc.lua", {"client_id": "ceiling", "client_secret": "unused"},
            "ceiling/.default")
        print(f"granian 2 workers × {args.threads} threads, wrk {' '.join(loadgen.WRK_ARGS)}")
        print("| Stand-in | req/s | p50 / p99 ms | non-2xx | server CPU per request | "
              "server cores |")
        print("|---|---|---|---|---|---|")
        for kind in ("wsgi", "flask"):
            r = measure(kind, tmp, args.threads, script)
            print(f"| {kind} | {r['rps']:.0f} | {r['p50']} / {r['p99']} | {r['non2xx']} | "
                  f"{r['cpu_ms']:.2f} ms | {r['cores']:.2f} |", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
