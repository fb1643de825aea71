"""API connector calls are confined (B2C Lab's answer to SSRF in a tool whose point is calling
the learner's own endpoints on localhost): http and https only, refused at save, at import and
again at call time; the response read is capped at 1 MB; redirects are never followed; every
call carries a timeout.  The custom page fetch has the same limits
(tests/flows/test_custom_pages.py::test_fetch_failures_end_on_the_error_page) and its URI the same
scheme check (tests/portal/test_company_branding.py::test_page_layouts_bad_rows_are_refused).
A connector's credentials never come back on a page: tests/portal/test_api_connectors.py::
test_secrets_are_sealed_and_never_shown_back and test_continue_with_claims_and_the_basic_header.
"""
from __future__ import annotations

import pytest
import requests

from idp.extensions import db
from idp.models import ApiConnector
from idp.store import connector_client
from idp.store.transfer import build_target, export_tenant
from idp.store.transfer_checks import check_document
from tests.connector_server import ConnectorServer, start

SCHEMES = ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://127.0.0.1/x",
           "dict://127.0.0.1:11211/stat", "javascript:alert(1)", "http:///no-host",
           "//127.0.0.1/api", "127.0.0.1:5004/api"]
FIELDS = {"display_name": "confined", "auth_type": "none", "timeout_seconds": "5",
          "retries": "1"}


def connectors(app) -> list[ApiConnector]:
    with app.app_context():
        return db.session.execute(db.select(ApiConnector)).scalars().all()


@pytest.mark.parametrize("url", SCHEMES)
def test_only_http_and_https_are_saved(admin, app, url):
    response = admin.post_form("/portal/api-connectors/new", endpoint_url=url, **FIELDS)
    assert response.status_code == 400
    assert "must be an absolute http:// or https:// URL" in response.get_data(as_text=True)
    assert connectors(app) == []


def test_an_edit_cannot_point_a_connector_elsewhere(admin, app, connector):
    url = f"/portal/api-connectors/{connector.connector_id}/"
    response = admin.post_form(url, endpoint_url="file:///etc/passwd",
                               **{**FIELDS, "display_name": "hostile"})
    assert response.status_code == 400
    assert connectors(app)[0].endpoint_url == connector.url


def test_an_import_cannot_bring_another_scheme(app):
    with app.app_context():
        doc = export_tenant(include_users=False, include_secrets=False)
        doc["apiConnectors"] = [{"id": "11111111-1111-1111-1111-111111111111",
                                 "displayName": "smuggled", "endpointUrl": "file:///etc/passwd",
                                 "authenticationType": "none", "timeoutSeconds": 5,
                                 "retries": 1}]
        problems = check_document(doc, build_target("contoso.onmicrosoft.com", merge=False))
    assert any("apiConnectors[0].endpointUrl" in p and "http://" in p for p in problems), problems


@pytest.mark.parametrize("url", SCHEMES[:4])
def test_a_stored_url_of_another_scheme_is_refused_at_call_time(app, monkeypatch, url):
    """Whatever wrote the row (an old database, a hand edit), no request leaves."""
    def no_network(*args, **kwargs):
        raise AssertionError(f"a request was made to {args[0]}")
    monkeypatch.setattr(connector_client.requests, "post", no_network)
    with app.app_context():
        row = ApiConnector(display_name="x", endpoint_url=url, auth_type="none",
                           timeout_seconds=5, retries=1)
        result = connector_client.call(row, {"step": "PostAttributeCollection"})
    assert result.status is None and result.attempts == 0
    assert "http:// or https://" in result.error


def test_a_flow_with_such_a_connector_ends_on_the_error_page(app, flow, connector):
    with app.app_context():
        db.session.get(ApiConnector, connector.connector_id).endpoint_url = "file:///etc/passwd"
        db.session.commit()
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("confined@example.com")
    assert "AADB2C90075" in flow.text and "root:" not in flow.text
    assert connector.received == []


class Redirecting:
    """An endpoint that answers every call with a 302 to ``target``."""

    def __init__(self, target: str) -> None:
        self.target, self.received = target, 0

    def __call__(self, environ, start_response):
        self.received += 1
        start_response("302 Found", [("Location", self.target), ("Content-Length", "0")])
        return [b""]


def test_redirects_are_not_followed(app):
    """A connector answering 302 to another address (a metadata service, an admin page) has
    its 302 judged as a contract violation; the other address is never requested."""
    elsewhere = ConnectorServer()
    other_url, stop_other = start(elsewhere)
    redirecting = Redirecting(other_url)
    url, stop = start(redirecting)
    try:
        with app.app_context():
            row = ApiConnector(display_name="r", endpoint_url=url, auth_type="none",
                               timeout_seconds=2, retries=1)
            result = connector_client.call(row, {})
    finally:
        stop()
        stop_other()
    assert result.status == 302 and redirecting.received == 1
    assert elsewhere.received == []


def test_a_response_over_1_mb_is_cut_off(app, connector):
    connector.answer(200, {"version": "1.0.0", "action": "Continue",
                           "padding": "x" * (2 * 1024 * 1024)})
    with app.app_context():
        result = connector_client.call(db.session.get(ApiConnector, connector.connector_id), {})
    assert result.error == "the response is larger than 1 MB" and result.body == ""


def test_a_response_over_1_mb_fails_the_flow(app, flow, connector):
    connector.answer(200, {"version": "1.0.0", "action": "Continue",
                           "padding": "x" * (2 * 1024 * 1024)})
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("big@example.com")
    assert "AADB2C90075" in flow.text


def test_every_call_carries_the_timeout_and_refuses_redirects(app, monkeypatch, connector):
    seen = []
    real_post = requests.post

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return real_post(*args, **kwargs)
    monkeypatch.setattr(connector_client.requests, "post", spy)
    for timeout in (1, 7, 30):
        with app.app_context():
            row = db.session.get(ApiConnector, connector.connector_id)
            row.timeout_seconds = timeout
            connector_client.call(row, {})
            db.session.rollback()
    assert [k["timeout"] for k in seen] == [1, 7, 30]
    assert all(k["allow_redirects"] is False and k["stream"] is True for k in seen)


def test_a_slow_connector_is_abandoned_at_its_timeout(app, flow, connector):
    """The runtime case (a retry after the first timeout) is tests/protocol/
    test_api_connectors.py::test_timeout_then_one_retry; here, with retries 0, one attempt."""
    connector.answer(200, {"version": "1.0.0", "action": "Continue"}, delay=1.5)
    with app.app_context():
        row = db.session.get(ApiConnector, connector.connector_id)
        row.timeout_seconds = 1
        result = connector_client.call(row, {})
    assert result.status is None and result.attempts == 1
    assert "no answer within 1 s" in result.error
