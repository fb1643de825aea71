"""Export and import: a tenant configured through the models is exported through the portal,
imported into a second, fresh B2C Lab, exported again, and the two files are equal; the
imported tenant runs its imported flow and app; bad files are refused with a message that names
the entry and the field, and nothing is written."""
from __future__ import annotations

import copy
import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from idp import create_app
from idp.extensions import db
from idp.models import (AdminAccount, AppRegistration, AppRoleAssignment, AuditRecord,
                        DirectoryUser, SigningKey, Tenant, UserAttribute, UserFlow)
from idp.seed import SUSI_CONFIG
from idp.store.directory import SqlDirectory
from idp.store.hashing import hash_password
from idp.store.transfer import export_tenant
from idp.store.transfer_checks import Target, check_document
from tests.conftest import BASE
from tests.factories import (PASSWORD, TENANT, FlowDriver, make_app_registration, pkce_pair,
                             tenant_id)
from tests.portal.conftest import ADMIN_PASSWORD, AdminActions, csrf_token

ROLE_ID = "9f3e1c1e-5b0a-4a52-9d3e-7f2c1a0b4c11"
WORKSHOP = "B2C_1_workshop"
CALLBACK = "https://app.example/callback"


# --- helpers ---------------------------------------------------------------------------------

def configure_tenant(app) -> dict:
    """A tenant an instructor would hand out: a custom attribute, a second flow collecting and
    returning it, an API with a scope and an app role, a web app granted the scope, a user
    holding the role, and tenant settings."""
    web = make_app_registration(app, name="workshop-web", redirect_uris=[CALLBACK])
    with app.app_context():
        db.session.add(UserAttribute(name="Team", name_key="team", data_type="String",
                                     description="The learner's team"))
        config = copy.deepcopy(SUSI_CONFIG)
        config["user_attributes"].append({"claim": "extension_Team", "order": 4,
                                          "optional": True})
        config["application_claims"].append("extension_Team")
        config["properties"] = {"token_lifetime_minutes": 30}
        db.session.add(UserFlow(name=WORKSHOP, name_key=WORKSHOP.lower(),
                                flow_type="signUpOrSignIn", config=config))
        api = AppRegistration(
            name="workshop-api", redirect_uris=[],
            app_id_uri=f"https://{TENANT}/workshop-api",
            exposed_scopes=[{"value": "read", "admin_consent_display_name": "Read data",
                             "admin_consent_description": "Reads the workshop data",
                             "enabled": True}],
            app_roles=[{"id": ROLE_ID, "value": "Admin", "display_name": "Administrator",
                        "description": "Runs the workshop", "allowed_member_types": ["User"],
                        "enabled": True}])
        db.session.add(api)
        db.session.flush()
        permission = {"resource_client_id": api.client_id, "value": "read",
                      "type": "Delegated", "admin_consent": True}
        for name in ("workshop-web", "rp-demo"):
            reg = db.session.execute(db.select(AppRegistration).filter_by(name=name)).scalar_one()
            reg.api_permissions = [permission]
        user_id = SqlDirectory(TENANT).create_local_account(
            sign_in_type="emailAddress", sign_in_name="ada@example.com", email="ada@example.com",
            password=PASSWORD, attributes={"displayName": "Ada Lovelace", "givenName": "Ada",
                                           "extension_Team": "blue"})
        db.session.add(AppRoleAssignment(resource_id=api.id, app_role_id=ROLE_ID,
                                         principal_id=user_id))
        tenant = db.session.execute(db.select(Tenant)).scalar_one()
        tenant.settings = {"audit_retention_days": 14}
        db.session.commit()
        return {"web": web, "api_client_id": api.client_id, "user_id": user_id}


def signed_in(app) -> AdminActions:
    with app.app_context():
        account = db.session.execute(db.select(AdminAccount)).scalar_one()
        account.password_hash = hash_password(ADMIN_PASSWORD)
        db.session.commit()
    actions = AdminActions(app.test_client(), app)
    assert actions.login().status_code == 303
    return actions


