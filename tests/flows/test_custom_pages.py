"""Custom page content (b2c-reference §6.3): fetched on the server, the engine's page merged
into its #api, scripts only with JavaScript enabled, a CSP naming the page's origin, and each
fetch failure on the error page with the URI named."""
from __future__ import annotations

import base64
import html as markup
from pathlib import Path

import pytest
import requests

from idp.extensions import db
from idp.models import Tenant, UserFlow
from tests.factories import BASE, POLICY, parse

SAMPLES = Path(__file__).resolve().parents[2] / "rp_demo" / "static" / "custom"
UNIFIED = f"{BASE}/rp/static/custom/unified.html"
SELF_ASSERTED = f"{BASE}/rp/static/custom/selfasserted.html"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def configure(app, javascript=False, **rows):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(
            name_key=POLICY.lower())).scalar_one()
        props = {**flow.config.get("properties", {}), "javascript_enabled": javascript}
        flow.config = {**flow.config, "properties": props, "page_layouts": {
            row: {"template": "Ocean Blue", "use_custom_page": True, "custom_page_uri": uri}
            for row, uri in rows.items()}}
        db.session.commit()


def unified(app, uri=UNIFIED, javascript=False):
    configure(app, javascript, **{"Unified sign up or sign in page": uri})


@pytest.fixture
def samples(custom_pages):
    for name, url in (("unified.html", UNIFIED), ("selfasserted.html", SELF_ASSERTED)):
        custom_pages[url] = (200, "text/html; charset=utf-8", (SAMPLES / name).read_bytes())
    return custom_pages


def start(flow):
    rp = flow.rp()
    return flow.authorize(rp["client_id"], rp["redirect_uri"])


def test_the_engine_form_is_inside_the_custom_page(app, flow, samples):
    unified(app)
    response = start(flow)
    html = flow.text
    assert response.status_code == 200
    assert 'class="contoso-card"' in html and "Contoso Outdoor" in html
    api = html.split('<div id="api" data-name="unifiedssp">')[1]
    assert api.index('id="localAccountForm"') < api.index('id="js-status"')
    for marker in ('button id="next"', 'class="entry-item signInName_li"', 'id="createAccount"'):
        assert marker in api
    assert "oceanblue.css" not in html  # the custom page replaces the template
    csp = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' {BASE}" in csp and f"img-src 'self' data: {BASE}" in csp
    assert f"font-src 'self' {BASE}" in csp and "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp


def test_scripts_are_removed_unless_javascript_is_enabled(app, flow, samples):
    unified(app)
    start(flow)
    assert "<script" not in flow.text and "contoso.js" not in flow.text
    unified(app, javascript=True)
    response = start(flow)
    assert '<script src="/rp/static/custom/contoso.js" defer></script>' in flow.text
    assert f"script-src 'self' {BASE}" in response.headers["Content-Security-Policy"]


def test_sign_up_through_custom_pages(app, flow, samples):
    configure(app, **{"Unified sign up or sign in page": UNIFIED,
                      "Local account sign up page": SELF_ASSERTED})
    start(flow)
    flow.sign_up("custom@example.com")
    assert flow.last.status_code in (302, 303) and "code=" in flow.last.location
    html_requests = samples["_adapter"].requested
    assert UNIFIED in html_requests and SELF_ASSERTED in html_requests


def test_the_self_asserted_sample_hides_the_surname_by_its_li_class(app, flow, samples):
    configure(app, **{"Local account sign up page": SELF_ASSERTED})
    start(flow)
    response = flow.follow_link("createAccount")
    assert ".surname_li { display: none; }" in flow.text
    assert 'class="TextBox surname_li"' in flow.text
    assert "'sha256-" in response.headers["Content-Security-Policy"].split("style-src")[1]


def test_culture_and_branding_hooks(app, flow, custom_pages):
    page = '<html lang="xx"><body><img data-tenant-branding-logo="true"><div id="api"></div></body></html>'
    custom_pages[f"{BASE}/pages/en/unified.html"] = (200, "text/html", page)
    with app.app_context():
        tenant = db.session.execute(db.select(Tenant)).scalar_one()
        tenant.settings = {**tenant.settings, "branding": {"banner_logo": {
            "content_type": "image/png", "sha256": "ab" * 32,
            "data": base64.b64encode(PNG).decode()}}}
        db.session.commit()
    unified(app, f"{BASE}/pages/{{Culture:RFC5646}}/unified.html")
    start(flow)
    assert '<html lang="en">' in flow.text
    assert '<img data-tenant-branding-logo="true" src="/branding/banner-logo?v=abababab' in flow.text


@pytest.mark.parametrize("answer, message", [
    ((404, "text/html", "gone"), f"AADB2C90002: The CORS resource '{UNIFIED}' returned a 404 "
                                 "not found."),
    ((500, "text/html", "boom"), f"The custom page '{UNIFIED}' returned HTTP 500."),
    ((200, "application/json", "{}"), f"The custom page '{UNIFIED}' is not HTML (its "
                                      "Content-Type is 'application/json')."),
    ((200, "text/html", "<html><body><div id='main'></div></body></html>"),
     f"The custom page '{UNIFIED}' has no <div id=\"api\"></div>"),
    ((200, "text/html", "<div id='api'></div>" + "x" * (1024 * 1024)),
     f"The custom page '{UNIFIED}' is larger than 1 MB."),
    (requests.ConnectTimeout(), f"The custom page '{UNIFIED}' did not answer within 5 seconds."),
    (requests.ConnectionError(), f"The custom page '{UNIFIED}' could not be fetched "
                                 "(ConnectionError)."),
])
def test_fetch_failures_end_on_the_error_page(app, flow, custom_pages, answer, message):
    custom_pages[UNIFIED] = answer
    configure(app, **{"Unified sign up or sign in page": UNIFIED,
                      "Error page": "https://errors.example/also-fetched.html"})
    response = start(flow)
    html = markup.unescape(flow.text)
    assert response.status_code == 502
    assert "Sorry, but we're having trouble signing you in." in html and message in html
    assert "Page layouts > Unified sign up or sign in page" in html
    assert 'data-template="oceanBlue"' in html  # never the (maybe failing) custom error page
    assert "https://errors.example" not in str(custom_pages["_adapter"].requested)


def test_the_error_page_row_may_use_a_custom_page(app, client, custom_pages):
    custom_pages["https://errors.example/error.html"] = (
        200, "text/html", "<html><body><h2>Contoso help desk</h2><div id='api'></div></body></html>")
    configure(app, **{"Error page": "https://errors.example/error.html"})
    html = client.get(f"/contoso.onmicrosoft.com/{POLICY}/api/step?tx=lost").get_data(
        as_text=True)
    assert "Contoso help desk" in html and "AADB2C90046" in html
    assert parse(html).ids >= {"api", "globalException", "errorMessage"}
