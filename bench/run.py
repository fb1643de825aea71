"""B2C Lab benchmark, side by side with node oidc-provider 9.

    python bench/run.py        # about 7 minutes; writes bench/results.md
    python bench/run.py --sign-ins 100 --duration 3     # a quicker look (same report)

1. Cold start of B2C Lab on waitress (new instance folder, then the same one again), on
   granian with 2 workers (another new folder), and of the peer.
2. oidc-provider (``bench/peer/``, ``npm ci`` when needed) with B2C Lab's RSA key and client:
   wrk on discovery, JWKS and the token endpoint (client_credentials, refresh_token).
3. B2C Lab on waitress (``python app.py``): 1,000 full sign-ins at bcrypt cost 12 from a few
   threads (against the limit bcrypt sets on this machine), then the same four wrk rows.
4. B2C Lab on granian, 2 workers (``python app.py --server granian --workers 2``): the same
   sign-ins on its own instance folder, then the four wrk rows.
5. B2C Lab on granian, 1 worker (one serving process, like node): the four wrk rows.

Memory is read after each stage.

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
#: granian's worker counts, in the order they run; the first one also does the sign-ins
GRANIAN_WORKERS = (2, 1)


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
        record_rss(data, f"after wrk {label}", server)
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


def new_data(title: str, shown: str, short: str, *, summed: bool = False) -> dict:
    """One server's results; ``short`` names its column, ``summed`` says its RSS adds up
    several processes."""
    return {"title": title, "shown": shown, "short": short, "summed": summed, "rows": [],
            "raw": [], "diags": [], "rss": [], "rss_largest": None, "signin": None}


def record_rss(data: dict, label: str, server: S.Server) -> None:
    """The RSS summed over the server's processes, and the largest single process so far: the
    memory goal is per process, and a sum counts shared pages more than once."""
    data["rss"].append((label, server.rss()))
    largest = server.rss_largest()
    if largest is not None:
        data["rss_largest"] = max(data["rss_largest"] or 0, largest)


# ---------------------------------------------------------------- the phases

def cold_starts(tmp: Path, logs: Path, started: list) -> dict:
    """Seconds to the first 200 on discovery: waitress on a new instance folder and on the same
    folder again, granian (2 workers) on another new one."""
    py, inst = sys.executable, tmp / "instance-cold"
    runs = [("first", S.waitress("cold-first", py, inst, S.free_port(), logs)),
            ("second", S.waitress("cold-second", py, inst, S.free_port(), logs)),
            ("granian", S.granian("cold-granian", py, tmp / "instance-cold-granian",
                                  S.free_port(), logs, workers=GRANIAN_WORKERS[0]))]
    cold = {}
    for key, srv in runs:
        started.append(srv)
        cold[key] = srv.start()
        print(f"cold start ({srv.name}): {cold[key]:.2f} s", flush=True)
        srv.stop()
    return cold


def sign_in_run(srv: S.Server, seed: dict, sign_ins: int) -> dict:
    """Full sign-ins against ``srv`` and the bcrypt limit they are compared to."""
    print(f"sign-ins ({srv.name}): {sign_ins} at bcrypt cost {seed['bcrypt_rounds']} ...",
          flush=True)
    client = SignInClient(srv.base, srv.base + S.POLICY_PATH, seed["client"],
                          f"{srv.base}/rp/signin-oidc")
    # The limit is measured just before and just after the sign-ins (the mean of the two):
    # other work on the machine changes bcrypt's time, and then the share means little.
    checks = [bcrypt_check_seconds(BCRYPT_COST)]
    load = [os.getloadavg()[0]]
    run = run_sign_ins(client, seed["emails"], seed["password"], total=sign_ins,
                       threads=SIGN_IN_THREADS, time_limit=SIGN_IN_TIME_LIMIT)
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
    return signin


def phase_ours(srv: S.Server, seed: dict, data: dict, *, tmp: Path, started: list,
               sign_ins: int) -> dict:
    """Start a B2C Lab server, do the sign-ins (none when ``sign_ins`` is 0), then the four wrk
    rows; ``seed`` is what bench/seed.py wrote for the server's instance folder and port."""
    started.append(srv)
    srv.start()
    record_rss(data, "after start", srv)
    if sign_ins:
        data["signin"] = sign_in_run(srv, seed, sign_ins)
        record_rss(data, "after the sign-ins", srv)
    bench_server(srv, client=seed["client"], cc_scope=f"{seed['client']['client_id']}/.default",
                 refresh_tokens=seed["refresh_tokens"], tmp=tmp, data=data)
    srv.stop()
    return data


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
                    "node bench/peer/server.mjs CONFIG", "oidc-provider")
    record_rss(data, "after start", srv)
    bench_server(srv, client=seed["client"], cc_scope="api:read",
                 refresh_tokens=S.peer_refresh_tokens(srv), tmp=tmp, data=data)
    srv.stop()
    return cold_s, data


