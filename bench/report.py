"""Writing bench/results.md: the generated part of each run, then the hand-written part.

Everything from :data:`MARKER` on is kept from the previous file (the performance work: what
was tried and what it gave), so a new run replaces the numbers and keeps the history.
"""
from __future__ import annotations

from pathlib import Path

MARKER = "<!-- Written by hand below this line; bench/run.py keeps it. -->"
GOAL_ENDPOINTS = ("GET discovery", "GET JWKS", "POST token (client_credentials)",
                  "POST token (refresh_token)")


def fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def _row(rows: list[dict], label: str) -> dict | None:
    return next((r for r in rows if r["label"] == label), None)


def _cell(r: dict | None) -> str:
    if r is None or r["rps"] is None:
        return "n/a"
    return f"{r['rps']:.0f} ({fmt(r['p50'], '.1f')} / {fmt(r['p99'], '.1f')})"


def _ratio(ours: dict | None, peer: dict | None) -> float | None:
    if not ours or not peer or not ours["rps"] or not peer["rps"]:
        return None
    return ours["rps"] / peer["rps"]


def _ours(servers: dict) -> list[str]:
    """The keys of B2C Lab's servers, in run order (every server but the peer)."""
    return [key for key in servers if key != "peer"]


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def side_by_side(servers: dict) -> list[str]:
    peer, ours = servers["peer"]["rows"], _ours(servers)
    L = ["| Endpoint | oidc-provider req/s (p50 / p99 ms) | "
         + " | ".join(f"B2C Lab {servers[k]['short']} | ratio" for k in ours) + " |",
         "|---|---|" + "---|---|" * len(ours)]
    for label in GOAL_ENDPOINTS:
        p = _row(peer, label)
        cells = [f"{_cell(r)} | {fmt(_ratio(r, p), '.2f')}"
                 for r in (_row(servers[k]["rows"], label) for k in ours)]
        L.append(f"| {label} | {_cell(p)} | " + " | ".join(cells) + " |")
    return L


def _speed_goal(short: str, rows: list[dict], peer: list[dict]) -> str:
    ratios = [_ratio(_row(rows, label), _row(peer, label)) for label in GOAL_ENDPOINTS]
    shown = ", ".join(f"{label.split(' ', 1)[1]} {fmt(r, '.2f')}"
                      for label, r in zip(GOAL_ENDPOINTS, ratios))
    met = all(r is not None and r >= 1 for r in ratios)
    return (f"| ≥ oidc-provider's req/s on every endpoint, {short} | ours/peer: {shown} | "
            f"{_met(met)} |")


def _sign_in_goal(short: str, signin: dict) -> str:
    share = signin["share"]
    return (f"| sign-in ≥ 90 % of the bcrypt limit, {short} | {signin['per_second']:.2f}/s of "
            f"{signin['limit']:.2f}/s = {share * 100:.0f} % | {_met(share >= 0.9)} |")


def _memory_goal(data: dict) -> str:
    """The goal is per process: for granian the largest of its processes, not their sum."""
    top = data["rss_largest"]
    what = "the largest of main and workers" if data["summed"] else "its one process"
    return (f"| < 150 MB resident per process, {data['short']} (whole run) | {what}: at most "
            f"{mib(top)} | {_met(top is not None and top < 150 * 1000 * 1000 / 1024)} |")


def goals(servers: dict, cold: dict) -> list[str]:
    peer, ours = servers["peer"]["rows"], _ours(servers)
    L = ["| Goal | Measured | Met |", "|---|---|---|"]
    L += [_speed_goal(servers[k]["short"], servers[k]["rows"], peer) for k in ours]
    L += [_sign_in_goal(servers[k]["short"], servers[k]["signin"])
          for k in ours if servers[k]["signin"]]
    worst = max(cold["first"], cold["second"])
    L.append(f"| cold start < 1.5 s, waitress | {cold['first']:.2f} s (new instance), "
             f"{cold['second']:.2f} s (existing) | {_met(worst < 1.5)} |")
    L.append(f"| cold start < 1.5 s, granian 2 workers | {cold['granian']:.2f} s (new instance) "
             f"| {_met(cold['granian'] < 1.5)} |")
    L += [_memory_goal(servers[k]) for k in ours]
    return L


def sign_ins(short: str, signin: dict) -> list[str]:
    L = [f"### {short}\n",
         f"- bcrypt `checkpw` at cost 12, median of 7 on one core, just before and just after "
         f"the sign-ins: {' and '.join(f'{c:.0f}' for c in signin['checks_ms'])} ms (load "
         f"average {' and '.join(f'{x:.1f}' for x in signin['load'])}); {signin['cores']} "
         f"cores ⇒ limit {signin['cores']} ÷ {signin['check_ms'] / 1000:.3f} s = "
         f"{signin['limit']:.2f} sign-ins/s.",
         f"- {signin['done']} sign-ins ({signin['failed']} failed) from {signin['threads']} "
         f"client threads in {signin['seconds']:.1f} s: **{signin['per_second']:.2f}/s, "
         f"{signin['share'] * 100:.0f} % of the limit**; one sign-in took "
         f"{fmt(signin['p50'], '.0f')} ms (p50), {fmt(signin['p99'], '.0f')} ms (p99)."]
    L += [f"- error: `{error}`" for error in signin["errors"]]
    return L + [""]


