"""Lab 04's web app, one Flask app that is both halves of the sample
InvitationCodeDelegatedUserManagement (b2c-reference §2.1):

- the API connector ``POST /api/userinvitation/redeem`` (``redeem.py``), and
- the delegated user management app: sign-in with OpenID Connect (``auth.py``), the Home,
  Identity, Invitations and Users pages (``pages.py``, ``admin_pages.py``) over Graph
  (``graph.py``), and a Settings page for what the sample keeps in ``appsettings.json``.

It also serves the custom page for the Local account sign up page
(``/page-layouts/selfasserted.html``), which hides the CompanyId and role fields.

B2C Lab mounts it at ``/labs/invitations``; it reaches B2C Lab over HTTP only.  To run it alone:

    python -m labs.lab04_invitation_codes.web --port 5004 [--idp http://localhost:5000]

(the connector is then ``http://localhost:5004/api/userinvitation/redeem``).
"""
from __future__ import annotations

import argparse
import secrets
from dataclasses import dataclass
from pathlib import Path

from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import lab_settings
from .invitations import InvitationStore

MOUNT = "invitations"
HERE = Path(__file__).resolve().parent
CSP = "default-src 'self'; style-src 'self'; frame-ancestors 'none'"


@dataclass
class Lab04:
    """What the views share: where B2C Lab is, this app's URL and files."""

    idp_url: str
    tenant: str
    public_url: str
    data_dir: Path
    oauth: OAuth

    def settings(self) -> lab_settings.LabSettings:
        return lab_settings.load(self.data_dir)

    @property
    def invitations(self) -> InvitationStore:
        return InvitationStore(self.data_dir / "invitations")


def _secret_key(folder: Path) -> str:
    path = folder / "secret_key"
    if not path.exists():
        try:
            with open(path, "x", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip()


def create_app(settings: dict) -> Flask:
    """The lab app.  ``settings``: IDP_URL, TENANT, DATA_DIR (a folder of its own) and
    PUBLIC_URL (its own base URL); optional TESTING."""
    data_dir = Path(settings["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(SECRET_KEY=_secret_key(data_dir), SESSION_COOKIE_NAME="lab04_session",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings["PUBLIC_URL"].startswith("https://"),
                      WTF_CSRF_SSL_STRICT=False, TESTING=settings.get("TESTING", False))
    app.json.sort_keys = False  # the connector's answer keeps the sample's key order
    app.extensions["lab04"] = Lab04(settings["IDP_URL"].rstrip("/"), settings["TENANT"],
                                    settings["PUBLIC_URL"].rstrip("/"), data_dir, OAuth(app))
    csrf = CSRFProtect(app)
    from . import admin_pages, auth, pages, redeem
    for module in (redeem, auth, pages, admin_pages):
        app.register_blueprint(module.bp)
    csrf.exempt(redeem.redeem_invitation)  # called by B2C with Basic credentials, no cookie
    csrf.exempt(auth.signin_callback)

    @app.after_request
    def _headers(response):
        if not response.headers.get("Content-Type", "").startswith("application/json"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run lab 04's app on its own port.")
    parser.add_argument("--port", type=int, default=5004)
    parser.add_argument("--idp", default="http://localhost:5000",
                        help="B2C Lab's address (default http://localhost:5000)")
    parser.add_argument("--tenant", default="contoso")
    parser.add_argument("--data-dir", default=str(HERE.parents[1] / "instance" / "labs" / MOUNT),
                        help="where settings and invitations are kept (default: the same "
                             "folder as when B2C Lab mounts this app)")
    args = parser.parse_args(argv)
    app = create_app({"IDP_URL": args.idp, "TENANT": args.tenant, "DATA_DIR": args.data_dir,
                      "PUBLIC_URL": f"http://localhost:{args.port}"})
    print(f"Lab 04 app on http://localhost:{args.port}/ (API connector: "
          f"http://localhost:{args.port}/api/userinvitation/redeem)", flush=True)
    from waitress import serve

    serve(app, host="127.0.0.1", port=args.port, threads=8)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
