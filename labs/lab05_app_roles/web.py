"""Lab 05's own app: the API connector ``POST /api/approles/getapproles`` (B2C calls it at
"Before sending the token"), a Settings page for the roles-provider app's credentials, and a
log of the last calls it received with what it answered and the Graph calls it made.

Mounted by B2C Lab at ``/labs/approles``; it also runs alone, so the connector call crosses a
real network hop to another port:

    python -m labs.lab05_app_roles.web --port 5004
    # connector URL: http://localhost:5004/api/approles/getapproles

It reaches B2C Lab over HTTP only (token endpoint, Graph); it never imports ``idp``.
"""
from __future__ import annotations

import argparse
import base64
import json
import secrets
from pathlib import Path

import requests
from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFProtect

from . import approles, graph, store
from .forms import SettingsForm

MOUNT = "approles"
CONNECTOR_PATH = "/api/approles/getapproles"


def _secret_key(folder: str) -> str:
    path = Path(folder) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def create_app(settings: dict) -> Flask:
    """``settings``: IDP_URL, TENANT, DATA_DIR, PUBLIC_URL (see ``labs.mount``); tests may add
    HTTP (a ``requests``-like object the app uses for the token endpoint and Graph)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=_secret_key(settings["DATA_DIR"]),
                      SESSION_COOKIE_NAME="approles_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_SSL_STRICT=False,
                      SESSION_COOKIE_SECURE=settings["PUBLIC_URL"].startswith("https://"))
    app.config.update({k: v for k, v in settings.items() if k != "HTTP"})
    app.json.sort_keys = False  # the sample's key order: version, action, userMessage, claim
    app.extensions["approles_http"] = settings.get("HTTP") or requests
    app.jinja_env.filters["pretty"] = lambda data: json.dumps(data, indent=2)  # keys as sent
    csrf = CSRFProtect(app)
    app.add_url_rule("/", "index", index)
    app.add_url_rule("/settings", "settings", settings_page, methods=["GET", "POST"])
    app.add_url_rule("/log", "log", log)
    app.add_url_rule(CONNECTOR_PATH, "getapproles", getapproles, methods=["POST"])
    csrf.exempt(getapproles)  # called by B2C with JSON, never from a browser form

    @app.after_request
    def _no_framing(response):
        # served on the IdP's origin: no other site may frame these pages
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; style-src 'self'; frame-ancestors 'none'")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
    return app


def _folder() -> str:
    return current_app.config["DATA_DIR"]


def _graph(settings: dict) -> graph.GraphClient:
    return graph.GraphClient(graph.Credentials(
        current_app.config["IDP_URL"], current_app.config["TENANT"], settings["client_id"],
        settings["client_secret"]), current_app.extensions["approles_http"])


def connector_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + CONNECTOR_PATH


def index():
    settings = store.load_settings(_folder())
    return render_template("approles/index.html", settings=settings,
                           connector_url=connector_url(), calls=len(store.recent_calls(_folder())))


def _roles_in(token: str) -> list[str]:
    """The ``roles`` of a JWT, for display only (Graph itself checks the token)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["roles"]
    except (IndexError, ValueError, KeyError, TypeError):
        return []


def _try_token(settings: dict) -> None:
    try:
        roles = _roles_in(_graph(settings).token())
    except graph.GraphFailure as failure:
        flash(f"Settings saved. {failure}", "error")
        return
    flash("Settings saved. Graph token received; its application permissions (roles): "
          f"{', '.join(roles) or 'none: add and consent them under API permissions'}.",
          "success")


def settings_page():
    current = store.load_settings(_folder())
    form = SettingsForm(has_secret=bool(current["client_secret"]),
                        data=None if request.method == "POST" else current)
    if not form.validate_on_submit():
        return render_template("approles/settings.html", form=form, settings=current), (
            400 if request.method == "POST" else 200)
    saved = store.save_settings(_folder(), form.client_id.data, form.client_secret.data,
                                form.user_attribute_name.data)
    graph.forget_tokens()
    _try_token(saved)
    return redirect(url_for("settings"), 303)


def log():
    return render_template("approles/log.html", calls=store.recent_calls(_folder()),
                           keep=store.KEEP_CALLS)


def getapproles():
    """The connector.  Always HTTP 200 with Continue or ShowBlockPage, as the sample; a body
    that is not JSON gets 400, as ASP.NET's model binding answers before the sample runs."""
    body = request.get_json(silent=True)
    if body is None:
        return {"title": "The request body is not JSON.", "status": 400}, 400
    settings = store.load_settings(_folder())
    client = _graph(settings)
    configured = settings["client_id"] and settings["client_secret"]
    reply, problem = approles.answer(body, client if configured else _NotConfigured(),
                                     settings["user_attribute_name"])
    store.add_call(_folder(), {"request": body, "response": reply, "problem": problem,
                               "graph_calls": client.calls,
                               "authorization": request.headers.get("Authorization", "")
                               .split(" ")[0] or "none"})
    return reply, 200


class _NotConfigured:
    def get(self, path, params=None):
        raise approles.RolesError("The lab app has no roles-provider credentials yet: enter "
                                  "them on its Settings page.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run lab 05's app roles API on its own port.")
    parser.add_argument("--port", type=int, default=5004)
    parser.add_argument("--idp-url", default="http://localhost:5000",
                        help="the B2C Lab address (default http://localhost:5000)")
    parser.add_argument("--tenant", default="contoso")
    parser.add_argument("--data-dir", default=str(Path("instance") / "labs" / MOUNT),
                        help="where settings.json and the call log live (default: the same "
                             "folder as the copy B2C Lab mounts)")
    args = parser.parse_args(argv)
    public = f"http://localhost:{args.port}"
    app = create_app({"IDP_URL": args.idp_url.rstrip("/"), "TENANT": args.tenant,
                      "DATA_DIR": args.data_dir, "PUBLIC_URL": public})
    print(f"Lab 05 app roles API on {public}/  (connector URL: {public}{CONNECTOR_PATH})",
          flush=True)
    from waitress import serve

    serve(app, host="127.0.0.1", port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
