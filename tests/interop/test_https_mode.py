"""https mode as a browser and the sample app see it: every endpoint in discovery is https,
cookies are Secure, the sample app signs in and refreshes (its calls to the IdP trust the CA;
forms post without a Referer), and a client that connects without speaking TLS does not stall
the server."""
from __future__ import annotations

import socket
from urllib.parse import urljoin, urlsplit

import requests

from tests.e2e.flowclient import FlowClient


def test_discovery_lists_https_endpoints(https_idp):
    metadata = requests.get(https_idp.well_known_url, verify=str(https_idp.ca_file),
                            timeout=10).json()
    urls = [v for k, v in metadata.items() if k == "issuer" or k.endswith(("_endpoint", "_uri"))]
    assert urls and all(u.startswith(https_idp.base_url + "/") for u in urls), urls


def test_sample_app_signs_in_with_secure_cookies(https_idp, interop_user):
    client = FlowClient(https_idp.base_url)
    page = client.sign_in(*interop_user)
    assert urlsplit(page.url).path == "/rp/claims", page.text[:2000]
    assert interop_user[0] in page
    cookies = list(client.http.cookies)
    assert {"idp_session", "rp_session"} <= {c.name for c in cookies}
    assert all(c.secure for c in cookies), [(c.name, c.secure) for c in cookies]
    # a form post over https without a Referer (pages send Referrer-Policy: no-referrer)
    refresh = next(form for form in page.forms if form.action.endswith("/refresh"))
    after = client.http.post(urljoin(page.url, refresh.action), data=refresh.fields, timeout=10)
    assert "Tokens refreshed" in after.text, after.text[:2000]


def test_a_silent_connection_does_not_stall_the_server(https_idp):
    host, port = urlsplit(https_idp.base_url).hostname, urlsplit(https_idp.base_url).port
    with socket.create_connection((host, port), timeout=5):  # connects, never says hello
        response = requests.get(https_idp.well_known_url, timeout=5)
    assert response.status_code == 200
