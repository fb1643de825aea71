"""Lab 04 through B2C Lab: the tenant in the lab's end state (``labs solve``), the lab app
mounted and served for real on loopback.  A short, unknown, expired or reused invitation code
keeps the sign-up on its form with the sample's exact message and writes nothing; a valid code
gives the new user the invitation's company and role; the Global Admin bootstrap; and what a
company admin may and may not do."""
from __future__ import annotations

import datetime as dt

import pytest

from labs import model
from labs.lab04_invitation_codes.invitations import (GLOBAL_ADMIN_CODE, InvitationStore,
                                                     UserInvitation, utcnow)
from labs.lab04_invitation_codes.lab import ROLE
from tests.labs.lab04_stack import csrf, local, sign_up, start_stack

COMPANY = "extension_CompanyId"
INVALID = "The invitation code you provided is invalid."
EXPIRED = "The invitation code you provided has expired."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    stack, stop = start_stack(tmp_path_factory.mktemp("lab04"))
    yield stack
    stop()


@pytest.fixture
def stack(server):
    return server.fresh()


def invite(stack, code: str, company: str | None = "fabrikam", role: str = "CompanyUser",
           hours: float = 24) -> None:
    now = utcnow()
    InvitationStore(stack.data_dir / "invitations").create(UserInvitation(
        code, company, role, None, now - dt.timedelta(hours=48), now + dt.timedelta(hours=hours)))


def used_code(stack) -> str:
    """A code that was valid once and is now redeemed."""
    invite(stack, "11111111-2222-3333-4444-555555555555")
    stack.authorize()
    response = sign_up(stack.flow, "first@example.com", "11111111-2222-3333-4444-555555555555")
    assert "code" in stack.flow.redirect_params(response), response.location
    stack.flow.client.delete_cookie("x-ms-cpim-sso")
    return "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize("case, message", [
    ("short", INVALID), ("unknown", INVALID), ("expired", EXPIRED), ("reused", INVALID)])
def test_a_bad_code_keeps_the_sign_up_on_its_form_and_writes_nothing(stack, case, message):
    stack.solve(users=False)
    code = {"short": "123456789", "unknown": "99999999-9999-9999-9999-999999999999",
            "expired": "22222222-3333-4444-5555-666666666666"}.get(case)
    if case == "expired":
        invite(stack, code, hours=-1)
    if case == "reused":
        code = used_code(stack)
    before = stack.users()
    stack.authorize()
    response = sign_up(stack.flow, "bad-code@example.com", code)
    assert response.status_code == 200 and message in stack.flow.text
    assert 'name="extension_InvitationCode"' in stack.flow.text  # still the sign-up form
    assert stack.users() == before
    if case == "expired":  # an expired invitation stays listed; a used one is gone
        assert (stack.data_dir / "invitations" / f"{code}.json").exists()


def test_a_valid_code_gives_the_invitations_company_and_role_once(stack):
    stack.solve(users=False)
    invite(stack, "33333333-4444-5555-6666-777777777777", role="CompanyAdmin")
    stack.authorize()
    response = sign_up(stack.flow, "new@example.com", "33333333-4444-5555-6666-777777777777")
    assert "code" in stack.flow.redirect_params(response), stack.flow.text[:2000]
    attributes = stack.users()["new@example.com"]
    assert attributes[COMPANY] == "fabrikam" and attributes[ROLE] == "CompanyAdmin"
    assert attributes["extension_InvitationCode"] == "33333333-4444-5555-6666-777777777777"
    assert not (stack.data_dir / "invitations").joinpath(
        "33333333-4444-5555-6666-777777777777.json").exists()


def test_connector_credentials_that_differ_from_the_settings_are_aadb2c90075(stack):
    stack.solve(users=False)
    settings = stack.data_dir / "settings.json"
    settings.write_text(settings.read_text().replace('"connector_password": "dummy"',
                                                     '"connector_password": "other"'))
    invite(stack, "44444444-5555-6666-7777-888888888888")
    stack.authorize()
    sign_up(stack.flow, "auth@example.com", "44444444-5555-6666-7777-888888888888")
    assert "AADB2C90075" in stack.flow.text and "Unauthorized" in stack.flow.text
    assert "auth@example.com" not in stack.users()