def detail(name: str, shown: str, data: dict) -> list[str]:
    L = [f"### {name}\n", f"Server: `{shown}`\n",
         "| Endpoint | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | socket errors |",
         "|---|---|---|---|---|---|---|"]
    for r in data["rows"]:
        L.append(f"| {r['label']} | {fmt(r['rps'], '.0f')} | {fmt(r['p50'], '.2f')} | "
                 f"{fmt(r['p99'], '.2f')} | {r['requests']} | {r['non2xx']} | {r['socket']} |")
    L.append("")
    note = " (main process + workers summed; shared pages counted more than once)" \
        if data["summed"] else ""
    L.append(f"RSS (VmRSS){note}: " + "; ".join(f"{k} {mib(v)}" for k, v in data["rss"])
             + (f"; largest single process over the run {mib(data['rss_largest'])}"
                if data["summed"] else "") + "\n")
    pools = [(r["label"], r["pool"]) for r in data["rows"] if r.get("pool")]
    for label, (left, empty) in pools:
        L.append(f"Refresh pool at the end of {label}: {left} tokens left, {empty} requests "
                 "found it empty.\n")
    errs = [(r["label"], r["server_errors"]) for r in data["rows"] if r["server_errors"]]
    if errs or data["diags"]:
        L.append("**Errors seen:**\n")
        for label, lines in errs:
            L.append(f"- server stderr during {label} ({len(lines)} lines), first lines:")
            L.append("```\n" + "\n".join(lines[:10]) + "\n```")
        for label, lines in data["diags"]:
            L.append(f"- 3 s diagnostic re-run of {label}, first non-2xx bodies:")
            L.append("```\n" + ("\n".join(lines) or "(none reproduced)") + "\n```")
        L.append("")
    else:
        L.append("No error lines in the server's stderr.\n")
    return L


def memory(servers: dict) -> list[str]:
    L = ["| Server | After start | After the sign-ins | After wrk | Largest process, whole run |",
         "|---|---|---|---|---|"]
    for key, data in servers.items():
        rss = dict(data["rss"])
        title = (data["short"] if key == "peer" else f"B2C Lab {data['short']}") \
            + (" (summed, overstated)" if data["summed"] else "")
        L.append(f"| {title} | {mib(rss.get('after start'))} | "
                 f"{mib(rss.get('after the sign-ins'))} | {mib(data['rss'][-1][1])} | "
                 f"{mib(data['rss_largest'])} |")
    return L


def write_results(path: Path, *, info: dict, cold: dict, servers: dict, started: str,
                  elapsed: float, wrk_args: list[str]) -> None:
    """``servers`` maps a key to one server's results, the peer first, in run order."""
    i = info
    L = ["# B2C Lab benchmark results\n",
         f"Generated by `python bench/run.py` on {started} (UTC); the run took {elapsed:.0f} s. "
         "The part above the hand-written section is replaced on every run; see "
         "[README.md](README.md) for the method and how to read it.\n",
         "## Machine\n",
         f"- CPUs (`nproc`): {i['nproc']} — {i['cpu']}; RAM {i['ram']}; {i['os']}",
         f"- Load average (1/5/15 min) at start: {' / '.join(i['loadavg'])}; at the end: "
         f"{' / '.join(i['loadavg_end'])}",
         f"- Python {i['python']}, Flask {i['flask']}, waitress {i['waitress']}, granian "
         f"{i['granian']}, bcrypt {i['bcrypt']}, SQLite {i['sqlite']}, {i['wrk']}",
         f"- Node.js {i['node']}, oidc-provider {i['oidc_provider']}\n",
         "## Against the goals\n", *goals(servers, cold), "",
         "## Side by side (wrk)\n",
         f"`wrk {' '.join(wrk_args)}`, one run each, on loopback, wrk and the servers on the "
         "same CPUs. Ratio = B2C Lab req/s ÷ oidc-provider req/s (above 1: B2C Lab is faster). "
         "oidc-provider is one node process; waitress is one Python process with "
         "`IDP_SERVER_THREADS` threads; granian is a main process that serves nothing and N "
         "worker processes with `IDP_SERVER_THREADS` blocking threads each.\n",
         *side_by_side(servers), "",
         "## Full sign-in flow at bcrypt cost 12\n",
         "One sign-in: authorize → sign-in page → POST e-mail and password → code → token "
         "(id_token + refresh token), a new cookie jar each time. The client threads run on "
         "the same CPUs. The limit is measured around each run.\n"]
    for data in servers.values():
        if data["signin"]:
            L += sign_ins(data["short"], data["signin"])
    L += ["## Cold start\n",
          "Time from spawning the server to the first 200 on its discovery URL (polled every "
          "10 ms).\n", "| Server | Seconds |", "|---|---|",
          f"| B2C Lab waitress, new instance folder (migrations, seed, RSA key, admin bcrypt) | "
          f"{cold['first']:.2f} |",
          f"| B2C Lab waitress, same folder again | {cold['second']:.2f} |",
          f"| B2C Lab granian 2 workers, new instance folder (the same, then the workers start) "
          f"| {cold['granian']:.2f} |",
          f"| oidc-provider (`node server.mjs`) | {cold['peer']:.2f} |", "",
          "## Memory (VmRSS)\n",
          "granian's columns sum the main process and its workers (forked: shared pages are "
          "counted once per process); the last column is the largest single process.\n",
          *memory(servers), "", "## Each server\n"]
    for data in servers.values():
        L += detail(data["title"], data["shown"], data)
    L += ["## Raw wrk output\n", "<details><summary>click to expand</summary>\n"]
    for data in servers.values():
        for label, cmd, out in data["raw"]:
            L += [f"**{data['title']} — {label}**: `{cmd}`\n",
                  "```\n" + out.strip() + "\n```\n"]
    L += ["</details>\n"]
    kept = ""
    if path.exists() and MARKER in (old := path.read_text()):
        kept = old[old.index(MARKER):]
    path.write_text("\n".join(L) + "\n" + (kept or MARKER + "\n"))
