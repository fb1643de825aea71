"""B2C Lab benchmark: cold start, then wrk against waitress (built-in) and gunicorn gthread.

    python bench/run.py        # about 90 s; writes bench/results.md (overwritten every run)

Loopback only (127.0.0.1), free ports, throwaway instance folders under a temp directory.
Needs wrk (``apt-get install -y wrk``).  See bench/README.md for how to read the numbers.
"""
from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.md"
HOST = "127.0.0.1"
TENANT = "contoso"
POLICY = "B2C_1_susi"
DISCOVERY = f"/{TENANT}.onmicrosoft.com/{POLICY}/v2.0/.well-known/openid-configuration"
JWKS = f"/{TENANT}.onmicrosoft.com/{POLICY}/discovery/v2.0/keys"
TOKEN = f"/{TENANT}.onmicrosoft.com/{POLICY}/oauth2/v2.0/token"
WRK_ARGS = ["-t1", "-c16", "-d10s", "--latency"]
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.01
GUNICORN_ARGS = ["-w", "2", "-k", "gthread", "--threads", "4", "--preload",
                 "--access-logfile", "/dev/null"]
ERROR_PATTERNS = ("Traceback", "database is locked", "Error", "error", "Exception")

# Lua for the POST; the response() variant is used only for the short diagnostic re-run that
# happens when a measured run saw non-2xx answers (it slows wrk, so not used for the numbers).
TOKEN_LUA = """wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic {basic}"
"""
DIAG_LUA = """
local seen = 0
function response(status, headers, body)
  if status >= 300 and seen < 3 then
    seen = seen + 1
    io.write("NON2XX " .. status .. " " .. string.sub(body or "", 1, 400) .. "\\n")
  end
end
"""


# ---------------------------------------------------------------- helpers

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


def tree_rss_kib(pid: int) -> int:
    """RSS of a process plus its children (gunicorn master + workers; shared pages counted twice)."""
    return sum(rss_kib(p) or 0 for p in [pid, *children(pid)])


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


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
    """A server subprocess with its output in files (never pipes: a full pipe would stall it)."""

    def __init__(self, name: str, argv: list[str], instance: Path, port: int, logdir: Path):
        self.name, self.argv, self.instance, self.port = name, argv, instance, port
        self.out_path = logdir / f"{name}.stdout"
        self.err_path = logdir / f"{name}.stderr"
        self.proc: subprocess.Popen | None = None
        self.err_offset = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> float:
        """Spawn and wait for the first 200 on discovery; return seconds from spawn to ready."""
        env = dict(os.environ, IDP_INSTANCE_PATH=str(self.instance), PORT=str(self.port),
                   HOST=HOST, IDP_PUBLIC_URL=self.base, PYTHONUNBUFFERED="1")
        env.pop("DATABASE_URL", None)
        out = open(self.out_path, "ab")
        err = open(self.err_path, "ab")
        self.err_offset = err.tell()
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=out, stderr=err,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        err.close()
        deadline = t0 + READY_TIMEOUT
        while time.perf_counter() < deadline:
            if get_status(self.port, DISCOVERY) == 200:
                return time.perf_counter() - t0
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   f"{self.stderr_tail()}")
            time.sleep(POLL_INTERVAL)
        raise RuntimeError(f"{self.name} not ready after {READY_TIMEOUT:.0f} s:\n"
                           f"{self.stderr_tail()}")

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
                if any(p in line for p in ERROR_PATTERNS)]


# ---------------------------------------------------------------- wrk

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float | None:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else None