def test_bootstrap_the_first_global_admin_then_the_page_needs_a_sign_in(stack):
    stack.solve(users=False)
    page = stack.client.get("/labs/invitations/invitations")
    assert page.status_code == 200 and GLOBAL_ADMIN_CODE in page.get_data(as_text=True)
    assert (stack.data_dir / "invitations" / f"{GLOBAL_ADMIN_CODE}.json").exists()
    to_b2c = stack.client.get("/labs/invitations/signin")  # the page's "sign up" link
    stack.flow.get(local(to_b2c.location))
    back = sign_up(stack.flow, "grace@example.com", GLOBAL_ADMIN_CODE, "Grace Admin")
    home = stack.client.get(local(back.location), follow_redirects=True)
    assert "Signed in as Grace Admin." in home.get_data(as_text=True)
    assert stack.users()["grace@example.com"][ROLE] == "GlobalAdmin"
    users = stack.client.get("/labs/invitations/users").get_data(as_text=True)
    assert "grace@example.com (you)" in users and "GlobalAdmin" in users
    stack.client.get("/labs/invitations/signout")
    stack.client.delete_cookie("lab04_session")
    again = stack.client.get("/labs/invitations/invitations")
    assert again.status_code == 302 and again.location.endswith("/signin")


@pytest.fixture
def company_admin(stack):
    """The lab solved, plus a fabrikam admin and a contoso user; the lab app's test client
    signed in as the fabrikam admin (its session holds the token's claims)."""
    stack.solve(extra=(
        model.UserWithAttributes({ROLE: "CompanyAdmin", COMPANY: "fabrikam"},
                                 "carla@fabrikam.example", "Carla Admin"),
        model.UserWithAttributes({ROLE: "CompanyUser", COMPANY: "contoso"},
                                 "cole@contoso.example", "Cole User")))
    client = stack.lab_app.test_client()
    with client.session_transaction() as session:
        session["claims"] = {"oid": stack.object_id("carla@fabrikam.example"),
                             "name": "Carla Admin", ROLE: "CompanyAdmin", COMPANY: "fabrikam"}
    return client


def test_a_company_admin_sees_only_their_company(stack, company_admin):
    page = company_admin.get("/users").get_data(as_text=True)
    assert "frank@fabrikam.example" in page and "carla@fabrikam.example (you)" in page
    assert "cole@contoso.example" not in page and "grace.admin@lab04.example" not in page
    assert '<option value="GlobalAdmin"' not in page and 'id="scope-company">fabrikam' in page


def test_a_company_admin_cannot_create_a_global_admin_or_leave_their_company(stack,
                                                                           company_admin):
    page = company_admin.get("/invitations").get_data(as_text=True)
    assert 'value="GlobalAdmin"' not in page and 'name="company_id"' not in page
    company_admin.post("/invitations", data={"csrf_token": csrf(page), "role": "GlobalAdmin",
                                             "company_id": "contoso", "valid_hours": "24"})
    [made] = InvitationStore(stack.data_dir / "invitations").pending()
    assert (made.role, made.company_id) == ("CompanyAdmin", "fabrikam")
    assert made.created_by == stack.object_id("carla@fabrikam.example")


def test_a_company_admin_cannot_edit_other_companies_or_promote_to_global_admin(
        stack, company_admin):
    token = csrf(company_admin.get("/users").get_data(as_text=True))
    cole, frank = stack.object_id("cole@contoso.example"), stack.object_id(
        "frank@fabrikam.example")
    refused = company_admin.post(f"/users/{cole}/update", follow_redirects=True, data={
        "csrf_token": token, "id": cole, "name": "Mine now", "role": "CompanyUser"})
    assert "You can only manage users of your own company." in refused.get_data(as_text=True)
    company_admin.post(f"/users/{frank}/update", data={
        "csrf_token": token, "id": frank, "name": "Frank F.", "role": "GlobalAdmin",
        "company_id": "contoso"})
    users = stack.users()
    assert users["cole@contoso.example"][COMPANY] == "contoso"
    assert (users["frank@fabrikam.example"][ROLE], users["frank@fabrikam.example"][COMPANY]) \
        == ("CompanyAdmin", "fabrikam")
    gone = company_admin.post(f"/users/{cole}/delete", data={"csrf_token": token},
                              follow_redirects=True)
    assert "You can only manage users of your own company." in gone.get_data(as_text=True)
    assert "cole@contoso.example" in stack.users()