def export_file(admin, **options) -> dict:
    response = admin.post_form("/portal/tenant/", "/portal/tenant/export", **options)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return json.loads(response.data)


def import_file(admin, payload, mode="replace", **options):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return admin.post_form("/portal/tenant/", "/portal/tenant/import", mode=mode,
                           file=(io.BytesIO(raw), "contoso-tenant.json"), **options)


def seeded_ids(app) -> dict:
    with app.app_context():
        apps = {a.name: a.client_id for a in db.session.execute(
            db.select(AppRegistration)).scalars()}
    extensions = next(v for k, v in apps.items() if k.startswith("b2c-extensions-app"))
    return {"tenant": tenant_id(app), "rp-demo": apps["rp-demo"], "extensions": extensions}


def normalised(doc: dict, replacements: dict[str, str]) -> dict:
    """The document without its export time, with the ids each tenant has its own of
    (tenant id, sample app, b2c-extensions-app) rewritten to the first tenant's."""
    text = json.dumps({k: v for k, v in doc.items() if k != "exportedAt"}, sort_keys=True)
    for ours, theirs in replacements.items():
        text = text.replace(ours, theirs)
    return json.loads(text)


def audits(app, activity: str) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(
            activity=activity)).scalars())


def snapshot(app) -> dict:
    with app.app_context():
        doc = export_tenant(include_users=True, include_secrets=True)
    doc.pop("exportedAt")
    return doc


@pytest.fixture
def other_app(tmp_path):
    """A second, fresh B2C Lab (its own instance folder and in-memory database)."""
    application = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "room"),
                              "DATABASE_URL": "sqlite://", "IDP_PUBLIC_URL": BASE,
                              "IDP_BCRYPT_ROUNDS": 4})
    yield application
    with application.app_context():
        db.engine.dispose()


# --- the round trip --------------------------------------------------------------------------

def test_export_import_export_round_trip(admin, app, other_app):
    configure_tenant(app)
    first = export_file(admin, include_users="y")
    room = signed_in(other_app)
    response = import_file(room, first)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = room.client.get("/portal/tenant/").get_data(as_text=True)
    assert (f"Tenant configuration imported (Replace the configuration): 1 custom attribute(s), "
            f"{len(first['userFlows'])} user flow(s), "
            f"{len(first['apiConnectors'])} API connector(s), "
            f"{len(first['identityProviders'])} identity provider(s), "
            f"{len(first['appRegistrations'])} app registration(s), "
            "1 app role assignment(s), 1 user(s).") in page
    second = export_file(room, include_users="y")
    ours, theirs = seeded_ids(other_app), seeded_ids(app)
    assert ours["tenant"] != theirs["tenant"]  # the room keeps its own tenant id
    assert normalised(second, {ours[k]: theirs[k] for k in ours}) == normalised(first, {})
    assert [r.additional_details["mode"] for r in audits(other_app,
                                                         "Import tenant configuration")] \
        == ["replace"]
    assert len(audits(app, "Export tenant configuration")) == 1
    # what the first file holds, and what it never holds
    assert [a["name"] for a in first["userAttributes"]] == ["Team"]
    assert "extension_Team" in next(f for f in first["userFlows"]
                                    if f["name"] == WORKSHOP)["config"]["application_claims"]
    assert first["users"][0]["attributes"]["extension_Team"] == "blue"
    text = json.dumps(first)
    assert "passwordHash" not in text and "secretHash" not in text
    assert "private_jwk" not in text and '"d":' not in text
    # the imported flow answers discovery, the sample app still has its own registration
    discovery = room.client.get(f"/{TENANT}/{WORKSHOP}/v2.0/.well-known/openid-configuration")
    assert discovery.status_code == 200
    assert WORKSHOP in discovery.get_json()["authorization_endpoint"]


