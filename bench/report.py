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


def side_by_side(servers: dict) -> list[str]:
    peer, wait, gun = (servers[k]["rows"] for k in ("peer", "waitress", "gunicorn"))
    L = ["| Endpoint | oidc-provider req/s (p50 / p99 ms) | B2C Lab waitress | ratio | "
         "B2C Lab gunicorn | ratio |", "|---|---|---|---|---|---|"]
    for label in GOAL_ENDPOINTS:
        p, w, g = _row(peer, label), _row(wait, label), _row(gun, label)
        L.append(f"| {label} | {_cell(p)} | {_cell(w)} | {fmt(_ratio(w, p), '.2f')} | "
                 f"{_cell(g)} | {fmt(_ratio(g, p), '.2f')} |")
    return L


def goals(servers: dict, signin: dict, cold: dict) -> list[str]:
    peer = servers["peer"]["rows"]
    L = ["| Goal | Measured | Met |", "|---|---|---|"]
    for key, title in (("waitress", "waitress (`python app.py`)"),
                       ("gunicorn", "gunicorn 2×4")):
        ratios = [_ratio(_row(servers[key]["rows"], label), _row(peer, label))
                  for label in GOAL_ENDPOINTS]
        shown = ", ".join(f"{label.split(' ', 1)[1]} {fmt(r, '.2f')}"
                          for label, r in zip(GOAL_ENDPOINTS, ratios))
        met = all(r is not None and r >= 1 for r in ratios)
        L.append(f"| ≥ oidc-provider's req/s on every endpoint, {title} | ours/peer: {shown} | "
                 f"{'yes' if met else 'no'} |")
    share = signin["share"]
    L.append(f"| sign-in ≥ 90 % of the bcrypt limit | {signin['per_second']:.2f}/s of "
             f"{signin['limit']:.2f}/s = {share * 100:.0f} % | "
             f"{'yes' if share >= 0.9 else 'no'} |")
    worst = max(cold["first"], cold["second"])
    L.append(f"| cold start < 1.5 s | {cold['first']:.2f} s (new instance), "
             f"{cold['second']:.2f} s (existing) | {'yes' if worst < 1.5 else 'no'} |")
    rss = [v for _k, v in servers["waitress"]["rss"] if v is not None]
    top = max(rss) if rss else None
    L.append(f"| < 150 MB resident (waitress, whole run) | at most {mib(top)} | "
             f"{'yes' if top is not None and top < 150 * 1000 * 1000 / 1024 else 'no'} |")
    return L


def detail(name: str, shown: str, data: dict) -> list[str]:
    L = [f"### {name}\n", f"Server: `{shown}`\n",
         "| Endpoint | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | socket errors |",
         "|---|---|---|---|---|---|---|"]
    for r in data["rows"]:
        L.append(f"| {r['label']} | {fmt(r['rps'], '.0f')} | {fmt(r['p50'], '.2f')} | "
                 f"{fmt(r['p99'], '.2f')} | {r['requests']} | {r['non2xx']} | {r['socket']} |")
    L.append("")
    note = " (master + workers summed; shared pages counted more than once)" \
        if "gunicorn" in name else ""
    L.append(f"RSS (VmRSS){note}: " + "; ".join(f"{k} {mib(v)}" for k, v in data["rss"]) + "\n")
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


