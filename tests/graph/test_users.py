"""``/graph/v1.0/users``: the bearer token and roles each call needs, List (``$select``,
``$filter`` on extension attributes, sign-in names and names, ``$top`` paging with
``@odata.nextLink``), Get, Create, Update, Delete; every refusal in Graph's error shape, nothing
written; every change audited as initiated by the app."""
import time

import pytest

from idp.extensions import db
from idp.models import AppRoleAssignment, AuditRecord, DirectoryUser, RefreshToken, SsoSession
from idp.store import keys
from idp.store.directory import SqlDirectory
from idp.store.hashing import check_password
from tests.factories import BASE, PASSWORD, TENANT, tenant_id
from tests.graph.conftest import STRONG, GraphClient, graph_client, new_user
from tests.graph.test_token import claims_of


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()["error"]
    assert body["code"] == code
    assert set(body["innerError"]) == {"date", "request-id", "client-request-id"}
    return body["message"]


def create(graph, email, display_name="Jane Doe", **extra) -> str:
    response = graph.post("/users", new_user(email, display_name, **extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(DirectoryUser))


def audits(app, activity) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(
            activity=activity)).scalars())


# --- the token ------------------------------------------------------------------------------

def test_no_token_or_a_bad_one_is_401(client, app, flow):
    message = error_of(client.get("/graph/v1.0/users"), 401, "InvalidAuthenticationToken")
    assert message == "Access token is empty."
    bad = GraphClient(client, "not.a.jwt").get("/users")
    assert "Access token validation failure" in error_of(bad, 401, "InvalidAuthenticationToken")
    assert bad.headers["WWW-Authenticate"].startswith("Bearer")
    user_token = flow.code_flow("someone@example.com")["id_token"]  # audience: the app
    wrong = GraphClient(client, user_token).get("/users")
    assert "Invalid audience" in error_of(wrong, 401, "InvalidAuthenticationToken")


def _signed(app, **changes) -> str:
    now = int(time.time())
    claims = {"exp": now + 600, "nbf": now, "ver": "1.0", "iss": f"{BASE}/{tenant_id(app)}/v2.0/",
              "sub": "x", "aud": "https://graph.microsoft.com", "roles": ["User.Read.All"],
              **changes}
    with app.app_context():
        return keys.sign(claims)


def test_expired_and_foreign_tokens_are_401(client, app):
    ok = GraphClient(client, _signed(app)).get("/users")
    assert ok.status_code == 200
    expired = GraphClient(client, _signed(app, exp=int(time.time()) - 3600)).get("/users")
    assert "expired" in error_of(expired, 401, "InvalidAuthenticationToken")
    foreign = GraphClient(client, _signed(app, iss="https://evil.example/v2.0/")).get("/users")
    assert "Invalid issuer" in error_of(foreign, 401, "InvalidAuthenticationToken")
    tfp = f"{BASE}/tfp/{tenant_id(app)}/B2C_1_susi/v2.0/"
    assert GraphClient(client, _signed(app, iss=tfp)).get("/users").status_code == 200


def test_each_call_needs_its_role(client, app, flow):
    reader = graph_client(client, flow, app, "User.Read.All", name="reader")
    assert reader.get("/users").status_code == 200
    message = error_of(reader.post("/users", new_user("r@example.com")), 403,
                       "Authorization_RequestDenied")
    assert message.startswith("Insufficient privileges to complete the operation.")
    assert "User.ReadWrite.All" in message and users(app) == 0
    error_of(reader.get("/servicePrincipals"), 403, "Authorization_RequestDenied")
    apps_only = graph_client(client, flow, app, "Application.Read.All", name="apps")
    error_of(apps_only.get("/users"), 403, "Authorization_RequestDenied")


# --- create, get, update, delete -------------------------------------------------------------

