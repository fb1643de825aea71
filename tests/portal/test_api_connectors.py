"""API connectors blade: create/edit/delete with bad inputs refused and nothing half-saved,
credentials sealed and never shown back, .pfx certificates opened with their password, the
Test connector button against a real HTTP endpoint on 127.0.0.1, and attaching connectors to a
user flow's steps."""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from idp.extensions import db
from idp.models import ApiConnector, AuditRecord, UserFlow
from idp.store.secret_box import open_sealed
from tests.portal.conftest import csrf_token

NEW = "/portal/api-connectors/new"
PFX_PASSWORD = "pfx-Passw0rd"


# --- helpers -------------------------------------------------------------------------------

def connector_fields(**overrides) -> dict:
    return {"display_name": "Validate postal code", "endpoint_url": "https://api.contoso.test/v",
            "auth_type": "basic", "username": "alice", "password": "s3cret-Pa55",
            "timeout_seconds": "5", "retries": "1", **overrides}


def create(admin, **overrides):
    return admin.post_form(NEW, **connector_fields(**overrides))


def only_connector(app) -> ApiConnector:
    with app.app_context():
        return db.session.execute(db.select(ApiConnector)).scalar_one()


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(ApiConnector))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def activities(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(AuditRecord.activity)).all()


def make_pfx(password: str = PFX_PASSWORD, *, starts: int = -1, ends: int = 30) -> bytes:
    """A self-signed certificate and its key as a .pfx; validity in days from now."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.contoso.test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=starts))
            .not_valid_after(now + dt.timedelta(days=ends)).sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"api", key, cert, None, serialization.BestAvailableEncryption(password.encode()))


def upload(pfx: bytes, password: str = PFX_PASSWORD) -> dict:
    return {"auth_type": "certificate", "certificate": (io.BytesIO(pfx), "api.pfx"),
            "certificate_password": password, "username": "", "password": ""}


# --- create, edit, bad input ---------------------------------------------------------------

def test_create_lists_the_connector_and_audits(admin, client, app):
    response = create(admin)
    assert response.status_code == 303
    page = text(client.get("/portal/api-connectors/"))
    assert "Validate postal code" in page and "https://api.contoso.test/v" in page
    assert "Basic" in page
    assert "Create Api connector" in activities(app)
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Create Api connector")).scalar_one()
    assert record.category == "Resource" and "s3cret-Pa55" not in json.dumps(
        record.additional_details)


def test_the_blade_is_in_the_portal_menu(admin, client):
    page = client.get("/portal/").get_data(as_text=True)
    assert 'href="/portal/api-connectors/"' in page


@pytest.mark.parametrize("overrides,message", [
    ({"display_name": ""}, "Enter a display name."),
    ({"endpoint_url": "ftp://api.contoso.test"}, "must be an absolute http:// or https:// URL"),
    ({"endpoint_url": "api.contoso.test/validate"}, "must be an absolute http:// or https://"),
    ({"endpoint_url": ""}, "Enter the endpoint URL."),
    ({"password": ""}, "Enter the password B2C sends."),
    ({"username": ""}, "Enter the username B2C sends."),
    ({"username": "al:ice"}, "cannot contain ':'"),
    ({"timeout_seconds": "0"}, "Enter a timeout from 1 to 30 seconds."),
    ({"timeout_seconds": "31"}, "Enter a timeout from 1 to 30 seconds."),
    ({"timeout_seconds": "soon"}, "Not a valid integer value."),
    ({"retries": "2"}, "Not a valid choice"),
    ({"auth_type": "oauth"}, "Not a valid choice"),
    ({"auth_type": "apikey", "api_key_header": "x key", "api_key": "k"}, "Enter a header name"),
    ({"auth_type": "apikey", "api_key_header": "x-api-key", "api_key": ""},
     "Enter the value of the header."),
    ({"auth_type": "apikey", "api_key_header": "x-api-key", "api_key": "a\r\nX-Evil: 1"},
     "visible ASCII"),
    ({"auth_type": "bearer"}, "Enter the token."),
])
def test_bad_input_is_refused_and_nothing_saved(admin, app, overrides, message):
    response = create(admin, **overrides)
    assert response.status_code == 400
    assert message in text(response)
    assert count(app) == 0


def test_duplicate_display_name_is_refused_regardless_of_case(admin, app):
    create(admin)
    response = create(admin, display_name="VALIDATE postal code")
    assert response.status_code == 400
    assert "An API connector named 'VALIDATE postal code' already exists." in text(response)
    assert count(app) == 1


def test_none_needs_no_credentials(admin, app):
    assert create(admin, auth_type="none", username="", password="").status_code == 303
    connector = only_connector(app)
    assert connector.auth_type == "none" and connector.secret_encrypted is None


def test_secrets_are_sealed_and_never_shown_back(admin, client, app):
    create(admin)
    connector = only_connector(app)
    with app.app_context():
        raw = db.session.execute(db.text("SELECT * FROM api_connector")).one()
        assert open_sealed(connector.secret_encrypted) == b"s3cret-Pa55"
    assert "s3cret-Pa55" not in repr(tuple(raw))
    page = client.get(f"/portal/api-connectors/{connector.id}/").get_data(as_text=True)
    assert "s3cret-Pa55" not in page and "A password is stored." in page
    assert 'value="alice"' in page


def test_empty_password_keeps_it_and_a_new_type_needs_its_own_secret(admin, app):
    create(admin)
    connector_id = only_connector(app).id
    url = f"/portal/api-connectors/{connector_id}/"
    response = admin.post_form(url, **connector_fields(password="", timeout_seconds="9"))
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.get(ApiConnector, connector_id)
        assert saved.timeout_seconds == 9 and open_sealed(saved.secret_encrypted) == b"s3cret-Pa55"
    refused = admin.post_form(url, **connector_fields(auth_type="bearer", bearer_token=""))
    assert refused.status_code == 400 and "Enter the token." in text(refused)
    switched = admin.post_form(url, **connector_fields(auth_type="bearer", bearer_token="tok-1"))
    assert switched.status_code == 303
    with app.app_context():
        saved = db.session.get(ApiConnector, connector_id)
        assert saved.auth_type == "bearer" and saved.username is None
        assert open_sealed(saved.secret_encrypted) == b"tok-1"
    assert "Update Api connector" in activities(app)


def test_a_certificate_is_opened_sealed_and_described(admin, client, app):
    pfx = make_pfx()
    assert create(admin, **upload(pfx)).status_code == 303
    connector = only_connector(app)
    with app.app_context():
        assert base64.b64decode(open_sealed(connector.certificate_encrypted)) == pfx
        assert open_sealed(connector.certificate_password_encrypted) == PFX_PASSWORD.encode()
    assert base64.b64encode(pfx).decode() not in connector.certificate_encrypted
    assert connector.certificate_subject == "CN=api.contoso.test"
    page = text(client.get(f"/portal/api-connectors/{connector.id}/"))
    assert "CN=api.contoso.test" in page and PFX_PASSWORD not in page
    # Saving again without a new upload keeps the certificate.
    kept = admin.post_form(f"/portal/api-connectors/{connector.id}/",
                           **connector_fields(auth_type="certificate", username="",
                                              password=""))
    assert kept.status_code == 303
    assert only_connector(app).certificate_encrypted == connector.certificate_encrypted


@pytest.mark.parametrize("pfx,password,message", [
    (b"this is not a pfx", PFX_PASSWORD, "The file is not a .pfx (PKCS #12) certificate."),
    ("valid", "wrong password", "The certificate could not be opened with that password."),
    ("valid", "", "The certificate could not be opened with that password."),
    ("expired", PFX_PASSWORD, "The certificate expired on"),
    ("future", PFX_PASSWORD, "The certificate is not valid before"),
])
def test_bad_certificates_are_refused(admin, app, pfx, password, message):
    pfx = {"valid": lambda: make_pfx(), "expired": lambda: make_pfx(starts=-30, ends=-1),
           "future": lambda: make_pfx(starts=2, ends=30)}.get(pfx, lambda: pfx)()
    response = create(admin, **upload(pfx, password))
    assert response.status_code == 400 and message in text(response)
    assert count(app) == 0


def test_certificate_type_needs_a_file(admin, app):
    response = create(admin, auth_type="certificate")
    assert response.status_code == 400 and "Choose the .pfx file to upload." in text(response)
    assert count(app) == 0


# --- attaching to user flows, and deleting ------------------------------------------------

def flow_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())) \
            .scalar_one().id


def flow_config(app, name: str) -> dict:
    with app.app_context():
        return db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())) \
            .scalar_one().config


def test_attach_tab_saves_and_refuses_an_unknown_id(admin, client, app):
    create(admin)
    connector_id = only_connector(app).id
    url = f"/portal/user-flows/{flow_id(app, 'B2C_1_susi')}/api-connectors"
    page = text(client.get(url))
    assert "Before creating the user" in page and "runs only for social sign-ups" in page.lower()
    response = admin.post_form(url, PostAttributeCollection=connector_id,
                               PreTokenIssuance="", PostFederationSignup="")
    assert response.status_code == 303
    assert flow_config(app, "B2C_1_susi")["api_connectors"] == {
        "PostAttributeCollection": connector_id}
    assert f'value="{connector_id}" selected' in client.get(url).get_data(as_text=True)
    assert "Update user flow" in activities(app)
    refused = admin.post_form(url, PreTokenIssuance="no-such-connector")
    assert refused.status_code == 400 and "does not exist" in text(refused)
    assert flow_config(app, "B2C_1_susi")["api_connectors"] == {
        "PostAttributeCollection": connector_id}


def test_sign_in_offers_only_the_token_step_and_profile_editing_none(admin, client, app):
    with app.app_context():
        db.session.add(UserFlow(name="B2C_1_signin", name_key="b2c_1_signin",
                                flow_type="signIn", config={"type": "signIn"}))
        db.session.commit()
    page = text(client.get(f"/portal/user-flows/{flow_id(app, 'B2C_1_signin')}/api-connectors"))
    assert "Before sending the token (preview)" in page
    assert "Before creating the user" not in page
    url = f"/portal/user-flows/{flow_id(app, 'B2C_1_profile_edit')}/api-connectors"
    page = text(client.get(url))
    assert "Profile editing user flows have no API connector steps" in page
    refused = admin.post_form(url, PostAttributeCollection="x")
    assert refused.status_code == 400
    assert "api_connectors" not in flow_config(app, "B2C_1_profile_edit")


def test_delete_is_refused_while_attached_then_detaches(admin, client, app):
    create(admin)
    connector_id = only_connector(app).id
    flow_url = f"/portal/user-flows/{flow_id(app, 'B2C_1_susi')}/api-connectors"
    admin.post_form(flow_url, PostAttributeCollection=connector_id)
    page = client.get(f"/portal/api-connectors/{connector_id}/").get_data(as_text=True)
    refused = client.post(f"/portal/api-connectors/{connector_id}/delete",
                          data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409 and "B2C_1_susi" in text(refused)
    assert count(app) == 1
    confirmed = client.post(f"/portal/api-connectors/{connector_id}/delete",
                            data={"csrf_token": csrf_token(page), "confirm": "yes"})
    assert confirmed.status_code == 303 and count(app) == 0
    assert flow_config(app, "B2C_1_susi")["api_connectors"] == {}
    assert "Delete Api connector" in activities(app)


def test_unknown_connector_is_404(admin, client):
    assert client.get("/portal/api-connectors/nope/").status_code == 404
    assert client.get("/portal/api-connectors/nope/test").status_code == 404


# --- Test connector against a real endpoint ------------------------------------------------

class Endpoint:
    """What the test's HTTP endpoint answers, and what it received."""

    def __init__(self):
        self.status, self.body, self.content_type = 200, "{}", "application/json"
        self.delay = 0.0
        self.received: list[dict] = []
        self.release = threading.Event()   # ends a delayed answer early at teardown
        self.url = ""

    def answer(self, status: int, body, *, content_type="application/json", delay=0.0):
        self.status, self.content_type, self.delay = status, content_type, delay
        self.body = body if isinstance(body, str) else json.dumps(body)


