"""https mode's certificates (idp/tls.py) and its settings (idp/config.py)."""
from __future__ import annotations

import ipaddress
import sys

import pytest
from cryptography import x509

from idp import tls
from idp.config import load_settings


def _names(path) -> list:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def test_certificates_cover_loopback_and_the_public_host(tmp_path):
    files = tls.ensure_certificates(tmp_path, "https://lab.example:8443")
    assert files.ca_created
    assert _names(files.cert) == [x509.DNSName("localhost"),
                                  x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                  x509.IPAddress(ipaddress.ip_address("::1")),
                                  x509.DNSName("lab.example")]
    server = x509.load_pem_x509_certificate(files.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (server.not_valid_after_utc - server.not_valid_before_utc).days <= 398
    if sys.platform != "win32":
        assert oct(files.ca_key.stat().st_mode & 0o777) == "0o600"
        assert oct(files.key.stat().st_mode & 0o777) == "0o600"


def test_made_once_and_a_new_host_keeps_the_ca(tmp_path):
    first = tls.ensure_certificates(tmp_path, "https://localhost:5000")
    ca, cert = first.ca.read_bytes(), first.cert.read_bytes()
    again = tls.ensure_certificates(tmp_path, "https://localhost:5001")
    assert not again.ca_created and again.cert.read_bytes() == cert
    moved = tls.ensure_certificates(tmp_path, "https://10.0.0.7:5000")
    assert moved.ca.read_bytes() == ca and moved.cert.read_bytes() != cert
    assert x509.IPAddress(ipaddress.ip_address("10.0.0.7")) in _names(moved.cert)


def test_ca_bundle_adds_the_ca_to_the_roots_once(tmp_path, monkeypatch):
    files = tls.ensure_certificates(tmp_path, "https://localhost:5000")
    roots = tmp_path / "roots.pem"
    roots.write_text("-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(roots))
    bundle = tls.write_ca_bundle(files.ca, tmp_path / "bundle.pem").read_text()
    assert bundle.startswith(roots.read_text()) and bundle.count(files.ca.read_text()) == 1
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "bundle.pem"))
    again = tls.write_ca_bundle(files.ca, tmp_path / "bundle.pem").read_text()
    assert again.count(files.ca.read_text()) == 1  # not its own base: no growth


def test_trust_instructions_name_every_platform(tmp_path):
    text = "\n".join(tls.trust_instructions(tmp_path / "ca.pem"))
    for needle in ("certutil -user -addstore Root", "security add-trusted-cert",
                   "update-ca-certificates", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE"):
        assert needle in text


@pytest.mark.parametrize("overrides, https, public_url", [
    ({}, False, "http://localhost:5443"),
    ({"IDP_HTTPS": "1"}, True, "https://localhost:5443"),
    ({"IDP_HTTPS": "0"}, False, "http://localhost:5443"),
    ({"IDP_HTTPS": True, "IDP_PUBLIC_URL": "https://lab.example/"}, True, "https://lab.example"),
])
def test_https_mode_sets_the_default_public_url(tmp_path, monkeypatch, overrides, https,
                                                public_url):
    for name in ("IDP_HTTPS", "IDP_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(str(tmp_path), {"SECRET_KEY": "x", "PORT": "5443", **overrides})
    assert (settings["IDP_HTTPS"], settings["IDP_PUBLIC_URL"]) == (https, public_url)