def test_create_get_patch_delete(graph, app, ext):
    response = graph.post("/users", new_user("Jane@Example.com", givenName="Jane",
                                              city="Seattle", **{ext + "CompanyId": "c1"}))
    body = response.get_json()
    assert response.status_code == 201
    assert body["@odata.context"] == f"{BASE}/graph/v1.0/$metadata#users/$entity"
    assert body["displayName"] == "Jane Doe" and body["givenName"] == "Jane"
    assert body["identities"][0] == {"signInType": "emailAddress", "issuer": TENANT,
                                     "issuerAssignedId": "Jane@Example.com"}
    object_id = body["id"]
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        assert check_password(STRONG, user.password_hash)
        assert user.attributes["extension_CompanyId"] == "c1"  # the bag name, as flows use
        assert SqlDirectory(TENANT).find_local_account("emailAddress", "jane@example.com")
    got = graph.get(f"/users/{object_id}").get_json()
    assert list(got) == ["@odata.context", "businessPhones", "displayName", "givenName",
                         "jobTitle", "mail", "mobilePhone", "officeLocation",
                         "preferredLanguage", "surname", "userPrincipalName", "id"]
    assert got["userPrincipalName"] == f"{object_id}@{TENANT}"
    selected = graph.get(f"/users/{object_id}?$select=id,city,accountEnabled,identities,"
                         f"{ext}CompanyId,{ext}Level,createdDateTime").get_json()
    assert selected["city"] == "Seattle" and selected["accountEnabled"] is True
    assert selected[ext + "CompanyId"] == "c1" and ext + "Level" not in selected
    assert selected["identities"][-1]["signInType"] == "userPrincipalName"
    assert selected["createdDateTime"].endswith("Z")
    assert graph.get(f"/users/{object_id}@{TENANT}").status_code == 200  # by UPN
    patched = graph.patch(f"/users/{object_id}", {"displayName": "Jane Smith", "city": None,
                                                  ext + "Level": 3, ext + "IsAdmin": True,
                                                  ext + "CompanyId": None})
    assert patched.status_code == 204 and patched.data == b""
    with app.app_context():
        user = db.session.get(DirectoryUser, object_id)
        assert user.display_name == "Jane Smith"
        assert user.attributes == {"passwordPolicies": "DisablePasswordExpiration",
                                   "extension_Level": 3, "extension_IsAdmin": True}
        assert user.given_name == "Jane"
    assert graph.delete(f"/users/{object_id}").status_code == 204
    assert users(app) == 0
    error_of(graph.get(f"/users/{object_id}"), 404, "Request_ResourceNotFound")
    [added] = audits(app, "Add user")
    [updated] = audits(app, "Update user")
    [deleted] = audits(app, "Delete user")
    for record in (added, updated, deleted):
        assert record.category == "UserManagement" and record.target_user_id == object_id
        assert record.app_id and record.initiated_by_admin is None
    changed = {p["displayName"] for p in updated.additional_details["modifiedProperties"]}
    assert changed == {"displayName", "city", ext + "Level", ext + "IsAdmin", ext + "CompanyId"}


def test_delete_revokes_sessions_tokens_and_role_assignments(graph, app, flow):
    tokens = flow.code_flow("leaver@example.com")
    with app.app_context():
        object_id = db.session.execute(db.select(RefreshToken.user_object_id)).scalar_one()
        db.session.add(AppRoleAssignment(resource_id=1, app_role_id="r", principal_id=object_id))
        db.session.commit()
    assert graph.delete(f"/users/{object_id}").status_code == 204
    with app.app_context():
        assert db.session.execute(db.select(AppRoleAssignment)).first() is None
        assert all(t.revoked_at for t in db.session.execute(db.select(RefreshToken)).scalars())
        assert all(s.revoked_at for s in db.session.execute(db.select(SsoSession)).scalars())
    rp = flow.rp()
    refused = flow.token({"grant_type": "refresh_token",
                          "refresh_token": tokens["refresh_token"]},
                         auth=(rp["client_id"], rp["secret"]))
    assert refused.status_code == 400


def test_disabling_revokes_sessions(graph, app, flow):
    flow.code_flow("blocked@example.com")
    with app.app_context():
        object_id = db.session.execute(db.select(RefreshToken.user_object_id)).scalar_one()
    assert graph.patch(f"/users/{object_id}", {"accountEnabled": False}).status_code == 204
    with app.app_context():
        assert db.session.get(DirectoryUser, object_id).account_enabled is False
        assert db.session.execute(db.select(RefreshToken)).scalar_one().revoked_at is not None
    [record] = audits(app, "Update user")
    assert record.additional_details["refreshTokensRevoked"] == 1


def test_username_account_can_sign_in(graph, app, flow):
    body = new_user("x@example.com")
    body["identities"] = [{"signInType": "userName", "issuer": TENANT,
                           "issuerAssignedId": "jdoe"}]
    assert graph.post("/users", body).status_code == 201
    with app.app_context():
        ref = SqlDirectory(TENANT).find_local_account("userName", "JDOE")
        assert ref is not None and SqlDirectory(TENANT).check_password(ref.object_id, STRONG)