@pytest.fixture
def endpoint():
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append({"headers": dict(self.headers),
                                   "body": json.loads(self.rfile.read(length) or b"null")})
            if state.delay:
                state.release.wait(state.delay)
            payload = state.body.encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", state.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the caller gave up waiting (the timeout case)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/api/validate"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def connector_id(admin, app, endpoint):
    assert create(admin, endpoint_url=endpoint.url).status_code == 303
    return only_connector(app).id


def send(admin, connector_id, step="PostAttributeCollection", body=None):
    url = f"/portal/api-connectors/{connector_id}/test"
    payload = body if body is not None else json.dumps(
        {"email": "a@example.com", "postalCode": "1", "step": step, "client_id": "x",
         "ui_locales": "en-US"})
    return admin.post_form(url, step=step, body=payload, action="send")


def test_the_sample_request_is_what_b2c_sends(admin, client, app, connector_id):
    from tests.portal.test_user_attributes import add_attribute
    add_attribute(admin)
    page = text(client.get(f"/portal/api-connectors/{connector_id}/test?step=PreTokenIssuance"))
    from idp.store.attributes import extensions_app_id
    with app.app_context():
        ext = extensions_app_id().replace("-", "")
    assert f'"extension_{ext}_FavouriteColour": "sample value"' in page
    assert '"step": "PreTokenIssuance"' in page and '"ui_locales": "en-US"' in page
    assert '"objectId"' in page


