"""B2C Lab: one process serving the IdP (B2C tenant, portal, flows), the token viewer, the
mailbox and the sample app at ``/rp``.

    python app.py            # http://localhost:5000 (HOST, PORT, IDP_PUBLIC_URL, DATABASE_URL)

The sample app is a separate Flask app with its own session cookie; it reaches the IdP only
over HTTP.  ``build_app()`` is also the WSGI factory for gunicorn: ``gunicorn 'app:build_app()'``.
"""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

from werkzeug.middleware.dispatcher import DispatcherMiddleware

import rp_demo
from idp import create_app


def _rp_secret_key(instance: Path) -> str:
    path = instance / "rp_demo_secret_key"
    if not path.exists():
        try:
            with open(path, "x", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip()


def build_app(test_config: dict | None = None):
    """The IdP with the sample app mounted at ``/rp``."""
    idp_app = create_app(test_config)
    instance = Path(idp_app.instance_path)
    base = idp_app.config["IDP_PUBLIC_URL"]
    tenant = idp_app.config["IDP_TENANT_NAME"]
    client = json.loads((instance / "rp_demo_client.json").read_text())
    rp_app = rp_demo.create_app({
        "SECRET_KEY": _rp_secret_key(instance),
        "RP_CLIENT_ID": client["client_id"],
        "RP_CLIENT_SECRET": client["client_secret"],
        "RP_PUBLIC_URL": f"{base}/rp",
        "RP_AUTHORITY": f"{base}/{tenant}.onmicrosoft.com",
        "RP_API_SCOPE": f"https://{tenant}.onmicrosoft.com/rp-demo-api/demo.read",
        "RP_TOKEN_STORE": str(instance / "rp_demo_tokens.sqlite3"),
    })
    idp_app.wsgi_app = DispatcherMiddleware(idp_app.wsgi_app, {"/rp": rp_app})
    return idp_app


def _banner(app) -> str:
    base = app.config["IDP_PUBLIC_URL"]
    tenant = app.config["IDP_TENANT_NAME"]
    seed = app.extensions.get("b2clab_seed")
    lines = ["", "B2C Lab is running.", f"  Home             {base}/",
             f"  Sample app       {base}/rp/",
             f"  Token viewer     {base}/jwt",
             f"  Mailbox          {base}/mailbox",
             f"  Metadata (susi)  {base}/{tenant}.onmicrosoft.com/B2C_1_susi/v2.0/"
             ".well-known/openid-configuration"]
    if seed and seed.admin_password:
        lines += ["", "  Portal admin account created. Sign in as 'admin' with this password",
                  f"  (shown only now; reset it with 'flask --app app admin reset-password'):",
                  f"      {seed.admin_password}"]
    for note in seed.notes if seed else []:
        lines.append(f"  Note: {note}")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def main() -> int:
    from waitress import serve

    app = build_app()
    print(_banner(app), flush=True)
    serve(app, host=app.config["HOST"], port=int(app.config["PORT"]),
          threads=int(app.config["IDP_SERVER_THREADS"]), ident="b2clab")
    return 0


if __name__ == "__main__":
    sys.exit(main())