def phase_waitress(seed: dict, inst: Path, port: int, tmp: Path, logs: Path, started: list,
                   sign_ins: int) -> dict:
    srv = S.waitress("waitress", sys.executable, inst, port, logs)
    data = new_data("B2C Lab, waitress (python app.py)", "python app.py", "waitress")
    return phase_ours(srv, seed, data, tmp=tmp, started=started, sign_ins=sign_ins)


def phase_granian(workers: int, inst: Path, tmp: Path, logs: Path, started: list,
                  sign_ins: int) -> dict:
    """granian with ``workers`` processes on ``inst`` (new, or left by an earlier granian
    phase): seeds sign-in users when there are sign-ins, and fresh refresh tokens."""
    port = S.free_port()
    seed = S.seed_instance(sys.executable, inst, port, tmp / f"seed-granian{workers}.json",
                           users=SIGN_IN_USERS if sign_ins else 1, refresh_tokens=REFRESH_POOL)
    srv = S.granian(f"granian{workers}", sys.executable, inst, port, logs, workers=workers)
    plural = "worker" if workers == 1 else "workers"
    data = new_data(f"B2C Lab, granian ({workers} {plural} × IDP_SERVER_THREADS blocking "
                    "threads)", f"python {' '.join(S.granian_argv(workers))}",
                    f"granian {workers} {plural}", summed=True)
    return phase_ours(srv, seed, data, tmp=tmp, started=started, sign_ins=sign_ins)


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
            "flask": ver("flask"), "waitress": ver("waitress"), "granian": ver("granian"),
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
                        help=f"full sign-ins on waitress and on granian (default {SIGN_INS})")
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
        # waitress's folder is seeded before the peer runs: the peer takes its key and client.
        inst, port = tmp / "instance-main", S.free_port()
        seed = S.seed_instance(sys.executable, inst, port, tmp / "seed-waitress.json",
                               users=SIGN_IN_USERS, refresh_tokens=REFRESH_POOL)
        servers = {}  # in the order of the report's columns
        cold["peer"], servers["peer"] = phase_peer(seed, tmp, logs, started)
        servers["waitress"] = phase_waitress(seed, inst, port, tmp, logs, started,
                                             args.sign_ins)
        for n, workers in enumerate(GRANIAN_WORKERS):  # one folder, sign-ins on the first
            servers[f"granian{workers}"] = phase_granian(
                workers, tmp / "instance-granian", tmp, logs, started,
                args.sign_ins if n == 0 else 0)
        info["loadavg_end"] = [f"{x:.2f}" for x in os.getloadavg()]
        elapsed = time.perf_counter() - t_start
        write_results(RESULTS, info=info, cold=cold, servers=servers, started=started_at,
                      elapsed=elapsed, wrk_args=loadgen.WRK_ARGS)
        print(f"\nwrote {RESULTS.relative_to(S.ROOT)} in {elapsed:.0f} s")
        bad = any(d["signin"] and d["signin"]["failed"] for d in servers.values()) or any(
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
