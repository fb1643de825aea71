"""What the Authorization-AppRoles sample asks Graph: the service principal of an app by
``appId`` (with its ``appRoles``), and a user's ``appRoleAssignments`` to it; plus granting
and removing an assignment, each audited, with Graph's refusals."""
import uuid

import pytest

from idp.extensions import db
from idp.graph.permissions import service_principal_id
from idp.models import AppRegistration, AppRoleAssignment, AuditRecord
from tests.factories import BASE, make_app_registration, tenant_id
from tests.graph.conftest import graph_client
from tests.graph.test_users import create, error_of

ADMIN_ROLE, READER_ROLE, APP_ROLE = (str(uuid.uuid4()) for _ in range(3))


@pytest.fixture
def web_app(app) -> dict:
    """The sample's web app, with app roles Admin and Reader for users and one for apps."""
    roles = [{"id": ADMIN_ROLE, "value": "Admin", "display_name": "Administrator",
              "description": "Can do everything.", "allowed_member_types": ["User"],
              "enabled": True},
             {"id": READER_ROLE, "value": "Reader", "display_name": "Reader",
              "description": "Reads.", "allowed_member_types": ["User"], "enabled": True},
             {"id": APP_ROLE, "value": "Daemon", "display_name": "Daemon",
              "description": "Apps only.", "allowed_member_types": ["Application"],
              "enabled": True}]
    creds = make_app_registration(app, name="approles-web", app_roles=roles)
    creds["sp_id"] = service_principal_id(creds["client_id"])
    return creds


def assign(graph, user: str, resource: str, role: str):
    return graph.post(f"/users/{user}/appRoleAssignments",
                      {"principalId": user, "resourceId": resource, "appRoleId": role})


def test_service_principal_by_app_id(graph, app, web_app):
    response = graph.get(f"/servicePrincipals?$filter=appId eq '{web_app['client_id']}'")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["@odata.context"] == f"{BASE}/graph/v1.0/$metadata#servicePrincipals"
    [sp] = body["value"]
    assert sp["id"] == web_app["sp_id"] != web_app["client_id"]
    assert sp["appId"] == web_app["client_id"] and sp["displayName"] == "approles-web"
    assert sp["appOwnerOrganizationId"] == tenant_id(app)
    assert sp["appRoles"][0] == {"allowedMemberTypes": ["User"],
                                 "description": "Can do everything.",
                                 "displayName": "Administrator", "id": ADMIN_ROLE,
                                 "isEnabled": True, "origin": "Application", "value": "Admin"}
    one = graph.get(f"/servicePrincipals/{web_app['sp_id']}?$select=id,appRoles").get_json()
    assert set(one) == {"@odata.context", "id", "appRoles"}
    assert one["@odata.context"].endswith("#servicePrincipals(id,appRoles)/$entity")
    assert graph.get("/servicePrincipals?$filter=appId eq 'nope'").get_json()["value"] == []
    error_of(graph.get(f"/servicePrincipals/{uuid.uuid4()}"), 404, "Request_ResourceNotFound")
    every = graph.get("/servicePrincipals?$top=2").get_json()
    assert len(every["value"]) == 2 and "@odata.nextLink" in every


def test_assign_read_back_and_remove(graph, app, web_app):
    user = create(graph, "roles@example.com", "Role Holder")
    for role in (ADMIN_ROLE, READER_ROLE):
        response = assign(graph, user, web_app["sp_id"], role)
        assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["principalType"] == "User" and created["principalId"] == user
    assert created["resourceDisplayName"] == "approles-web"
    assert created["resourceId"] == web_app["sp_id"] and created["appRoleId"] == READER_ROLE
    assert created["principalDisplayName"] == "Role Holder"
    assert created["createdDateTime"].endswith("Z")
    listed = graph.get(f"/users/{user}/appRoleAssignments?$filter=resourceId eq "
                       f"{web_app['sp_id']}").get_json()
    roles = {a["id"]: a["value"] for a in graph.get(
        f"/servicePrincipals/{web_app['sp_id']}").get_json()["appRoles"]}
    assert sorted(roles[a["appRoleId"]] for a in listed["value"]) == ["Admin", "Reader"]
    other = str(uuid.uuid4())
    assert graph.get(f"/users/{user}/appRoleAssignments?$filter=resourceId eq {other}"
                     ).get_json()["value"] == []
    assignment = created["id"]
    assert graph.get(f"/users/{user}/appRoleAssignments/{assignment}").get_json()["id"] == \
        assignment
    assert graph.delete(f"/users/{user}/appRoleAssignments/{assignment}").status_code == 204
    error_of(graph.delete(f"/users/{user}/appRoleAssignments/{assignment}"), 404,
             "Request_ResourceNotFound")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AppRoleAssignment)) == 1
        added = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Add app role assignment to user")).scalars().all()
        removed = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Remove app role assignment from user")).scalar_one()
    assert len(added) == 2 and added[0].category == "UserManagement"
    assert added[0].target_user_id == user and added[0].additional_details["appRole"] == \
        "Administrator"
    assert removed.additional_details["resourceAppId"] == web_app["client_id"]