def test_imported_tenant_signs_in_with_imported_flow_app_and_hashes(admin, app, other_app):
    source = configure_tenant(app)
    first = export_file(admin, include_users="y", include_secrets="y")
    assert first["users"][0]["passwordHash"].startswith("$2")
    assert all("secretHash" in s for a in first["appRegistrations"] for s in a["secrets"])
    room = signed_in(other_app)
    assert import_file(room, first).status_code == 303
    flow = FlowDriver(room.client, other_app)
    web = source["web"]
    verifier, challenge = pkce_pair()
    flow.authorize(web["client_id"], CALLBACK, policy=WORKSHOP, code_challenge=challenge,
                   code_challenge_method="S256")
    flow.sign_in("ada@example.com")  # the imported user, with her imported password hash
    code = flow.redirect_params()["code"]
    tokens = flow.token({"grant_type": "authorization_code", "code": code,
                         "redirect_uri": CALLBACK, "code_verifier": verifier},
                        auth=(web["client_id"], web["secret"]), policy=WORKSHOP)
    assert tokens.status_code == 200, tokens.get_json()
    # and a newcomer signs up through the imported flow (in another browser)
    flow = FlowDriver(other_app.test_client(), other_app)
    flow.authorize(web["client_id"], CALLBACK, policy=WORKSHOP)
    flow.sign_up("grace@example.com")
    assert "code" in flow.redirect_params()
    second = export_file(room, include_users="y", include_secrets="y")
    ada = next(u for u in second["users"] if u["objectId"] == source["user_id"])
    assert ada == first["users"][0]
    assert next(a for a in second["appRegistrations"] if a["name"] == "workshop-web") == \
        next(a for a in first["appRegistrations"] if a["name"] == "workshop-web")


def test_use_the_exported_tenant_id(admin, app, other_app):
    first = export_file(admin)
    room = signed_in(other_app)
    before = seeded_ids(other_app)
    assert import_file(room, first, use_exported_tenant_id="y").status_code == 303
    assert tenant_id(other_app) == tenant_id(app)
    assert seeded_ids(other_app)["rp-demo"] == before["rp-demo"]  # the sample app keeps its id
    with other_app.app_context():  # the signing key and the admin account are kept
        assert db.session.execute(db.select(db.func.count(SigningKey.id))).scalar() == 1
        assert db.session.execute(db.select(AdminAccount)).scalar_one().username == "admin"


# --- the two modes ---------------------------------------------------------------------------

def test_replace_deletes_what_the_file_does_not_have_and_merge_keeps_it(admin, app,
                                                                        other_app):
    configure_tenant(app)
    first = export_file(admin)
    room = signed_in(other_app)
    with other_app.app_context():
        db.session.add(UserFlow(name="B2C_1_local", name_key="b2c_1_local",
                                flow_type="signUpOrSignIn", config={}))
        db.session.commit()
    assert import_file(room, first, mode="merge").status_code == 303
    with other_app.app_context():
        names = set(db.session.execute(db.select(UserFlow.name)).scalars())
        webapps = db.session.execute(db.select(db.func.count(AppRegistration.id)).filter_by(
            name="webapp1")).scalar()
    seeded = {f["name"] for f in first["userFlows"]}
    assert WORKSHOP in seeded and names == seeded | {"B2C_1_local"}
    assert webapps == 2  # merge is by client id: the room's webapp1 and the file's
    assert import_file(room, first, mode="replace").status_code == 303
    with other_app.app_context():
        names = set(db.session.execute(db.select(UserFlow.name)).scalars())
        assert db.session.execute(db.select(db.func.count(DirectoryUser.object_id))).scalar() == 0
    assert names == seeded


def test_assignment_of_an_unknown_user_is_skipped_and_said(admin, app, other_app):
    configure_tenant(app)
    first = export_file(admin)  # without users: Ada is not in the file
    room = signed_in(other_app)
    assert import_file(room, first).status_code == 303
    page = room.client.get("/portal/tenant/").get_data(as_text=True)
    assert "1 app role assignment(s) skipped" in page
    with other_app.app_context():
        assert db.session.execute(db.select(db.func.count(AppRoleAssignment.id))).scalar() == 0


# --- bad files: a message naming the entry and field, and nothing written --------------------

def _index(items, name):
    return next(i for i, item in enumerate(items) if item["name"] == name)


