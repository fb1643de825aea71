"""Lab 04's API connector on its own (Flask test client): the exact request B2C sends and the
exact answers of the sample's ``UserInvitationController.Redeem`` (b2c-reference §2.1), the
Basic credentials it checks, and what it does with bodies B2C would never send."""
from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from labs.lab04_invitation_codes import lab_settings
from labs.lab04_invitation_codes.invitations import InvitationStore, UserInvitation, utcnow
from labs.lab04_invitation_codes.web import create_app

EXT_APP = "0f4ee2f3-41ad-4daa-a7e4-c734a7b48218"
EXT = "extension_0f4ee2f341ad4daaa7e4c734a7b48218_"
CODE = "7d5e1f9c-1b2a-4c3d-8e9f-0a1b2c3d4e5f"
URL = "/api/userinvitation/redeem"


def basic(username: str = "dummy", password: str = "dummy") -> dict:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


@pytest.fixture
def data_dir(tmp_path):
    lab_settings.save(tmp_path, lab_settings.LabSettings(
        extensions_app_client_id=EXT_APP, connector_username="dummy",
        connector_password="dummy"))
    return tmp_path


@pytest.fixture
def client(data_dir):
    return create_app({"IDP_URL": "http://localhost:5000", "TENANT": "contoso",
                       "DATA_DIR": str(data_dir), "TESTING": True,
                       "PUBLIC_URL": "http://localhost:5000/labs/invitations"}).test_client()


@pytest.fixture
def store(data_dir):
    return InvitationStore(data_dir / "invitations")


def b2c_body(code: str | None = CODE, key: str = EXT + "InvitationCode") -> dict:
    """What B2C sends at Before creating the user (§1.3): empty claims are left out."""
    body = {"email": "ann@example.com",
            "identities": [{"signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com",
                            "issuerAssignedId": "ann@example.com"}],
            "displayName": "Ann"}
    if code is not None:
        body[key] = code
    return {**body, "step": "PostAttributeCollection",
            "client_id": "93fd07aa-333c-409d-955d-96008fd08dd9", "ui_locales": "en-US"}


def invite(store, code=CODE, hours: float = 24, company="fabrikam", role="CompanyAdmin"):
    now = utcnow()
    store.create(UserInvitation(code, company, role, "creator-oid", now,
                                now + dt.timedelta(hours=hours)))


def answer(response) -> tuple[int, list]:
    """Status and body as ordered pairs: the sample's key order is part of the contract."""
    return response.status_code, list(json.loads(response.get_data()).items())


def validation_error(message: str) -> tuple[int, list]:
    return 400, [("version", "1.0.0"), ("action", "ValidationError"), ("userMessage", message),
                 (EXT + "CompanyId", None), (EXT + "DelegatedUserManagementRole", None),
                 ("status", "400")]


INVALID = validation_error("The invitation code you provided is invalid.")
BLOCK = (200, [("version", "1.0.0"), ("action", "ShowBlockPage"),
               ("userMessage", "An error occurred while validating your invitation code, "
                               "please try again later."),
               (EXT + "CompanyId", None), (EXT + "DelegatedUserManagementRole", None)])


@pytest.mark.parametrize("code", [None, "", "   ", "123456789", "ABCDEFGHI"])
def test_missing_blank_or_short_codes_are_invalid(client, store, code):
    invite(store, "123456789")  # even a stored one: shorter than 10 characters is invalid
    assert answer(client.post(URL, json=b2c_body(code), headers=basic())) == INVALID


@pytest.mark.parametrize("code", ["99999999-9999-9999-9999-999999999999", "../settings-x",
                                  "../../etc/passwd0", "a" * 200])
def test_unknown_codes_are_invalid(client, store, code):
    invite(store)
    assert answer(client.post(URL, json=b2c_body(code), headers=basic())) == INVALID


def test_an_expired_code_says_so_and_stays_pending(client, store):
    invite(store, hours=-0.01)
    assert answer(client.post(URL, json=b2c_body(), headers=basic())) == validation_error(
        "The invitation code you provided has expired.")
    assert store.get(CODE) is not None


def test_a_valid_code_continues_with_company_and_role_once(client, store):
    invite(store)
    assert answer(client.post(URL, json=b2c_body(), headers=basic())) == (200, [
        ("version", "1.0.0"), ("action", "Continue"),
        ("userMessage", "The invitation code you provided is valid."),
        (EXT + "CompanyId", "fabrikam"), (EXT + "DelegatedUserManagementRole", "CompanyAdmin")])
    assert store.get(CODE) is None
    assert answer(client.post(URL, json=b2c_body(), headers=basic())) == INVALID  # reused


def test_the_key_is_found_in_any_case_and_the_code_ignores_case(client, store):
    invite(store)
    body = b2c_body(CODE.upper(), key=(EXT + "InvitationCode").upper())
    assert answer(client.post(URL, json=body, headers=basic()))[0] == 200


@pytest.mark.parametrize("body", [b2c_body(12345678901), [b2c_body()], "not json", None])
def test_a_body_b2c_never_sends_ends_on_the_block_page(client, store, body):
    invite(store)
    response = (client.post(URL, data=body, headers={**basic(), "Content-Type":
                                                     "application/json"})
                if isinstance(body, str) or body is None else
                client.post(URL, json=body, headers=basic()))
    assert answer(response) == BLOCK
    assert store.get(CODE) is not None


def test_a_damaged_invitation_file_ends_on_the_block_page(client, store):
    invite(store)
    (store.folder / f"{CODE}.json").write_text("{not json", encoding="utf-8")
    assert answer(client.post(URL, json=b2c_body(), headers=basic())) == BLOCK


@pytest.mark.parametrize("headers", [{}, basic("dummy", "wrong"), basic("other", "dummy"),
                                     {"Authorization": "Bearer dummy"}])
def test_other_credentials_are_refused_with_401(client, store, headers):
    invite(store)
    response = client.post(URL, json=b2c_body(), headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith(
        "Basic")
    assert "do not match" in response.get_json()["message"] or not headers
    assert store.get(CODE) is not None


def test_without_settings_every_call_is_refused(tmp_path):
    client = create_app({"IDP_URL": "http://localhost:5000", "TENANT": "contoso",
                         "DATA_DIR": str(tmp_path), "TESTING": True,
                         "PUBLIC_URL": "http://localhost:5004"}).test_client()
    response = client.post(URL, json=b2c_body(), headers=basic())
    assert response.status_code == 401
    assert "no API connector username and password yet" in response.get_json()["message"]


def test_without_the_extensions_app_id_it_blocks_and_names_no_key(tmp_path):
    lab_settings.save(tmp_path, lab_settings.LabSettings(connector_username="dummy",
                                                         connector_password="dummy"))
    client = create_app({"IDP_URL": "http://localhost:5000", "TENANT": "contoso",
                         "DATA_DIR": str(tmp_path), "TESTING": True,
                         "PUBLIC_URL": "http://localhost:5004"}).test_client()
    status, body = answer(client.post(URL, json=b2c_body(), headers=basic()))
    assert (status, dict(body)["action"]) == (200, "ShowBlockPage")
    assert not any(key.startswith("extension_") for key, _ in body)
