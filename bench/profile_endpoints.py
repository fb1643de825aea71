"""Per-request cost of the hot endpoints, in process, and where it goes (pyinstrument).

    /tmp/venv/bin/pip install pyinstrument          # once; not a requirement of the app
    python bench/profile_endpoints.py                          # ms per request for each endpoint
    python bench/profile_endpoints.py --profile token_cc   # and pyinstrument's call tree of one

Builds the app (``app.build_app``) on a new SQLite file in a temp folder, exactly as
``python app.py`` would, and calls it through Flask's test client from one thread: no HTTP
server, no wrk, no other threads.  So the numbers are the app's own work per request (wall
and CPU time), and they hardly move with the machine's load, unlike wrk's req/s: use them to
compare a change before and after.  The sign-in row runs the whole flow (authorize, page,
credentials, code, token) at bcrypt cost 4, so bcrypt's fixed cost does not hide the rest.
"""
from __future__ import annotations

import argparse
import base64
import html
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

POLICY = "/contoso.onmicrosoft.com/B2C_1_susi"
FORM = re.compile(r'<form id="localAccountForm" action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(csrf_token|step)" value="([^"]*)"')


def build(tmp: Path):
    os.environ.update(IDP_INSTANCE_PATH=str(tmp), IDP_PUBLIC_URL="http://127.0.0.1:5000",
                      IDP_BCRYPT_ROUNDS="4")
    os.environ.pop("DATABASE_URL", None)
    import seed
    from app import build_app

    app = build_app()
    with app.app_context():
        users = seed._users(4)
    client = __import__("json").loads((tmp / "rp_demo_client.json").read_text())
    return app, client, [email for _id, email in users], seed


def cases(app, client: dict, emails: list[str], seed, count: int) -> dict:
    raw = f"{quote_plus(client['client_id'])}:{quote_plus(client['client_secret'])}"
    auth = {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}
    with app.app_context():
        refresh = iter(seed._refresh_tokens(2 * count + 100, client["client_id"],
                                            _object_id(emails[0])))
    http = app.test_client()

    def discovery():
        assert http.get(f"{POLICY}/v2.0/.well-known/openid-configuration").status_code == 200

    def jwks():
        assert http.get(f"{POLICY}/discovery/v2.0/keys").status_code == 200

    def token_cc():
        r = http.post(f"{POLICY}/oauth2/v2.0/token", headers=auth, data={
            "grant_type": "client_credentials", "scope": f"{client['client_id']}/.default"})
        assert r.status_code == 200, r.get_data(as_text=True)

    def token_refresh():
        r = http.post(f"{POLICY}/oauth2/v2.0/token", headers=auth, data={
            "grant_type": "refresh_token", "refresh_token": next(refresh)})
        assert r.status_code == 200, r.get_data(as_text=True)

    def sign_in():
        browser = app.test_client()
        redirect_uri = "http://127.0.0.1:5000/rp/signin-oidc"
        page = browser.get(f"{POLICY}/oauth2/v2.0/authorize", query_string={
            "client_id": client["client_id"], "redirect_uri": redirect_uri,
            "response_type": "code", "scope": "openid offline_access", "state": "s",
            "nonce": "n"})
        text = page.get_data(as_text=True)
        data = dict(HIDDEN.findall(text))
        data.update(signInName=emails[0], password=seed.PASSWORD, action="continue")
        answer = browser.post(html.unescape(FORM.search(text).group(1)), data=data)
        code = parse_qs(urlsplit(answer.location).query)["code"][0]
        r = browser.post(f"{POLICY}/oauth2/v2.0/token", headers=auth, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})
        assert r.status_code == 200, r.get_data(as_text=True)

    return {"discovery": discovery, "jwks": jwks, "token_cc": token_cc,
            "token_refresh": token_refresh, "sign_in": sign_in}


def _object_id(email: str) -> str:
    from idp.extensions import db
    from idp.models import UserIdentity

    return db.session.execute(db.select(UserIdentity.user_object_id).filter_by(
        issuer_assigned_id_key=email)).scalar_one()


def measure(fn, count: int, batches: int = 20) -> tuple[float, float]:
    """Wall and CPU ms per request: the best of ``batches`` batches (as ``timeit`` does, the
    minimum is what the code costs; the rest is other work on the machine)."""
    for _ in range(10):
        fn()
    size = max(1, count // batches)
    best_wall = best_cpu = float("inf")
    for _ in range(batches):
        wall, cpu = time.perf_counter(), time.thread_time()
        for _ in range(size):
            fn()
        best_wall = min(best_wall, (time.perf_counter() - wall) / size * 1000)
        best_cpu = min(best_cpu, (time.thread_time() - cpu) / size * 1000)
    return best_wall, best_cpu


def counts(app, fn, runs: int = 5) -> tuple[float, float]:
    """SQL statements and Python function calls per request: unlike times, they do not
    depend on what else the machine is doing, so they compare changes on a busy machine."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from idp.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []

    def count(*_args):
        statements.append(1)

    fn()
    event.listen(engine, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for _ in range(runs):
            fn()
        profiler.disable()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements) / runs, pstats.Stats(profiler).total_calls / runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per endpoint (sign-in: /5)")
    parser.add_argument("--profile", choices=["discovery", "jwks", "token_cc", "token_refresh",
                                              "sign_in"], action="append", default=[])
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="b2clab-profile-"))
    try:
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args, tmp: Path) -> int:
    app, client, emails, seed = build(tmp)
    table = cases(app, client, emails, seed, args.requests)
    print(f"{'endpoint':15s} {'wall ms':>8s} {'cpu ms':>8s} {'SQL':>5s} {'py calls':>9s}   "
          f"(one thread, test client, {args.requests} requests, sign-in {args.requests // 5}: "
          "best of 20 batches)")
    for name, fn in table.items():
        count = args.requests // 5 if name == "sign_in" else args.requests
        wall, cpu = measure(fn, count)
        statements, calls = counts(app, fn)
        print(f"{name:15s} {wall:8.2f} {cpu:8.2f} {statements:5.0f} {calls:9.0f}", flush=True)
    for name in args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.requests // 5 if name == "sign_in" else args.requests):
                table[name]()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