def parse_wrk(out: str) -> dict:
    res = {"rps": None, "p50": None, "p99": None, "requests": None, "non2xx": 0,
           "socket": "none"}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        res["rps"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        res["p50"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        res["p99"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        res["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        res["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: (.+)", out):
        res["socket"] = m.group(1).strip()
    return res


def run_wrk(url: str, script: Path | None, extra: list[str] | None = None) -> tuple[list[str], str]:
    cmd = ["wrk", *(extra or WRK_ARGS)]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return cmd, proc.stdout + proc.stderr


def token_script(tmp: Path, client: dict, diagnostic: bool = False) -> Path:
    user = quote_plus(client["client_id"])
    password = quote_plus(client["client_secret"])
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    body = f"grant_type=client_credentials&scope={quote(client['client_id'] + '/.default', safe='')}"
    path = tmp / ("token_diag.lua" if diagnostic else "token.lua")
    path.write_text(TOKEN_LUA.format(body=body, basic=basic) + (DIAG_LUA if diagnostic else ""))
    return path


def check_endpoints(server: Server, client: dict) -> str:
    """One plain request per endpoint; the token request must give 200 with an access_token."""
    for path in (DISCOVERY, JWKS):
        resp = requests.get(server.base + path, timeout=10)
        if resp.status_code != 200:
            raise RuntimeError(f"{server.name}: GET {path} -> {resp.status_code} {resp.text[:300]}")
    resp = requests.post(server.base + TOKEN, timeout=10,
                         data={"grant_type": "client_credentials",
                               "scope": f"{client['client_id']}/.default"},
                         auth=(quote_plus(client["client_id"]),
                               quote_plus(client["client_secret"])))
    if resp.status_code != 200 or "access_token" not in resp.json():
        raise RuntimeError(f"{server.name}: token check -> {resp.status_code} {resp.text[:500]}")
    return f"token check: 200, access_token of {len(resp.json()['access_token'])} chars"


def bench_server(server: Server, client: dict, tmp: Path, log: list[str]) -> dict:
    lua = token_script(tmp, client)
    targets = [("GET discovery", server.base + DISCOVERY, None),
               ("GET JWKS", server.base + JWKS, None),
               ("POST token (client_credentials)", server.base + TOKEN, lua)]
    rows, raw, diags, rss = [], [], [], []
    pid = server.proc.pid
    rss.append(("after start", tree_rss_kib(pid)))
    log.append(check_endpoints(server, client))
    for label, url, script in targets:
        err_before = len(server.error_lines())
        print(f"  wrk {server.name}: {label} ...", flush=True)
        cmd, out = run_wrk(url, script)
        res = parse_wrk(out)
        res["label"] = label
        res["server_errors"] = server.error_lines()[err_before:]
        rows.append(res)
        raw.append((label, " ".join(cmd), out))
        rss.append((f"after wrk {label}", tree_rss_kib(pid)))
        print(f"    {res['rps']} req/s, p50 {res['p50']} ms, p99 {res['p99']} ms, "
              f"non-2xx {res['non2xx']}, socket errors: {res['socket']}", flush=True)
        if res["non2xx"]:
            dscript = token_script(tmp, client, diagnostic=True) if script else None
            if dscript is None:
                dscript = tmp / "get_diag.lua"
                dscript.write_text(DIAG_LUA)
            _cmd, dout = run_wrk(url, dscript, ["-t1", "-c16", "-d3s"])
            diags.append((label, [l for l in dout.splitlines() if l.startswith("NON2XX")]))
    return {"rows": rows, "raw": raw, "diags": diags, "rss": rss}


# ---------------------------------------------------------------- report

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    wrk_v = (wrk_v.stdout + wrk_v.stderr).splitlines()[0].split("Copyright")[0].strip()

    def ver(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {"nproc": nproc, "cpu": cpu, "ram": mem, "os": platform.platform(),
            "python": platform.python_version(), "flask": ver("flask"),
            "waitress": ver("waitress"), "gunicorn": ver("gunicorn"), "wrk": wrk_v,
            "loadavg": Path("/proc/loadavg").read_text().split()[:3]}


def fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def write_results(info: dict, cold: dict, servers: list[tuple[str, str, dict]],
                  started: str, elapsed: float) -> None:
    L = []
    L.append("# B2C Lab benchmark results\n")
    L.append(f"Generated by `python bench/run.py` on {started} (UTC); the run took "
             f"{elapsed:.0f} s. This file is overwritten on every run; see "
             "[README.md](README.md) for how to read it.\n")
    L.append("## Machine\n")
    L.append(f"- CPUs (`nproc`): {info['nproc']} — {info['cpu']}")
    L.append(f"- RAM: {info['ram']}")
    L.append(f"- OS: {info['os']}")
    L.append(f"- Load average at start (1/5/15 min): {' / '.join(info['loadavg'])}")
    L.append(f"- Python {info['python']}, Flask {info['flask']}, waitress {info['waitress']}, "
             f"gunicorn {info['gunicorn']}, {info['wrk']}\n")
    L.append("## Cold start\n")
    L.append("Time from spawning `python app.py` to the first 200 on the discovery URL "
             f"(polled every {POLL_INTERVAL * 1000:.0f} ms).\n")
    L.append("| Start | Seconds |\n|---|---|")
    L.append(f"| first (empty instance folder: migrations, seed, signing key, admin bcrypt) "
             f"| {cold['first']:.2f} |")
    L.append(f"| second (same instance folder, warm database) | {cold['second']:.2f} |\n")
    L.append("## Throughput and latency (wrk)\n")
    L.append(f"Every row: `wrk {' '.join(WRK_ARGS)} [-s token.lua] URL`, loopback, "
             "wrk and the server on the same CPUs.\n")
    for name, cmdline, data in servers:
        L.append(f"### {name}\n")
        L.append(f"Server: `{cmdline}`\n")
        L.append("| Endpoint | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | socket errors |")
        L.append("|---|---|---|---|---|---|---|")
        for r in data["rows"]:
            L.append(f"| {r['label']} | {fmt(r['rps'], '.0f')} | {fmt(r['p50'], '.2f')} | "
                     f"{fmt(r['p99'], '.2f')} | {r['requests']} | {r['non2xx']} | {r['socket']} |")
        L.append("")
        label = "RSS (VmRSS)" if "gunicorn" not in name else \
            "RSS (VmRSS, master + workers summed; shared pages counted more than once)"
        L.append(f"{label}: " + "; ".join(f"{k} {mib(v)}" for k, v in data["rss"]) + "\n")
        errs = [(r["label"], r["server_errors"]) for r in data["rows"] if r["server_errors"]]
        if errs or data["diags"]:
            L.append("**Errors seen:**\n")
            for label_, lines in errs:
                L.append(f"- server stderr during {label_} ({len(lines)} lines), first lines:")
                L.append("```\n" + "\n".join(lines[:10]) + "\n```")
            for label_, lines in data["diags"]:
                L.append(f"- 3 s diagnostic re-run of {label_}, first non-2xx bodies:")
                L.append("```\n" + ("\n".join(lines) or "(none reproduced)") + "\n```")
            L.append("")
        else:
            L.append("No error lines in the server's stderr.\n")
    L.append("## Raw wrk output\n")
    L.append("<details><summary>click to expand</summary>\n")
    for name, _cmd, data in servers:
        for label, cmd, out in data["raw"]:
            L.append(f"**{name} — {label}**: `{cmd}`\n")
            L.append("```\n" + out.strip() + "\n```\n")
    L.append("</details>")
    RESULTS.write_text("\n".join(L) + "\n")


# ---------------------------------------------------------------- main

def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it with:\n    apt-get install -y wrk\n"
              "(run 'apt-get update' first if the package is not found)", file=sys.stderr)
        return 2
    t_start = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="b2clab-bench-"))
    logs = tmp / "logs"
    logs.mkdir()
    servers: list[Server] = []
    results = []
    log: list[str] = []
    try:
        # 1. Cold start: empty instance, then the same instance again.
        inst = tmp / "instance-cold"
        cold = {}
        for run in ("first", "second"):
            srv = Server(f"cold-{run}", [sys.executable, "app.py"], inst, free_port(), logs)
            servers.append(srv)
            cold[run] = srv.start()
            print(f"cold start ({run}): {cold[run]:.2f} s", flush=True)
            srv.stop()

        # 2. waitress (python app.py, 16 threads) and 3. gunicorn gthread, fresh instances.
        port = free_port()
        configs = [
            ("waitress (python app.py, 16 threads)", "waitress",
             [sys.executable, "app.py"], "python app.py"),
            ("gunicorn gthread (2 workers x 4 threads, --preload)", "gunicorn",
             [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "-b", f"{HOST}:{port}",
              "app:build_app()"],
             f"python -m gunicorn {' '.join(GUNICORN_ARGS[:-2])} -b {HOST}:PORT "
             "--access-logfile /dev/null 'app:build_app()'"),
        ]
        for title, key, argv, shown in configs:
            p = port if key == "gunicorn" else free_port()
            srv = Server(key, argv, tmp / f"instance-{key}", p, logs)
            servers.append(srv)
            ready = srv.start()
            print(f"{title}: ready in {ready:.2f} s, pid {srv.proc.pid}", flush=True)
            client = json.loads((srv.instance / "rp_demo_client.json").read_text())
            data = bench_server(srv, client, tmp, log)
            srv.stop()
            data["errors_total"] = srv.error_lines()
            results.append((title, shown, data))

        elapsed = time.perf_counter() - t_start
        write_results(info, cold, results, started, elapsed)
        print(f"\n{'; '.join(log)}\nwrote {RESULTS.relative_to(ROOT)} in {elapsed:.0f} s")
        bad = any(r["non2xx"] or r["server_errors"] or r["socket"] != "none"
                  for _t, _s, d in results for r in d["rows"])
        if bad:
            print("errors were seen under load; see results.md", file=sys.stderr)
        return 1 if bad else 0
    finally:
        for srv in servers:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
