"""Lab 06's own app: the API connector ``POST /api/prefill`` that B2C calls "After federating
with an identity provider during sign-up", and a page showing the customer records it reads and
the last requests B2C sent it (with their federated ``identities``) and what it answered.

Mounted by B2C Lab at ``/labs/social``; it also runs alone, so the connector call crosses a
real network hop to another port:

    python -m labs.lab06_social_identity_providers.web --port 5006
    # connector URL: http://localhost:5006/api/prefill

It never imports ``idp``.  The connector checks no credentials, as the api-connector-samples
do (the lab has you choose Basic with dummy ones); a real one must.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from flask import Flask, current_app, render_template, request

from .. import call_log

from . import prefill

MOUNT = "social"
CONNECTOR_PATH = "/api/prefill"
KEEP_CALLS = 5


def create_app(settings: dict) -> Flask:
    """``settings``: IDP_URL, TENANT, DATA_DIR, PUBLIC_URL (see ``labs.mount``)."""
    app = call_log.create_app(__name__, settings)
    app.add_url_rule("/", "index", index)
    app.add_url_rule(CONNECTOR_PATH, "prefill", prefill_connector, methods=["POST"])
    return app


def recent_calls() -> list[dict]:
    return call_log.recent_calls(current_app.config["DATA_DIR"])


def _remember(call: dict) -> None:
    call_log.remember(current_app.config["DATA_DIR"], call, KEEP_CALLS)


def connector_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + CONNECTOR_PATH


def index():
    return render_template("social/index.html", records=prefill.CUSTOMER_RECORDS,
                           calls=recent_calls(), connector_url=connector_url(),
                           federated=prefill.federated_identity)


def prefill_connector():
    """Always HTTP 200 with Continue, as B2C expects; a body that is not a JSON object gets
    400 (B2C then shows AADB2C90075 naming the connector)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {"version": prefill.VERSION, "status": 400,
                "userMessage": "The request body is not a JSON object."}, 400
    reply, why = prefill.answer(body)
    _remember({"request": body, "response": reply, "why": why,
               "authorization": request.headers.get("Authorization", "").split(" ")[0]
               or "none"})
    return reply, 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run lab 06's prefill API on its own port.")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--data-dir", default=str(Path("instance") / "labs" / MOUNT),
                        help="where the call log lives (default: the same folder as the copy "
                             "B2C Lab mounts)")
    args = parser.parse_args(argv)
    public = f"http://localhost:{args.port}"
    app = create_app({"IDP_URL": "http://localhost:5000", "TENANT": "contoso",
                      "DATA_DIR": args.data_dir, "PUBLIC_URL": public})
    print(f"Lab 06 prefill API on {public}/  (connector URL: {public}{CONNECTOR_PATH})",
          flush=True)
    from waitress import serve

    serve(app, host="127.0.0.1", port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
