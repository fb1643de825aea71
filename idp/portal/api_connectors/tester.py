"""Test connector: send a sample request to the connector's endpoint exactly as B2C would at a
chosen step, and show the request (credentials hidden), the response, and what B2C would do
with it (``engine.connectors.interpret_response``, the same judge the runtime uses).

The sample body is ``build_request_body`` over ``sample_bag``: the tenant's attributes, the
extensions app id, the first app registration's client id.  A test call is an admin action, so
it is audited as "Test Api connector", not as the runtime's "An API was called as part of a
user flow".
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import render_template, request

from ...engine.connectors import (STEPS, Verdict, build_request_body, interpret_response,
                                  sample_bag, transport_failure)
from ...extensions import db
from ...models import ApiConnector, AppRegistration
from ...store import connector_client
from ...store.attributes import EXTENSIONS_APP_PREFIX, extensions_app_id, tenant_catalogue
from ..common import audit_change, get_or_404
from . import bp
from .forms import ConnectorTestForm
from .views import CATEGORY

DEFAULT_STEP = "PostAttributeCollection"
PLACEHOLDER_CLIENT_ID = "00000000-0000-0000-0000-000000000000"
HIDDEN = "●●●●●● (hidden)"
#: how much of a response body the page shows
SHOWN_RESPONSE_CHARS = 20_000


@dataclass
class TestRun:
    """One Send request: what went out, what came back, and B2C's verdict."""

    headers: list[tuple[str, str]]
    body: str
    result: connector_client.CallResult
    response_body: str
    verdict: Verdict


@bp.route("/<connector_id>/test", methods=["GET", "POST"])
def test(connector_id: str):
    connector = get_or_404(ApiConnector, connector_id)
    form = ConnectorTestForm(step=_step(request.args.get("step")))
    run, status = None, 200
    if request.method == "GET" or request.form.get("action") == "load":
        form.step.data = _step(form.step.data)
        form.body.data = json.dumps(sample_body(form.step.data), indent=2, ensure_ascii=False)
    elif form.validate_on_submit():
        run = _send(connector, form.step.data, form.parsed_body)
        audit_change("Test Api connector", category=CATEGORY, ApiConnectorId=connector.id,
                     displayName=connector.display_name, step=form.step.data,
                     statusCode=run.result.status, numberOfAttempts=run.result.attempts,
                     verdict=run.verdict.kind)
        db.session.commit()
    else:
        status = 400
    return render_template("portal/api_connectors/test.html", connector=connector, form=form,
                           run=run, headers=shown_headers(connector)), status


def _step(value: str | None) -> str:
    return value if value in STEPS else DEFAULT_STEP


def sample_body(step: str) -> dict:
    """The body B2C would send at ``step`` for a plausible user of this tenant."""
    catalogue = tenant_catalogue()
    return build_request_body(step, sample_bag(step, catalogue), client_id=_client_id(),
                              ui_locales="en-US", attributes=catalogue,
                              extensions_app_id=extensions_app_id())


def _client_id() -> str:
    app = db.session.execute(db.select(AppRegistration).filter(
        ~AppRegistration.name.startswith(EXTENSIONS_APP_PREFIX))
        .order_by(AppRegistration.id)).scalars().first()
    return app.client_id if app else PLACEHOLDER_CLIENT_ID


def _send(connector: ApiConnector, step: str, body: dict) -> TestRun:
    result = connector_client.call(connector, body)
    if result.error:
        verdict = transport_failure(result.error)
    else:
        verdict = interpret_response(step, result.status, result.body, tenant_catalogue(),
                                     extensions_app_id())
    return TestRun(shown_headers(connector), json.dumps(body, indent=2, ensure_ascii=False),
                   result, _pretty(result.body), verdict)


def shown_headers(connector: ApiConnector) -> list[tuple[str, str]]:
    """The request headers B2C sends, credentials replaced by a placeholder."""
    headers = [("Content-Type", "application/json")]
    if connector.auth_type == "basic":
        headers.append(("Authorization", f"Basic {HIDDEN}: base64 of "
                                         f"{connector.username or ''}:<password>"))
    elif connector.auth_type == "bearer":
        headers.append(("Authorization", f"Bearer {HIDDEN}"))
    elif connector.auth_type == "apikey":
        headers.append((connector.api_key_header or "x-api-key", HIDDEN))
    return headers


def _pretty(text: str) -> str:
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        pass
    if len(text) > SHOWN_RESPONSE_CHARS:
        return text[:SHOWN_RESPONSE_CHARS] + f"\n… ({len(text) - SHOWN_RESPONSE_CHARS} more " \
                                             "characters not shown)"
    return text