def _duplicate_flow(d):
    i = _index(d["userFlows"], WORKSHOP)
    d["userFlows"].append({**d["userFlows"][i], "name": "b2c_1_WORKSHOP"})
    return (f"userFlows[{len(d['userFlows']) - 1}].name: the user flow 'b2c_1_WORKSHOP' "
            f"appears twice in the file (also userFlows[{i}])")


def _unknown_attribute(d):
    i = _index(d["userFlows"], WORKSHOP)
    collected = d["userFlows"][i]["config"]["user_attributes"]
    collected.append({"claim": "extension_Nope", "order": 5})
    return (f"userFlows[{i}].config.user_attributes[{len(collected) - 1}].claim: "
            "'extension_Nope' is not a built-in attribute or a custom attribute defined in "
            "userAttributes")


def _bad_flow_name(d):
    i = _index(d["userFlows"], WORKSHOP)
    d["userFlows"][i]["name"] = "B2C_1_x y"
    return f"userFlows[{i}].name: 'B2C_1_x y' is not a valid user flow name"


def _bad_redirect_uri(d):
    i = _index(d["appRegistrations"], "workshop-web")
    d["appRegistrations"][i]["redirectUris"].append("http://evil.example/cb")
    return (f"appRegistrations[{i}].redirectUris[1]: The redirect URI must use https (http is "
            "allowed only for localhost).")


def _unknown_role(d):
    d["appRoleAssignments"][0]["appRoleId"] = role = ROLE_ID[:-1] + "0"
    return f"appRoleAssignments[0].appRoleId: '{role}' is not an app role of app registration"


def _set(section, index, **values):
    def change(d):
        entry = d[section] if index is None else d[section][index]
        entry.update(values)
    return change


def _then(change, message):
    return lambda d: (change(d), message)[1]


BAD_DOCUMENTS = {
    "wrong version": _then(lambda d: d.update(format="b2clab-tenant/2"),
                           "format: 'b2clab-tenant/2' is not a format this B2C Lab reads"),
    "duplicate flow names": _duplicate_flow,
    "duplicate attribute names": _then(
        lambda d: d["userAttributes"].append({"name": "team", "dataType": "Int"}),
        "userAttributes[1].name: the attribute 'team' appears twice in the file"),
    "unknown custom attribute": _unknown_attribute,
    "bad flow name": _bad_flow_name,
    "bad redirect URI": _bad_redirect_uri,
    "unknown app role": _unknown_role,
    "a user with a wrong type": _then(_set("users", 0, accountEnabled="yes"),
                                      "users[0].accountEnabled: must be true or false"),
    "an unknown field": _then(_set("tenant", None, colour="blue"),
                              "tenant.colour: is not a field of this entry"),
}