def test_a_company_user_manages_nobody(stack):
    stack.solve()
    client = stack.lab_app.test_client()
    with client.session_transaction() as session:
        session["claims"] = {"oid": stack.object_id("frank@fabrikam.example"),
                             ROLE: "CompanyUser", COMPANY: "fabrikam"}
    assert "You don't have permissions to invite users." in client.get(
        "/invitations").get_data(as_text=True)
    assert "You don't have permissions to manage users." in client.get(
        "/users").get_data(as_text=True)
    token = csrf(client.get("/settings").get_data(as_text=True))
    refused = client.post("/invitations", data={"csrf_token": token, "role": "CompanyUser",
                                                "valid_hours": "24"})
    assert refused.status_code == 403
    assert InvitationStore(stack.data_dir / "invitations").pending() == []


def test_a_global_admin_edits_and_deletes_users_but_not_themselves(stack):
    stack.solve()
    grace, frank = (stack.object_id("grace.admin@lab04.example"),
                    stack.object_id("frank@fabrikam.example"))
    client = stack.lab_app.test_client()
    with client.session_transaction() as session:
        session["claims"] = {"oid": grace, "name": "Grace Admin", ROLE: "GlobalAdmin"}
    page = client.get("/users").get_data(as_text=True)
    assert "frank@fabrikam.example" in page and "grace.admin@lab04.example (you)" in page
    token = csrf(page)
    updated = client.post(f"/users/{frank}/update", follow_redirects=True, data={
        "csrf_token": token, "id": frank, "name": "Frank Moved", "company_id": "contoso",
        "role": "CompanyAdmin"})
    assert "User updated." in updated.get_data(as_text=True)
    assert {k: stack.users()["frank@fabrikam.example"][k] for k in (COMPANY, ROLE)} == {
        COMPANY: "contoso", ROLE: "CompanyAdmin"}
    no_company = client.post(f"/users/{frank}/update", data={  # a field left out: no error
        "csrf_token": token, "id": frank, "name": "Frank", "role": "CompanyUser"})
    assert no_company.status_code == 303 and COMPANY not in stack.users()[
        "frank@fabrikam.example"]
    myself = client.post(f"/users/{grace}/delete", data={"csrf_token": token},
                         follow_redirects=True)
    assert "You cannot delete yourself." in myself.get_data(as_text=True)
    client.post(f"/users/{frank}/delete", data={"csrf_token": token})
    assert set(stack.users()) == {"grace.admin@lab04.example"}


def test_a_company_admin_deletes_only_their_companys_invitations(stack, company_admin):
    invite(stack, "55555555-6666-7777-8888-999999999999", company="contoso")
    invite(stack, "66666666-7777-8888-9999-000000000000", company="fabrikam")
    page = company_admin.get("/invitations").get_data(as_text=True)
    assert "66666666-7777-8888-9999-000000000000" in page
    assert "55555555-6666-7777-8888-999999999999" not in page
    token = csrf(page)
    other = company_admin.post("/invitations/55555555-6666-7777-8888-999999999999/delete",
                               data={"csrf_token": token}, follow_redirects=True)
    assert "No such pending invitation for your company." in other.get_data(as_text=True)
    company_admin.post("/invitations/66666666-7777-8888-9999-000000000000/delete",
                       data={"csrf_token": token})
    assert [i.invitation_code for i in InvitationStore(
        stack.data_dir / "invitations").pending()] == ["55555555-6666-7777-8888-999999999999"]