def write_results(path: Path, *, info: dict, cold: dict, signin: dict, servers: dict,
                  started: str, elapsed: float, wrk_args: list[str]) -> None:
    i = info
    L = ["# B2C Lab benchmark results\n",
         f"Generated by `python bench/run.py` on {started} (UTC); the run took {elapsed:.0f} s. "
         "The part above the hand-written section is replaced on every run; see "
         "[README.md](README.md) for the method and how to read it.\n",
         "## Machine\n",
         f"- CPUs (`nproc`): {i['nproc']} — {i['cpu']}; RAM {i['ram']}; {i['os']}",
         f"- Load average (1/5/15 min) at start: {' / '.join(i['loadavg'])}; at the end: "
         f"{' / '.join(i['loadavg_end'])}",
         f"- Python {i['python']}, Flask {i['flask']}, waitress {i['waitress']}, gunicorn "
         f"{i['gunicorn']}, bcrypt {i['bcrypt']}, SQLite {i['sqlite']}, {i['wrk']}",
         f"- Node.js {i['node']}, oidc-provider {i['oidc_provider']}\n",
         "## Against the goals\n", *goals(servers, signin, cold), "",
         "## Side by side (wrk)\n",
         f"`wrk {' '.join(wrk_args)}`, one run each, on loopback, wrk and the servers on the "
         "same CPUs. Ratio = B2C Lab req/s ÷ oidc-provider req/s (above 1: B2C Lab is faster). "
         "oidc-provider is one node process; waitress is one Python process with "
         "`IDP_SERVER_THREADS` threads; gunicorn is 2 processes × 4 threads.\n",
         *side_by_side(servers), "",
         "## Full sign-in flow at bcrypt cost 12 (waitress)\n",
         f"- bcrypt `checkpw` at cost 12, median of 7 on one core, just before and just after "
         f"the sign-ins: {' and '.join(f'{c:.0f}' for c in signin['checks_ms'])} ms (load "
         f"average {' and '.join(f'{x:.1f}' for x in signin['load'])}); {signin['cores']} "
         f"cores ⇒ limit {signin['cores']} ÷ {signin['check_ms'] / 1000:.3f} s = "
         f"{signin['limit']:.2f} sign-ins/s.",
         f"- {signin['done']} sign-ins ({signin['failed']} failed) from {signin['threads']} "
         f"client threads in {signin['seconds']:.1f} s: **{signin['per_second']:.2f}/s, "
         f"{signin['share'] * 100:.0f} % of the limit**; one sign-in took "
         f"{fmt(signin['p50'], '.0f')} ms (p50), {fmt(signin['p99'], '.0f')} ms (p99).",
         "- One sign-in: authorize → sign-in page → POST e-mail and password → code → "
         "token "
         "(id_token + refresh token), a new cookie jar each time. The client threads run on "
         "the same CPUs.",
    ]
    for error in signin["errors"]:
        L.append(f"- error: `{error}`")
    L += ["", "## Cold start\n",
          "Time from spawning the server to the first 200 on its discovery URL (polled every "
          "10 ms).\n", "| Server | Seconds |", "|---|---|",
          f"| B2C Lab, new instance folder (migrations, seed, RSA key, admin bcrypt) | "
          f"{cold['first']:.2f} |",
          f"| B2C Lab, same folder again | {cold['second']:.2f} |",
          f"| oidc-provider (`node server.mjs`) | {cold['peer']:.2f} |", "",
          "## Memory (VmRSS)\n", "| Server | After start | After the sign-ins | After wrk |",
          "|---|---|---|---|"]
    for key, title in (("waitress", "B2C Lab waitress"), ("gunicorn", "B2C Lab gunicorn "
                                                                       "(summed, overstated)"),
                       ("peer", "oidc-provider")):
        rss = dict(servers[key]["rss"])
        L.append(f"| {title} | {mib(rss.get('after start'))} | "
                 f"{mib(rss.get('after the sign-ins'))} | {mib(servers[key]['rss'][-1][1])} |")
    L += ["", "## Each server\n"]
    for key in ("peer", "waitress", "gunicorn"):
        L += detail(servers[key]["title"], servers[key]["shown"], servers[key])
    L += ["## Raw wrk output\n", "<details><summary>click to expand</summary>\n"]
    for key in ("peer", "waitress", "gunicorn"):
        for label, cmd, out in servers[key]["raw"]:
            L += [f"**{servers[key]['title']} — {label}**: `{cmd}`\n",
                  "```\n" + out.strip() + "\n```\n"]
    L += ["</details>\n"]
    kept = ""
    if path.exists() and MARKER in (old := path.read_text()):
        kept = old[old.index(MARKER):]
    path.write_text("\n".join(L) + "\n" + (kept or MARKER + "\n"))
