"""B2C Lab benchmark, side by side with node oidc-provider 9.

    python bench/run.py        # about 5 minutes; writes bench/results.md
    python bench/run.py --sign-ins 100 --duration 3     # a quicker look (same report)

1. Cold start of B2C Lab (new instance folder, then the same one again) and of the peer.
2. B2C Lab on waitress (``python app.py``): 1,000 full sign-ins at bcrypt cost 12 from a few
   threads (against the limit bcrypt sets on this machine), then wrk on discovery, JWKS and the
   token endpoint (client_credentials, refresh_token); memory after each stage.
3. oidc-provider (``bench/peer/``, ``npm ci`` when needed) with the same RSA key and client:
   the same four wrk rows.
4. B2C Lab on gunicorn (2 workers × 4 threads): the same four wrk rows.

Loopback only (127.0.0.1), free ports, throwaway instance folders under a temp directory; never
touches ``instance/``.  Needs wrk and Node.js 20+.  See bench/README.md for the method.
Exit status: 0 when every request succeeded, 1 when something failed under load, 2 when a
tool is missing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import requests

import loadgen
import servers as S
from report import write_results
from signin import SignInClient, bcrypt_check_seconds, run_sign_ins

RESULTS = S.BENCH / "results.md"
SIGN_INS = 1000
SIGN_IN_THREADS = 8
SIGN_IN_TIME_LIMIT = 300.0
SIGN_IN_USERS = 16
REFRESH_POOL = 64
BCRYPT_COST = 12


# ---------------------------------------------------------------- one server's wrk rows

def check_endpoints(server: S.Server, cc_data: dict, client: dict) -> None:
    """One plain request per endpoint before wrk; the token request must give an access_token."""
    for what in ("discovery", "jwks"):
        resp = requests.get(server.url(what), timeout=10)
        if resp.status_code != 200:
            raise RuntimeError(f"{server.name}: GET {what} -> {resp.status_code} "
                               f"{resp.text[:300]}")
    resp = requests.post(server.url("token"), data=cc_data, timeout=10,
                         headers={"Authorization": "Basic " + loadgen.basic(client)})
    if resp.status_code != 200 or "access_token" not in resp.json():
        raise RuntimeError(f"{server.name}: token check -> {resp.status_code} {resp.text[:500]}")


def bench_server(server: S.Server, *, client: dict, cc_scope: str, refresh_tokens: list[str],
                 tmp: Path, data: dict) -> dict:
    """The four wrk rows against ``server``; adds rows, raw output and RSS to ``data``."""
    name = server.name
    cc = loadgen.client_credentials_script(tmp / f"{name}-cc.lua", client, cc_scope)
    refresh = loadgen.refresh_script(tmp / f"{name}-refresh.lua", client, refresh_tokens)
    targets = [("GET discovery", "discovery", None), ("GET JWKS", "jwks", None),
               ("POST token (client_credentials)", "token", cc),
               ("POST token (refresh_token)", "token", refresh)]
    check_endpoints(server, {"grant_type": "client_credentials", "scope": cc_scope}, client)
    for label, what, script in targets:
        err_before = len(server.error_lines())
        print(f"  wrk {name}: {label} ...", flush=True)
        cmd, out = loadgen.run_wrk(server.url(what), script)
        res = loadgen.parse_wrk(out)
        res["label"] = label
        res["server_errors"] = server.error_lines()[err_before:]
        data["rows"].append(res)
        data["raw"].append((label, " ".join(cmd), out))
        data["rss"].append((f"after wrk {label}", server.rss()))
        print(f"    {res['rps']} req/s, p50 {res['p50']} ms, p99 {res['p99']} ms, "
              f"non-2xx {res['non2xx']}, socket errors: {res['socket']}", flush=True)
        if res["non2xx"] and script is not refresh:  # a refresh re-run has no tokens left
            diag = (loadgen.client_credentials_script(tmp / f"{name}-diag.lua", client,
                                                      cc_scope, diagnostic=True)
                    if script else tmp / "get_diag.lua")
            if script is None:
                diag.write_text(loadgen.DIAG_LUA)
            _cmd, dout = loadgen.run_wrk(server.url(what), diag, ["-t1", "-c16", "-d3s"])
            data["diags"].append((label, [l for l in dout.splitlines()
                                          if l.startswith("NON2XX")]))
    return data


def new_data(title: str, shown: str) -> dict:
    return {"title": title, "shown": shown, "rows": [], "raw": [], "diags": [], "rss": []}


# ---------------------------------------------------------------- the phases

def cold_starts(tmp: Path, logs: Path, started: list) -> dict:
    inst = tmp / "instance-cold"
    cold = {}
    for run in ("first", "second"):
        srv = S.waitress(f"cold-{run}", sys.executable, inst, S.free_port(), logs)
        started.append(srv)
        cold[run] = srv.start()
        print(f"cold start ({run}): {cold[run]:.2f} s", flush=True)
        srv.stop()
    return cold


def phase_waitress(tmp: Path, logs: Path, started: list, sign_ins: int) -> tuple:
    inst, port = tmp / "instance-main", S.free_port()
    seed = S.seed_instance(sys.executable, inst, port, tmp / "seed-waitress.json",
                           users=SIGN_IN_USERS, refresh_tokens=REFRESH_POOL)
    srv = S.waitress("waitress", sys.executable, inst, port, logs)
    started.append(srv)
    srv.start()
    data = new_data("B2C Lab, waitress (python app.py)", "python app.py")
    data["rss"].append(("after start", srv.rss()))
    print(f"sign-ins: {sign_ins} at bcrypt cost {seed['bcrypt_rounds']} ...", flush=True)
    client = SignInClient(srv.base, srv.base + S.POLICY_PATH, seed["client"],
                          f"{srv.base}/rp/signin-oidc")
    # The limit is measured just before and just after the sign-ins (the mean of the two):
    # other work on the machine changes bcrypt's time, and then the share means little.
    checks = [bcrypt_check_seconds(BCRYPT_COST)]
    load = [os.getloadavg()[0]]
    run = run_sign_ins(client, seed["emails"], seed["password"], total=sign_ins,
                       threads=SIGN_IN_THREADS, time_limit=SIGN_IN_TIME_LIMIT)
    data["rss"].append(("after the sign-ins", srv.rss()))
    checks.append(bcrypt_check_seconds(BCRYPT_COST))
    load.append(os.getloadavg()[0])
    check_s = sum(checks) / 2
    cores = len(os.sched_getaffinity(0))
    limit = cores / check_s
    signin = {"done": run.done, "failed": run.failed, "seconds": run.seconds,
              "per_second": run.per_second, "p50": run.percentile(0.5),
              "p99": run.percentile(0.99), "errors": run.errors, "threads": SIGN_IN_THREADS,
              "check_ms": check_s * 1000, "checks_ms": [c * 1000 for c in checks],
              "load": load, "cores": cores, "limit": limit,
              "share": run.per_second / limit}
    print(f"  bcrypt checkpw at cost {BCRYPT_COST}: "
          f"{' then '.join(f'{c * 1000:.0f}' for c in checks)} ms", flush=True)
    print(f"  {run.done} sign-ins in {run.seconds:.1f} s: {run.per_second:.2f}/s "
          f"({signin['share'] * 100:.0f} % of {limit:.2f}/s); failed {run.failed}", flush=True)
    bench_server(srv, client=seed["client"], cc_scope=f"{seed['client']['client_id']}/.default",
                 refresh_tokens=seed["refresh_tokens"], tmp=tmp, data=data)
    srv.stop()
    return seed, signin, data, inst


def phase_peer(seed: dict, tmp: Path, logs: Path, started: list) -> tuple[float, dict]:
    cold = S.peer("peer-cold", S.free_port(), logs, seed=seed, refresh_tokens=0)
    started.append(cold)
    cold_s = cold.start()
    print(f"oidc-provider cold start: {cold_s:.2f} s", flush=True)
    cold.stop()
    srv = S.peer("peer", S.free_port(), logs, seed=seed, refresh_tokens=REFRESH_POOL)
    started.append(srv)
    srv.start()
    data = new_data(f"oidc-provider {S.peer_version()} (node, one process)",
                    "node bench/peer/server.mjs CONFIG")
    data["rss"].append(("after start", srv.rss()))
    bench_server(srv, client=seed["client"], cc_scope="api:read",
                 refresh_tokens=S.peer_refresh_tokens(srv), tmp=tmp, data=data)
    srv.stop()
    return cold_s, data


def phase_gunicorn(inst: Path, tmp: Path, logs: Path, started: list) -> dict:
    port = S.free_port()
    seed = S.seed_instance(sys.executable, inst, port, tmp / "seed-gunicorn.json", users=1,
                           refresh_tokens=REFRESH_POOL)
    srv = S.gunicorn("gunicorn", sys.executable, inst, port, logs)
    started.append(srv)
    srv.start()
    shown = (f"python -m gunicorn {' '.join(S.GUNICORN_ARGS)} -b {S.HOST}:PORT "
             "'app:build_app()'")
    data = new_data("B2C Lab, gunicorn gthread (2 workers × 4 threads, --preload)", shown)
    data["rss"].append(("after start", srv.rss()))
    bench_server(srv, client=seed["client"], cc_scope=f"{seed['client']['client_id']}/.default",
                 refresh_tokens=seed["refresh_tokens"], tmp=tmp, data=data)
    srv.stop()
    return data


# ---------------------------------------------------------------- main

def machine() -> dict:
    def read(path: str, prefix: str) -> str | None:
        try:
            return next((line.split(":", 1)[1].strip() for line in
                         Path(path).read_text().splitlines() if line.startswith(prefix)), None)
        except OSError:
            return None

    def ver(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    mem = read("/proc/meminfo", "MemTotal")
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {"nproc": str(len(os.sched_getaffinity(0))), "cpu": read("/proc/cpuinfo", "model name")
            or "unknown", "ram": f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem else "?",
            "os": platform.platform(), "python": platform.python_version(),
            "flask": ver("flask"), "waitress": ver("waitress"), "gunicorn": ver("gunicorn"),
            "bcrypt": ver("bcrypt"), "sqlite": sqlite3.sqlite_version,
            "wrk": (wrk_v.stdout + wrk_v.stderr).splitlines()[0].split("Copyright")[0].strip(),
            "node": S.node_version(), "oidc_provider": S.peer_version(),
            "loadavg": [f"{x:.2f}" for x in os.getloadavg()]}


def missing_tools() -> str | None:
    if shutil.which("wrk") is None:
        return ("wrk is not installed. Install it with:\n    apt-get install -y wrk\n"
                "(run 'apt-get update' first if the package is not found)")
    node = S.node_version()
    if node is None or shutil.which("npm") is None:
        return "Node.js 20+ and npm are needed for the peer: apt-get install -y nodejs npm"
    if int(node.lstrip("v").split(".")[0]) < 20:
        return f"Node.js 20+ is needed for the peer (found {node})"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sign-ins", type=int, default=SIGN_INS,
                        help=f"how many full sign-ins (default {SIGN_INS})")
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds of each wrk run (default 10)")
    args = parser.parse_args(argv)
    loadgen.WRK_ARGS[2] = f"-d{args.duration}s"
    if problem := missing_tools():
        print(problem, file=sys.stderr)
        return 2
    if note := S.install_peer():
        print(note, flush=True)
    t_start = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="b2clab-bench-"))
    logs = tmp / "logs"
    logs.mkdir()
    started: list[S.Server] = []
    try:
        cold = cold_starts(tmp, logs, started)
        seed, signin, waitress, inst = phase_waitress(tmp, logs, started, args.sign_ins)
        cold["peer"], peer = phase_peer(seed, tmp, logs, started)
        gunicorn = phase_gunicorn(inst, tmp, logs, started)
        info["loadavg_end"] = [f"{x:.2f}" for x in os.getloadavg()]
        elapsed = time.perf_counter() - t_start
        servers = {"waitress": waitress, "peer": peer, "gunicorn": gunicorn}
        write_results(RESULTS, info=info, cold=cold, signin=signin, servers=servers,
                      started=started_at, elapsed=elapsed, wrk_args=loadgen.WRK_ARGS)
        print(f"\nwrote {RESULTS.relative_to(S.ROOT)} in {elapsed:.0f} s")
        bad = signin["failed"] or any(
            r["non2xx"] or r["server_errors"] or r["socket"] != "none"
            for d in servers.values() for r in d["rows"])
        if bad:
            print("errors were seen under load; see results.md", file=sys.stderr)
        return 1 if bad else 0
    finally:
        for srv in started:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