def test_continue_with_claims_and_the_basic_header(admin, app, endpoint, connector_id):
    endpoint.answer(200, {"version": "1.0.0", "action": "Continue", "postalCode": "12349",
                          "loyaltyNumber": "7"})
    response = send(admin, connector_id)
    page = text(response)
    assert response.status_code == 200
    assert "B2C would continue with postalCode; it ignores loyaltyNumber" in page
    expected = "Basic " + base64.b64encode(b"alice:s3cret-Pa55").decode()
    assert endpoint.received[0]["headers"]["Authorization"] == expected
    assert endpoint.received[0]["body"]["postalCode"] == "1"
    assert "s3cret-Pa55" not in page and expected.split()[1] not in page
    assert '<td id="response-status">200</td>' in page
    assert '<td id="response-attempts">1</td>' in page
    assert "Test Api connector" in activities(app)


def test_validation_error_with_status(admin, endpoint, connector_id):
    endpoint.answer(400, {"version": "1.0.0", "status": 400, "action": "ValidationError",
                          "userMessage": "Please enter a valid Postal Code."})
    page = text(send(admin, connector_id))
    assert ('B2C would treat this as ValidationError: the user stays on the page and sees '
            '"Please enter a valid Postal Code."') in page


def test_validation_error_without_status_is_an_error_page(admin, endpoint, connector_id):
    endpoint.answer(400, {"version": "1.0.0", "action": "ValidationError",
                          "userMessage": "Please enter a valid Postal Code."})
    page = text(send(admin, connector_id))
    assert ('B2C would show an error page because the body of a ValidationError must also '
            'carry "status": 400') in page