@pytest.mark.parametrize("change, status, message", [
    ({"displayName": ""}, 400, "Invalid value specified for property 'displayName' of resource "
                               "'User'."),
    ({"displayName": None}, 400, "property 'displayName'"),
    ({"givenName": "x" * 65}, 400, "property 'givenName'"),
    ({"accountEnabled": "yes"}, 400, "property 'accountEnabled'"),
    ({"passwordPolicies": "Whatever"}, 400, "property 'passwordPolicies'"),
    ({"favouriteColour": "blue"}, 400, "Property 'favouriteColour' does not exist"),
    ({"extension_0000_Nope": "x"}, 400, "The following extension properties are not "
                                        "available: extension_0000_Nope."),
    ({"id": "x"}, 400, "Property 'id' is read-only"),
    ({"identities": []}, 400, "sets identities when it creates the user only"),
    ({"passwordProfile": {"password": STRONG}}, 403, "User Administrator role"),
])
def test_patch_refusals(graph, app, change, status, message):
    object_id = create(graph, "p@example.com")
    response = graph.patch(f"/users/{object_id}", change)
    code = "Authorization_RequestDenied" if status == 403 else "Request_BadRequest"
    assert message in error_of(response, status, code)
    assert audits(app, "Update user") == []


def test_patch_refuses_wrong_extension_types(graph, ext):
    object_id = create(graph, "t@example.com")
    for name, value in (("Level", "3"), ("Level", True), ("IsAdmin", "true"),
                        ("CompanyId", 5), ("CompanyId", "x" * 257)):
        response = graph.patch(f"/users/{object_id}", {ext + name: value})
        assert f"property '{ext}{name}'" in error_of(response, 400, "Request_BadRequest")


@pytest.mark.parametrize("change, message", [
    ({"displayName": None}, "property 'displayName'"),
    ({"identities": None}, "property 'identities'"),
    ({"identities": [{"signInType": "emailAddress", "issuer": TENANT}]}, "property 'identities'"),
    ({"identities": [{"signInType": "federated", "issuer": "facebook.com",
                      "issuerAssignedId": "123"}]}, "signInType 'federated' is not supported"),
    ({"identities": [{"signInType": "emailAddress", "issuer": "other.onmicrosoft.com",
                      "issuerAssignedId": "a@example.com"}]}, "tenant's domain"),
    ({"identities": [{"signInType": "emailAddress", "issuer": TENANT,
                      "issuerAssignedId": "not-an-email"}]}, "'not-an-email' is not a valid"),
    ({"passwordProfile": None}, "property 'passwordProfile'"),
    ({"passwordProfile": {"password": "weakpass"}}, "does not comply with password complexity"),
    ({"passwordProfile": {"password": STRONG, "forceChangePasswordNextSignIn": "no"}},
     "property 'passwordProfile'"),
])
def test_create_refusals(graph, app, change, message):
    response = graph.post("/users", {**new_user("c@example.com"), **change})
    assert message in error_of(response, 400, "Request_BadRequest")
    assert users(app) == 0 and audits(app, "Add user") == []


def test_create_needs_the_required_properties_and_a_json_body(graph, app):
    body = new_user("m@example.com")
    del body["passwordProfile"]
    message = error_of(graph.post("/users", body), 400, "Request_BadRequest")
    assert "Property 'passwordProfile' is required" in message
    not_json = graph.client.post("/graph/v1.0/users", data="x=1",
                                 headers=graph._headers())
    assert "JSON object" in error_of(not_json, 400, "Request_BadRequest")
    assert users(app) == 0


def test_weak_password_allowed_with_disable_strong_password(graph):
    body = new_user("w@example.com", passwordPolicies="DisableStrongPassword")
    body["passwordProfile"]["password"] = "weakpass"
    assert graph.post("/users", body).status_code == 201


def test_duplicate_sign_in_name_is_an_object_conflict(graph, app):
    create(graph, "dup@example.com")
    response = graph.post("/users", new_user("DUP@example.com"))
    message = error_of(response, 400, "Request_BadRequest")
    assert message == "Another object with the same value for property identities already exists."
    assert response.get_json()["error"]["details"] == [{"target": "identities",
                                                        "code": "ObjectConflict"}]
    assert users(app) == 1


def test_unknown_user_is_404_everywhere(graph):
    for response in (graph.get("/users/nobody"), graph.patch("/users/nobody", {"city": "x"}),
                     graph.delete("/users/nobody")):
        message = error_of(response, 404, "Request_ResourceNotFound")
        assert message.startswith("Resource 'nobody' does not exist")


def test_a_user_created_through_graph_signs_in_with_the_user_flow(graph, client, flow, ext):
    object_id = create(graph, "invited@example.com", "Invited User",
                       passwordProfile={"password": PASSWORD},
                       **{ext + "CompanyId": "c9"})
    body = flow.code_flow("invited@example.com", sign_up=False)
    claims = claims_of(client, body["id_token"])
    assert claims["sub"] == object_id and claims["name"] == "Invited User"
