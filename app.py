"""B2C Lab: one process serving the IdP (B2C tenant, portal, flows), the token viewer, the
mailbox and the sample app at ``/rp``.

    python app.py            # http://localhost:5000 (HOST, PORT, IDP_PUBLIC_URL, DATABASE_URL)
    python app.py --https    # https://localhost:5000 with a local CA in instance/ (IDP_HTTPS=1)
    python app.py --server granian --workers 2    # for hosting a room (IDP_SERVER,
                                                  # IDP_SERVER_WORKERS)

The sample app is a separate Flask app with its own session cookie; it reaches the IdP only
over HTTP.  ``build_app()`` is also the WSGI factory for granian and gunicorn:
``gunicorn 'app:build_app()'``.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from werkzeug.middleware.dispatcher import DispatcherMiddleware

import rp_demo
from idp import create_app, tls
from idp.config import instance_secret
from labs.mount import lab_apps
from practice_idps.mount import practice_apps


ROOT = Path(__file__).resolve().parent
SERVERS = ("waitress", "granian")
GRANIAN_STOP_SECONDS = 5  # a worker's graceful stop: requests under way may finish


def build_app(test_config: dict | None = None):
    """The IdP with the sample app mounted at ``/rp``, the labs' apps under ``/labs`` and the
    practice Facebook and Google under ``/practice``.  In https mode it also makes the
    certificates (``app.extensions["b2clab_tls"]``) and has this process trust the CA, so the
    sample app's calls to the IdP verify."""
    idp_app = create_app(test_config)
    instance = Path(idp_app.instance_path)
    base = idp_app.config["IDP_PUBLIC_URL"]
    if idp_app.config["IDP_HTTPS"]:
        files = tls.ensure_certificates(instance, base)
        tls.trust_ca_in_process(files.ca, instance)
        idp_app.extensions["b2clab_tls"] = files
    tenant = idp_app.config["IDP_TENANT_NAME"]
    client = json.loads((instance / "rp_demo_client.json").read_text())
    rp_app = rp_demo.create_app({
        "SECRET_KEY": instance_secret(instance, "rp_demo_secret_key"),
        "RP_CLIENT_ID": client["client_id"],
        "RP_CLIENT_SECRET": client["client_secret"],
        "RP_PUBLIC_URL": f"{base}/rp",
        "RP_AUTHORITY": f"{base}/{tenant}.onmicrosoft.com",
        "RP_API_SCOPE": f"https://{tenant}.onmicrosoft.com/rp-demo-api/demo.read",
        "RP_TOKEN_STORE": str(instance / "rp_demo_tokens.sqlite3"),
    })
    mounts = {"/rp": rp_app, **lab_apps(idp_url=base, tenant=tenant, instance_path=instance,
                                         public_url=base),
              **practice_apps(public_url=base, tenant=tenant, instance_path=instance)}
    idp_app.wsgi_app = DispatcherMiddleware(idp_app.wsgi_app, mounts)
    return idp_app


def _admin_password_lines(app) -> list[str]:
    """The admin password the seed just made (empty when it made none): shown once."""
    seed = app.extensions.get("b2clab_seed")
    if not (seed and seed.admin_password):
        return []
    return ["", "  Portal admin account created. Sign in as 'admin' with this password",
            "  (shown only now; reset it with 'flask --app app admin reset-password'):",
            f"      {seed.admin_password}"]