@pytest.mark.parametrize("spoil", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_bad_document_is_refused_and_nothing_written(admin, app, spoil):
    configure_tenant(app)
    doc = export_file(admin, include_users="y")
    message = spoil(doc)
    before = snapshot(app)
    doc["userFlows"][0]["config"]["properties"] = {"token_lifetime_minutes": 5}  # a change
    response = import_file(admin, doc)
    assert response.status_code == 400
    html = response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    assert "Nothing was imported." in html and message in html
    assert snapshot(app) == before
    assert audits(app, "Import tenant configuration") == []


@pytest.mark.parametrize("raw, message", [
    (b'{"format": "b2clab-tenant/1", "tenant": ', "The file is not valid JSON: Expecting value "
                                                 "at line 1, column 41."),
    (b"[" * 100_000 + b"]" * 100_000, "The file is not valid JSON: it is nested too deeply."),
    (b'{"format": NaN}', "The file is not valid JSON: NaN is not a JSON value."),
    (b"\xff\xfe{}", "The file is not UTF-8 text."),
    (b"[]", "The file must hold one JSON object: a B2C Lab tenant export."),
], ids=["truncated", "too deep", "NaN", "not UTF-8", "not an object"])
def test_malformed_file_is_refused(admin, app, raw, message):
    before = snapshot(app)
    response = import_file(admin, raw)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert snapshot(app) == before


@pytest.mark.parametrize("size", [5 * 1024 * 1024 + 70 * 1024, 5 * 1024 * 1024 + 1],
                         ids=["request too long", "file too long"])
def test_file_over_5_mb_is_refused(admin, app, size):
    before = snapshot(app)
    # encoded here: the test client would spool a big upload to a temporary file it never
    # closes (a ResourceWarning, an error under filterwarnings=error)
    page = admin.client.get("/portal/tenant/").get_data(as_text=True)
    big = FileStorage(io.BytesIO(b" " * size), filename="big.json")
    boundary, body = encode_multipart({"csrf_token": csrf_token(page), "mode": "replace",
                                       "file": big})
    response = admin.client.post("/portal/tenant/import", data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "The file is larger than 5 MB." in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_import_without_a_file_says_so(admin):
    response = admin.post_form("/portal/tenant/", "/portal/tenant/import", mode="merge")
    assert response.status_code == 400
    assert "Choose the .json file that Export downloaded." in response.get_data(as_text=True)


def test_merge_refuses_a_sign_in_name_another_user_holds(admin, app):
    configure_tenant(app)
    doc = export_file(admin, include_users="y")
    doc["users"][0]["objectId"] = "0f5a3c2e-1111-4a52-9d3e-7f2c1a0b4c11"
    doc["appRoleAssignments"] = []
    before = snapshot(app)
    response = import_file(admin, doc, mode="merge")
    assert response.status_code == 400
    assert ("users[0].identities[0].issuerAssignedId: 'ada@example.com' is already the sign-in "
            "name of another user of this tenant") in response.get_data(as_text=True).replace(
        "&#39;", "'")
    assert snapshot(app) == before


def test_export_page_and_options(admin, client, app):
    html = client.get("/portal/tenant/").get_data(as_text=True)
    for label in ("Export and import", "Include users",
                  "Include password hashes and client secret hashes", "Replace the configuration",
                  "Merge", "Use the exported tenant ID"):
        assert label in html
    response = admin.post_form("/portal/tenant/", "/portal/tenant/export")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="contoso-tenant-')
    assert response.headers["Cache-Control"] == "no-store"
    doc = json.loads(response.data)
    assert doc["format"] == "b2clab-tenant/1" and "users" not in doc
    record = audits(app, "Export tenant configuration")[0]
    assert record.category == "Directory" and record.initiated_by_admin == "admin"
    assert record.additional_details["IncludeUsers"] is False


def test_replace_says_which_seeded_flows_it_deleted(admin, app):
    doc = export_file(admin)
    doc["userFlows"] = [f for f in doc["userFlows"] if f["name"] == "B2C_1_susi"]
    assert import_file(admin, doc).status_code == 303
    page = admin.client.get("/portal/tenant/").get_data(as_text=True)
    assert "B2C_1_profile_edit, B2C_1_password_reset deleted (not in the file)" in page


# --- the checks on their own (plain data, no database) -----------------------------------------

def _document(**sections) -> dict:
    return {"format": "b2clab-tenant/1",
            "tenant": {"name": "contoso", "domain": TENANT,
                       "tenantId": "6e745652-45ec-4e05-9369-a2193c59a326", "settings": {}},
            "userAttributes": [], "userFlows": [], "appRegistrations": [],
            "appRoleAssignments": [], **sections}


def _app(name, client_id, **fields) -> dict:
    return {"name": name, "clientId": client_id, "platform": "web", "redirectUris": [],
            "frontChannelLogoutUrl": None, "implicitIdTokens": False,
            "implicitAccessTokens": False, "supportedAccountTypes": "b2c", "appIdUri": None,
            "exposedScopes": [], "apiPermissions": [], "appRoles": [], **fields}


RP_LOCAL = "11111111-1111-4111-8111-111111111111"
OTHER = "22222222-2222-4222-8222-222222222222"


@pytest.mark.parametrize("target, doc, problem", [
    (Target(merge=True, domain=TENANT, attributes={"Team": "String"}),
     _document(userAttributes=[{"name": "Team", "dataType": "Int"}]),
     "userAttributes[0].dataType: the tenant's attribute 'Team' is String; an attribute's "
     "data type cannot be changed"),
    (Target(merge=False, domain=TENANT, bound_apps={"rp-demo": RP_LOCAL}),
     _document(appRegistrations=[_app("not-the-sample", RP_LOCAL)]),
     f"appRegistrations[0].clientId: '{RP_LOCAL}' is the client id of this tenant's own "
     "'rp-demo', which the file cannot take over"),
    (Target(merge=True, domain=TENANT, apps={OTHER: (f"https://{TENANT}/api", frozenset())}),
     _document(appRegistrations=[_app("api", RP_LOCAL, appIdUri=f"https://{TENANT}/api")]),
     f"appRegistrations[0].appIdUri: 'https://{TENANT}/api' is already the Application ID URI "
     f"of this tenant's app registration {OTHER}"),
    (Target(merge=False, domain=TENANT),
     _document(appRoleAssignments=[{"resourceClientId": OTHER, "appRoleId": ROLE_ID,
                                    "principalType": "User", "principalId": OTHER}]),
     f"appRoleAssignments[0].resourceClientId: no app registration with client id '{OTHER}' "
     "in the file"),
    (Target(merge=False, domain=TENANT),
     _document(userFlows=[{"name": "B2C_1_a", "flowType": "signIn", "version": "Recommended",
                           "config": {"type": "signUp", "application_claims": ["email"]}}]),
     "userFlows[0].config.type: 'signUp' does not match flowType 'signIn'"),
    (Target(merge=False, domain=TENANT),
     _document(userFlows=[{"name": "B2C_1_a", "flowType": "signIn", "version": "Recommended",
                           "config": {"application_claims": ["email"]}}]),
     "userFlows[0].config.application_claims[0]: 'email' cannot be returned in a token"),
    (Target(merge=False, domain=TENANT), _document(tenant=None),
     "tenant: must be an object"),
], ids=["data type change", "sample app takeover", "app ID URI taken", "unknown resource",
        "type mismatch", "not returnable", "no tenant"])
def test_checks(target, doc, problem):
    assert problem in check_document(doc, target)


def test_a_good_document_has_no_problems():
    doc = _document(appRegistrations=[_app("rp-demo", OTHER, appRoles=[
        {"id": ROLE_ID, "value": "Admin", "allowed_member_types": ["User"]}])],
        appRoleAssignments=[{"resourceClientId": OTHER, "appRoleId": ROLE_ID,
                             "principalType": "User", "principalId": RP_LOCAL}])
    # the file's rp-demo becomes this tenant's, and the assignment follows it
    assert check_document(doc, Target(merge=False, domain=TENANT,
                                      bound_apps={"rp-demo": RP_LOCAL})) == []


def test_api_connectors_travel_without_credentials(admin, app, client):
    """Flows hold connector ids: the export carries the connectors (never their secrets), an
    import checks each flow's connector exists, and says which need credentials again."""
    from idp.models import ApiConnector
    from idp.store.secret_box import seal
    from idp.store.transfer import build_target, export_tenant
    from idp.store.transfer_checks import check_document
    with app.app_context():
        connector = ApiConnector(display_name="redeem", endpoint_url="http://127.0.0.1:5004/api",
                                 auth_type="basic", username="lab",
                                 secret_encrypted=seal("s3cret"))
        db.session.add(connector)
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "api_connectors": {"PostAttributeCollection": "x"}}
        db.session.flush()
        flow.config = {**flow.config, "api_connectors": {"PostAttributeCollection": connector.id}}
        db.session.commit()
        doc = export_tenant(include_users=False, include_secrets=True)
        assert doc["apiConnectors"][0]["displayName"] == "redeem"
        assert "s3cret" not in json.dumps(doc) and "secret" not in json.dumps(doc["apiConnectors"])
        doc["apiConnectors"] = []
        problems = check_document(doc, build_target("contoso.onmicrosoft.com", merge=False))
    assert any("api_connectors.PostAttributeCollection" in p and "is not an API connector" in p
               for p in problems)