def test_portal_assignment_is_visible(graph, app, web_app):
    user = create(graph, "portal@example.com")
    with app.app_context():
        reg = db.session.execute(db.select(AppRegistration).filter_by(
            client_id=web_app["client_id"])).scalar_one()
        db.session.add(AppRoleAssignment(resource_id=reg.id, app_role_id=ADMIN_ROLE,
                                         principal_id=user))
        db.session.commit()
    [row] = graph.get(f"/users/{user}/appRoleAssignments").get_json()["value"]
    assert row["appRoleId"] == ADMIN_ROLE and row["resourceId"] == web_app["sp_id"]


@pytest.mark.parametrize("body, message", [
    (lambda u, sp: {"principalId": u, "resourceId": sp}, "property 'appRoleId'"),
    (lambda u, sp: {"principalId": u, "resourceId": "x", "appRoleId": ADMIN_ROLE},
     "property 'resourceId'"),
    (lambda u, sp: {"principalId": str(uuid.uuid4()), "resourceId": sp, "appRoleId": ADMIN_ROLE},
     "property 'principalId'"),
    (lambda u, sp: {"principalId": u, "resourceId": sp, "appRoleId": str(uuid.uuid4())},
     "Permission being assigned was not found on application"),
    (lambda u, sp: {"principalId": u, "resourceId": sp, "appRoleId": APP_ROLE},
     "Permission being assigned was not found on application"),
    (lambda u, sp: ["not", "an", "object"], "JSON object"),
])
def test_assignment_refusals(graph, app, web_app, body, message):
    user = create(graph, "refused@example.com")
    response = graph.post(f"/users/{user}/appRoleAssignments", body(user, web_app["sp_id"]))
    assert message in error_of(response, 400, "Request_BadRequest")
    with app.app_context():
        assert db.session.execute(db.select(AppRoleAssignment)).first() is None


def test_app_id_is_not_the_service_principal_id(graph, web_app):
    user = create(graph, "confused@example.com")
    response = assign(graph, user, web_app["client_id"], ADMIN_ROLE)
    assert "it is not the client id" in error_of(response, 400, "Request_BadRequest")
    quoted = graph.get(f"/users/{user}/appRoleAssignments?$filter=resourceId eq "
                       f"'{web_app['sp_id']}'")
    assert "'Edm.Guid' and 'Edm.String'" in error_of(quoted, 400, "Request_BadRequest")


def test_duplicate_assignment(graph, web_app):
    user = create(graph, "twice@example.com")
    assert assign(graph, user, web_app["sp_id"], ADMIN_ROLE).status_code == 201
    response = assign(graph, user, web_app["sp_id"], ADMIN_ROLE)
    assert error_of(response, 400, "Request_BadRequest") == (
        "Permission being assigned already exists on the object.")


def test_the_samples_reader_app_reads_but_cannot_assign(client, app, flow, graph, web_app):
    user = create(graph, "sample@example.com")
    reader = graph_client(client, flow, app, "User.Read.All", "Application.Read.All",
                          name="approles-provider")
    assert reader.get(f"/servicePrincipals?$filter=appId eq '{web_app['client_id']}'"
                      ).status_code == 200
    assert reader.get(f"/users/{user}/appRoleAssignments").status_code == 200
    denied = assign(reader, user, web_app["sp_id"], ADMIN_ROLE)
    assert "AppRoleAssignment.ReadWrite.All" in error_of(denied, 403,
                                                         "Authorization_RequestDenied")
    writer = graph_client(client, flow, app, "User.ReadWrite.All", name="writer-only")
    error_of(assign(writer, user, web_app["sp_id"], ADMIN_ROLE), 403,
             "Authorization_RequestDenied")
    error_of(writer.get("/servicePrincipals"), 403, "Authorization_RequestDenied")
