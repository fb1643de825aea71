"""Lab 07's own app: the REST API the custom policy's RESTful technical profile calls as a
validation technical profile of the sign-up page (``POST /api/check-email``), and a page with
the XML snippets the lab has you paste (this server's addresses filled in) and the last requests
B2C sent the API with what it answered.

The API speaks B2C's RESTful contract: HTTP 200 with the output claims as a JSON object, or a
4xx with ``version``, ``status`` and ``userMessage`` (the page shows ``userMessage``).  Here: an
address at a blocked domain gets 409, any other gets 200 with a ``promoCode``.

Mounted by B2C Lab at ``/labs/ief``; it also runs alone, so the call crosses a real network hop:

    python -m labs.lab07_custom_policies.web --port 5007
    # ServiceUrl: http://localhost:5007/api/check-email

It never imports ``idp``.  It checks no credentials (the lab's profile uses AuthenticationType
None, as B2C allows only with AllowInsecureAuthInProduction); a real API must.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from flask import Flask, current_app, render_template, request

from .. import call_log

from . import snippets

MOUNT = snippets.MOUNT
KEEP_CALLS = 5
VERSION = "1.0.0"


def create_app(settings: dict) -> Flask:
    """``settings``: IDP_URL, TENANT, DATA_DIR, PUBLIC_URL (see ``labs.mount``)."""
    app = call_log.create_app(__name__, settings)
    app.add_url_rule("/", "index", index)
    app.add_url_rule(snippets.CHECK_EMAIL_PATH, "check_email", check_email, methods=["POST"])
    return app


def answer(body) -> tuple[dict, int, str]:
    """(JSON answer, HTTP status, why in words) for a request body."""
    if not isinstance(body, dict):
        return ({"version": VERSION, "status": 400,
                 "userMessage": "The request body is not a JSON object: send the claims in the "
                                "body (SendClaimsIn Body)."}, 400, "not a JSON object")
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        return ({"version": VERSION, "status": 400,
                 "userMessage": "The request has no email claim: add <InputClaim "
                                "ClaimTypeReferenceId=\"email\" /> to the technical profile."},
                400, "no email claim")
    domain = email.rsplit("@", 1)[1].strip().lower()
    if domain in snippets.BLOCKED_DOMAINS:
        return ({"version": VERSION, "status": 409,
                 "userMessage": snippets.BLOCKED_MESSAGE},
                409, f"{domain} is blocked: 409, the page shows the userMessage")
    return ({"promoCode": snippets.PROMO_CODE}, 200,
            f"{domain} is welcome: 200 with a promotion code")


def check_email():
    body = request.get_json(silent=True)
    reply, status, why = answer(body)
    _remember({"request": body if body is not None else request.get_data(as_text=True)[:2000],
               "status": status, "response": reply, "why": why})
    return reply, status


def recent_calls() -> list[dict]:
    return call_log.recent_calls(current_app.config["DATA_DIR"])


def _remember(call: dict) -> None:
    call_log.remember(current_app.config["DATA_DIR"], call, KEEP_CALLS)


def service_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + snippets.CHECK_EMAIL_PATH


def filled(xml: str) -> str:
    """A snippet with this server's addresses: the ServiceUrl is this app's own (it may run on
    another port), anything else under ``{base}`` is B2C Lab's."""
    return (xml.replace("{base}/labs/" + MOUNT, current_app.config["PUBLIC_URL"].rstrip("/"))
            .replace("{base}", current_app.config["IDP_URL"].rstrip("/")))


def index():
    blocked_example = answer({"email": f"someone@{snippets.BLOCKED_DOMAINS[0]}"})[0]
    welcome_example = answer({"email": "someone@example.com"})[0]
    return render_template("ief/index.html", service_url=service_url(),
                           blocked=snippets.BLOCKED_DOMAINS, calls=recent_calls(),
                           blocked_example=blocked_example, welcome_example=welcome_example,
                           snippets=[(title, where, filled(xml))
                                     for title, where, xml in snippets.ALL])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run lab 07's REST API on its own port.")
    parser.add_argument("--port", type=int, default=5007)
    parser.add_argument("--idp", default="http://localhost:5000",
                        help="B2C Lab's address (default http://localhost:5000)")
    parser.add_argument("--data-dir", default=str(Path("instance") / "labs" / MOUNT),
                        help="where the call log lives (default: the same folder as the copy "
                             "B2C Lab mounts)")
    args = parser.parse_args(argv)
    public = f"http://localhost:{args.port}"
    app = create_app({"IDP_URL": args.idp, "TENANT": "contoso", "DATA_DIR": args.data_dir,
                      "PUBLIC_URL": public})
    print(f"Lab 07 REST API on {public}/  (ServiceUrl: {public}{snippets.CHECK_EMAIL_PATH})",
          flush=True)
    from waitress import serve

    serve(app, host="127.0.0.1", port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
