"""Calling an API connector over HTTP, confined: http and https only, the timeout always
applied, one retry (configurable) when the endpoint does not answer, no redirects followed, a
1 MB cap on the response, and credentials never logged or echoed back.
"""
from __future__ import annotations

import base64
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.serialization import (Encoding, NoEncryption, PrivateFormat,
                                                          pkcs12)

from ..models import ApiConnector
from .secret_box import open_sealed

MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass
class CallResult:
    status: int | None
    body: str
    latency_ms: int
    attempts: int
    error: str | None = None   # transport failure (timeout, refused, too large...)


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot be a connector endpoint, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "The endpoint URL must be an absolute http:// or https:// URL."
    return None


@contextmanager
def _client_certificate(connector: ApiConnector):
    """The connector's PFX as PEM files for requests, removed afterwards."""
    if connector.auth_type != "certificate" or not connector.certificate_encrypted:
        yield None
        return
    pfx = base64.b64decode(open_sealed(connector.certificate_encrypted))
    password = open_sealed(connector.certificate_password_encrypted)
    key, cert, _chain = pkcs12.load_key_and_certificates(pfx, password)
    folder = tempfile.mkdtemp(prefix="b2clab-cert-")
    cert_path, key_path = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    try:
        yield (cert_path, key_path)
    finally:
        for path in (cert_path, key_path):
            os.unlink(path)
        os.rmdir(folder)


def _auth(connector: ApiConnector) -> tuple[dict, tuple | None]:
    secret = open_sealed(connector.secret_encrypted)
    secret = secret.decode() if secret else ""
    if connector.auth_type == "basic":
        return {}, (connector.username or "", secret)
    if connector.auth_type == "apikey":
        return {connector.api_key_header or "x-api-key": secret}, None
    if connector.auth_type == "bearer":
        return {"Authorization": f"Bearer {secret}"}, None
    return {}, None


def _read_capped(response: requests.Response) -> str:
    data = b""
    for chunk in response.iter_content(65536):
        data += chunk
        if len(data) > MAX_RESPONSE_BYTES:
            raise ValueError("the response is larger than 1 MB")
    return data.decode(response.encoding or "utf-8", errors="replace")


def call(connector: ApiConnector, body: dict) -> CallResult:
    """POST ``body`` to the connector; never raises for network trouble (see ``error``)."""
    problem = endpoint_problem(connector.endpoint_url)
    if problem:
        return CallResult(None, "", 0, 0, problem)
    start = time.monotonic()
    attempts, error = 0, None
    try:
        headers, auth = _auth(connector)
    except ValueError as undecryptable:
        return CallResult(None, "", 0, 0, str(undecryptable))
    with _client_certificate(connector) as cert:
        while attempts <= connector.retries:
            attempts += 1
            try:
                with requests.post(connector.endpoint_url, json=body, headers=headers,
                                   auth=auth, cert=cert, timeout=connector.timeout_seconds,
                                   allow_redirects=False, stream=True) as response:
                    text = _read_capped(response)
                return CallResult(response.status_code, text,
                                  int((time.monotonic() - start) * 1000), attempts)
            except requests.Timeout:
                error = f"there was no answer within {connector.timeout_seconds} s"
            except requests.ConnectionError as refused:
                error = f"the connection failed ({refused.__class__.__name__})"
            except ValueError as too_large:
                return CallResult(None, "", int((time.monotonic() - start) * 1000), attempts,
                                  str(too_large))
    return CallResult(None, "", int((time.monotonic() - start) * 1000), attempts,
                      f"{error}, after {attempts} attempt{'s' if attempts > 1 else ''}")