def _banner(app) -> str:
    base = app.config["IDP_PUBLIC_URL"]
    tenant = app.config["IDP_TENANT_NAME"]
    seed = app.extensions.get("b2clab_seed")
    lines = ["", "B2C Lab is running.", f"  Home             {base}/",
             f"  Sample app       {base}/rp/",
             f"  Token viewer     {base}/jwt",
             f"  Mailbox          {base}/mailbox",
             f"  Practice IdPs    {base}/practice/facebook/  {base}/practice/google/",
             f"  Metadata (susi)  {base}/{tenant}.onmicrosoft.com/B2C_1_susi/v2.0/"
             ".well-known/openid-configuration"]
    lines += _admin_password_lines(app)
    for note in seed.notes if seed else []:
        lines.append(f"  Note: {note}")
    files = app.extensions.get("b2clab_tls")
    if files:
        made = ": a new certificate authority was made" if files.ca_created else ""
        lines += ["", f"  https mode{made}.", *tls.trust_instructions(files.ca)]
        if not base.startswith("https://"):
            lines.append(f"  Note: IDP_PUBLIC_URL is {base}, but the server speaks https.")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run B2C Lab.")
    parser.add_argument("--https", action="store_true",
                        help="serve https with a local CA made into instance/ (IDP_HTTPS=1)")
    parser.add_argument("--server", choices=SERVERS,
                        help="waitress (the default: pure Python, every OS) or granian (a Rust "
                             "HTTP server, several processes: for hosting a room) (IDP_SERVER)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="granian's processes, one per core is a good start "
                             "(IDP_SERVER_WORKERS, default 1)")
    args = parser.parse_args(argv)
    # Through the environment, so that granian's worker processes see the same settings.
    workers = None if args.workers is None else str(args.workers)
    for name, value in (("IDP_HTTPS", "1" if args.https else None),
                        ("IDP_SERVER", args.server), ("IDP_SERVER_WORKERS", workers)):
        if value is not None:
            os.environ[name] = value
    app = build_app()
    server = str(app.config["IDP_SERVER"]).lower()
    problem = _server_problem(app, server)
    if problem:  # instead of the banner, which would say "running"
        print("\n".join([problem, *_admin_password_lines(app)]), file=sys.stderr)
        return 2
    if workers is not None and server != "granian":
        print("--workers applies to granian only (--server granian); waitress runs one "
              "process.", file=sys.stderr)
    print(_banner(app), flush=True)
    host, port = app.config["HOST"], int(app.config["PORT"])
    tls_files = app.extensions.get("b2clab_tls")
    if server == "granian":
        _serve_granian(app, host, port, tls_files)
    elif tls_files:
        tls.serve_https(app, host, port, tls_files)
    else:
        from waitress import serve

        serve(app, host=host, port=port, threads=int(app.config["IDP_SERVER_THREADS"]),
              ident="b2clab")
    return 0


def _server_problem(app, server: str) -> str | None:
    """Why the chosen server cannot run with these settings, in words; None when it can."""
    if server not in SERVERS:
        return f"IDP_SERVER is {app.config['IDP_SERVER']!r}: use one of {', '.join(SERVERS)}."
    if server != "granian":
        return None
    if int(app.config["IDP_SERVER_WORKERS"]) < 1:
        return f"IDP_SERVER_WORKERS is {app.config['IDP_SERVER_WORKERS']}: give 1 or more."
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite") and (":memory:" in uri or uri.rstrip("/") == "sqlite:"):
        return ("granian serves from its own processes, and an in-memory database lives in "
                "one: give DATABASE_URL a file, or use waitress.")
    return None


def _serve_granian(app, host: str, port: int, tls_files) -> None:
    """Serve with granian: its worker processes each call :func:`build_app` (this process
    already migrated and seeded the database, so theirs only read it)."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    # granian warns when threads outnumber 2 x cores + 1.  Here they are meant: the sample app
    # and the lab apps call this server back (token, API connectors) while holding a thread.
    logging.getLogger("_granian").addFilter(
        lambda record: "Python threads" not in record.getMessage())
    options = {}
    if tls_files:
        options = {"ssl_cert": tls_files.cert, "ssl_key": tls_files.key}
    Granian("app:build_app", factory=True, interface=Interfaces.WSGI, address=host, port=port,
            workers=int(app.config["IDP_SERVER_WORKERS"]),
            blocking_threads=int(app.config["IDP_SERVER_THREADS"]),
            working_dir=ROOT, log_level=LogLevels.warning,
            # Ctrl+C reaches the main process and the workers at once; granian then signals the
            # workers again, and a worker often never finished its stop, so the server went on
            # serving (tests/e2e/test_two_workers.py).  A worker not stopped after this many
            # seconds is killed.
            workers_kill_timeout=GRANIAN_STOP_SECONDS, **options).serve()


if __name__ == "__main__":
    sys.exit(main())
