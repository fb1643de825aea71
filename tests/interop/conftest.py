"""Interop fixtures: one B2C Lab server in https mode (``python app.py --https``) for the whole
session, a user signed up once through the sample app, and the node client libraries.

The test process trusts the server's CA through ``REQUESTS_CA_BUNDLE`` (requests lets that
variable override a Session's ``verify=``), the node scripts through ``NODE_EXTRA_CA_CERTS``;
each is a bundle of this machine's roots plus the test CA, as both take a single file.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from idp.tls import write_ca_bundle
from tests.e2e.conftest import ServerProcess, free_port, start_server
from tests.e2e.flowclient import FlowClient

from .node_runner import NODE_DIR

TENANT = "contoso.onmicrosoft.com"
POLICY = "B2C_1_susi"
API_SCOPE = f"https://{TENANT}/rp-demo-api/demo.read"  # rp-demo's own API (idp/seed.py)
PASSWORD = "Passw0rd!interop"
NPM_CI_TIMEOUT = 300


@dataclass(frozen=True)
class HttpsIdp:
    """The running server and the seeded rp-demo app registration the clients act as."""
    base_url: str
    ca_file: Path
    trust_bundle: Path     # machine roots + the test CA
    client_id: str
    client_secret: str
    issuer: str
    server: ServerProcess = field(repr=False, compare=False)

    @property
    def authority(self) -> str:
        return f"{self.base_url}/{TENANT}/{POLICY}"

    @property
    def well_known_url(self) -> str:
        return f"{self.authority}/v2.0/.well-known/openid-configuration"

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/rp/signin-oidc"

    @property
    def api_scope(self) -> str:
        return API_SCOPE


def _trusting(bundle: Path) -> dict[str, str]:
    return {"REQUESTS_CA_BUNDLE": str(bundle), "CURL_CA_BUNDLE": str(bundle)}


@pytest.fixture(scope="session")
def https_idp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("interop")
    server = start_server(tmp, [sys.executable, "app.py", "--https"], free_port(),
                          scheme="https")
    try:
        bundle = write_ca_bundle(server.ca_file, tmp / "trust-bundle.pem")
        creds = json.loads((server.instance_path / "rp_demo_client.json").read_text())
        metadata = requests.get(server.base_url + f"/{TENANT}/{POLICY}/v2.0/.well-known/"
                                "openid-configuration", verify=str(server.ca_file), timeout=10)
        yield HttpsIdp(server.base_url, server.ca_file, bundle, creds["client_id"],
                       creds["client_secret"], metadata.json()["issuer"], server)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _trust_test_ca(https_idp, monkeypatch):
    """requests (MSAL, Authlib, FlowClient) in this process trusts the test CA."""
    for name, value in _trusting(https_idp.trust_bundle).items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def interop_user(https_idp) -> tuple[str, str]:
    """(email, password) of a user signed up once through the sample app, over https: this
    also proves the sample app's own calls to the IdP trust the CA."""
    email = "interop@example.com"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _trusting(https_idp.trust_bundle).items():
            patch.setenv(name, value)
        page = FlowClient(https_idp.base_url).sign_up(email, PASSWORD, display_name="Interop")
    assert urlsplit(page.url).path == "/rp/claims", page.text[:2000]
    return email, PASSWORD


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with tests/interop/node's pinned packages installed (``npm ci``, once,
    when node_modules is missing or older than package-lock.json)."""
    node_bin, npm = shutil.which("node"), shutil.which("npm")
    if not node_bin or not npm:
        pytest.skip("node and npm are needed for the openid-client, msal-node and msal-browser "
                    "interop tests: install Node.js 20+ (Debian: apt-get install nodejs npm)")
    stamp = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR,
                              capture_output=True, text=True, timeout=NPM_CI_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            pytest.fail(f"npm ci in {NODE_DIR} failed:\n{done.stdout}\n{done.stderr}")
    return node_bin


@pytest.fixture
def node_env(https_idp) -> dict[str, str]:
    """The environment of a node script: NODE_EXTRA_CA_CERTS takes one file, so the bundle."""
    return {**os.environ, "NODE_EXTRA_CA_CERTS": str(https_idp.trust_bundle)}
