"""https mode (``python app.py --https`` or ``IDP_HTTPS=1``): a local CA and a server
certificate made once into ``instance/``, a TLS server, and how to trust the CA.

MSAL (Python, Node, browser) refuses an http authority, so labs that use MSAL need the IdP on
https.  The CA (``ca.pem``, ``ca-key.pem``) is made on the first https start and kept; the
server certificate (``server.pem``, ``server-key.pem``) is signed by it for localhost,
127.0.0.1, ::1 and the host of ``IDP_PUBLIC_URL``, and is made again when that host changes or
the certificate nears its end, so a CA trusted once stays trusted.  Server certificates last
397 days, SANs only, with serverAuth: what Apple and Chrome require of any TLS certificate.

waitress has no TLS, so https mode serves with werkzeug's threaded server, which runs on every
OS; the TLS handshake runs in each connection's thread, not in ``accept()``, so a client that
connects and says nothing cannot stall the server.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 397
RENEW_BEFORE = dt.timedelta(days=30)
BASE_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class TlsFiles:
    """Where the certificates are; ``ca_created`` is true on the start that made the CA."""
    ca: Path
    ca_key: Path
    cert: Path
    key: Path
    ca_created: bool = False


def required_hosts(public_url: str) -> list[str]:
    """The names the server certificate must cover: loopback plus the public URL's host."""
    host = urlsplit(public_url).hostname
    return list(BASE_HOSTS) + ([host] if host and host not in BASE_HOSTS else [])


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _write_key(path: Path, key) -> None:
    """Private keys readable by their owner only (where the OS has such modes)."""
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_usage(**allowed: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: allowed.get(name, False) for name in names})


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _make_ca(files: TlsFiles, now: dt.datetime) -> None:
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "B2C Lab"),
                      x509.NameAttribute(NameOID.COMMON_NAME,
                                         f"B2C Lab local CA {now:%Y-%m-%d %H%M%S}")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(files.ca_key, key)
    files.ca.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _make_server_cert(files: TlsFiles, hosts: list[str], now: dt.datetime) -> None:
    ca_cert = x509.load_pem_x509_certificate(files.ca.read_bytes())
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    key = _new_key()
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, key_encipherment=True),
                           critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(files.key, key)
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _server_cert_fits(files: TlsFiles, hosts: list[str], now: dt.datetime) -> bool:
    """True when server.pem exists, was signed by ca.pem, names every host and is not near
    its end."""
    if not (files.cert.exists() and files.key.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        cert.verify_directly_issued_by(x509.load_pem_x509_certificate(files.ca.read_bytes()))
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return (all(_general_name(h) in names for h in hosts)
            and cert.not_valid_after_utc - now > RENEW_BEFORE)


def ensure_certificates(instance: Path, public_url: str) -> TlsFiles:
    """Make the CA (first time only) and a server certificate that fits ``public_url``.

    :return: the file locations.  Not safe for two processes making the CA at the same
        moment: start the server once before starting several workers.
    """
    instance = Path(instance)
    instance.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(instance / "ca.pem", instance / "ca-key.pem", instance / "server.pem",
                     instance / "server-key.pem")
    now = dt.datetime.now(dt.timezone.utc)
    created = False
    if not (files.ca.exists() and files.ca_key.exists()):
        _make_ca(files, now)
        created = True
    hosts = required_hosts(public_url)
    if created or not _server_cert_fits(files, hosts, now):
        _make_server_cert(files, hosts, now)
    return TlsFiles(files.ca, files.ca_key, files.cert, files.key, ca_created=created)


def write_ca_bundle(ca: Path, out: Path) -> Path:
    """Write ``out``: the bundle ``REQUESTS_CA_BUNDLE`` (or ``CURL_CA_BUNDLE``) names, else
    requests' default (certifi's), plus the CA.  Those variables replace the default roots
    (requests) or take a single file (``NODE_EXTRA_CA_CERTS``), so the CA joins the roots
    rather than replacing them.  :return: ``out``."""
    out = Path(out)
    base = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not base or not os.path.isfile(base) or Path(base).resolve() == out.resolve():
        from requests.certs import where  # certifi's bundle, what requests uses by default
        base = where()
    ca_pem = Path(ca).read_text(encoding="ascii")
    bundle = Path(base).read_text(encoding="utf-8", errors="replace")
    if ca_pem.strip() not in bundle:
        bundle = bundle.rstrip("\n") + "\n" + ca_pem
    out.write_text(bundle, encoding="utf-8")
    return out


def trust_ca_in_process(ca: Path, instance: Path) -> Path:
    """Make this process's own HTTP calls (the sample app's Authlib client, page layouts
    fetched from the lab itself) trust the CA by pointing ``REQUESTS_CA_BUNDLE`` at
    ``instance/ca-bundle.pem``.  requests lets that variable override a Session's
    ``verify=``, so setting it is the one way that always works.  :return: the bundle path."""
    out = write_ca_bundle(ca, Path(instance) / "ca-bundle.pem")
    os.environ["REQUESTS_CA_BUNDLE"] = str(out)
    return out


def trust_instructions(ca: Path) -> list[str]:
    """How to make browsers and tools trust the CA, per OS, as lines for the start banner."""
    return [
        f"  The certificate authority to trust: {ca}",
        "  Trust it once (then restart your browser):",
        f"    Windows  certutil -user -addstore Root \"{ca}\"",
        f"    macOS    security add-trusted-cert -r trustRoot "
        f"-k ~/Library/Keychains/login.keychain-db \"{ca}\"",
        f"    Linux    sudo cp \"{ca}\" /usr/local/share/ca-certificates/b2clab-ca.crt "
        "&& sudo update-ca-certificates",
        f"             Firefox/Chromium (NSS): certutil -d sql:$HOME/.pki/nssdb -A -t C,, "
        f"-n b2clab -i \"{ca}\"",
        f"  Or per tool: NODE_EXTRA_CA_CERTS=\"{ca}\" (Node), REQUESTS_CA_BUNDLE=\"{ca}\" "
        "(Python requests, MSAL; replaces the default bundle)",
    ]


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    return context


def serve_https(app, host: str, port: int, files: TlsFiles) -> None:
    """Serve ``app`` over TLS until interrupted (werkzeug's threaded server)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Handler(WSGIRequestHandler):
        timeout = 120  # an idle keep-alive connection gives its thread back

        def log_request(self, code="-", size="-"):  # like waitress: no access log
            pass

    context = server_context(files)
    server = make_server(host, port, app, threaded=True, request_handler=Handler)
    # Wrap here rather than through ssl_context=: the handshake then happens on the first
    # read, in the connection's thread.
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    server.ssl_context = context
    server.serve_forever()