def test_validation_error_with_200_is_an_error_page(admin, endpoint, connector_id):
    endpoint.answer(200, {"version": "1.0.0", "status": 400, "action": "ValidationError",
                          "userMessage": "No."})
    page = text(send(admin, connector_id))
    assert "B2C would show an error page because the status is 200 but action is " \
           "ValidationError" in page


def test_server_error(admin, endpoint, connector_id):
    endpoint.answer(500, {"error": "boom"})
    page = text(send(admin, connector_id))
    assert "B2C would show an error page because the status is 500" in page
    assert "InternalServerError" in page and '"error": "boom"' in page


def test_non_json_answer(admin, endpoint, connector_id):
    endpoint.answer(200, "<html>oops</html>", content_type="text/html")
    page = text(send(admin, connector_id))
    assert "B2C would show an error page because the response (HTTP 200) is not JSON" in page
    assert "<html>oops</html>" in page


def test_no_answer_within_the_timeout_is_retried_once(admin, app, endpoint, connector_id):
    admin.post_form(f"/portal/api-connectors/{connector_id}/",
                    **connector_fields(endpoint_url=endpoint.url, password="",
                                       timeout_seconds="1"))
    endpoint.answer(200, {"version": "1.0.0", "action": "Continue"}, delay=1.5)
    page = text(send(admin, connector_id))
    assert '<td id="response-attempts">2</td>' in page
    assert "B2C would show an error page because there was no answer within 1 s, after 2 attempts" in page
    assert len(endpoint.received) == 2


@pytest.mark.parametrize("body,message", [
    ('{"email": "a@example.com",}', "The request body is not valid JSON: Expecting property "
                                    "name enclosed in double quotes (line 1, column 27)."),
    ("[1, 2]", "The request body must be a JSON object"),
    ("", "Enter the JSON body to send."),
])
def test_bad_sample_json_is_refused_without_a_call(admin, endpoint, connector_id, body,
                                                   message):
    response = send(admin, connector_id, body=body)
    assert response.status_code == 400 and message in text(response)
    assert endpoint.received == []


def test_load_sample_switches_the_step(admin, connector_id):
    response = admin.post_form(f"/portal/api-connectors/{connector_id}/test",
                               step="PostFederationSignup", body="{}", action="load")
    page = text(response)
    assert '"step": "PostFederationSignup"' in page and '"issuer": "facebook.com"' in page
