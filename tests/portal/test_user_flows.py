"""User flows blade: create with the attribute table, Properties applied at the next run,
duplicate names refused, Run user flow builds B2C's endpoint."""
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.extensions import db
from idp.models import UserFlow
from tests.factories import TENANT
from tests.portal.test_user_attributes import add_attribute


def create_flow(admin, name="lab", **fields):
    data = {"flow_type": "signUpOrSignIn", "name": name, "local_account_type": "email",
            "mfa_method": "email", "mfa_enforcement": "off", "collect:displayName": "on",
            "return:displayName": "on", "return:emails": "on", "return:objectId": "on",
            **fields}
    return admin.post_form("/portal/user-flows/new", **data)


def flow_row(app, name):
    with app.app_context():
        return db.session.execute(db.select(UserFlow).filter_by(name_key=name.lower())).scalar_one()


def test_create_adds_the_prefix_and_saves_the_table(admin, app):
    add_attribute(admin)
    response = create_flow(admin, **{"collect:extension_FavouriteColour": "on",
                                     "return:extension_FavouriteColour": "on"})
    assert response.status_code == 303
    flow = flow_row(app, "B2C_1_lab")
    assert [a["claim"] for a in flow.config["user_attributes"]] == [
        "displayName", "extension_FavouriteColour"]
    assert "extension_FavouriteColour" in flow.config["application_claims"]


@pytest.mark.parametrize("name,message", [
    ("susi", "A user flow named &#39;B2C_1_susi&#39; already exists."),
    ("B2C_1_SUSI", "A user flow named &#39;B2C_1_SUSI&#39; already exists."),
    ("my flow", "Use letters, digits"),
    ("", "Enter a name."),
])
def test_bad_names_are_refused_and_nothing_is_saved(admin, app, name, message):
    def flows():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(UserFlow))
    before = flows()
    response = create_flow(admin, name=name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert flows() == before


def test_properties_apply_to_the_next_run(admin, client, app, flow):
    response = admin.post_form("/portal/user-flows/1/properties", **_properties(
        token_lifetime_minutes="30", refresh_token_lifetime_days="7",
        refresh_token_sliding_window_days="30", issuer_style="tfp", user_flow_claim="acr",
        session_lifetime_minutes="60", session_timeout="Absolute"))
    assert response.status_code == 303
    body = flow.code_flow("props@example.com")
    keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()
    claims = jwt.decode(body["id_token"], KeySet.import_key_set(keys)).claims
    assert claims["exp"] - claims["iat"] == 1800
    assert claims["acr"] == "b2c_1_susi" and "tfp" not in claims
    assert "/tfp/" in claims["iss"] and claims["iss"].endswith("/B2C_1_susi/v2.0/")
    doc = client.get(f"/{TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration").get_json()
    assert doc["issuer"] == claims["iss"]


@pytest.mark.parametrize("field,value,message", [
    ("token_lifetime_minutes", "2", "Number must be between 5 and 1440."),
    ("session_lifetime_minutes", "5000", "Number must be between 15 and 1440."),
    ("refresh_token_sliding_window_days", "3", "at least the refresh token lifetime"),
    ("token_lifetime_minutes", "abc", "Not a valid integer value."),
])
def test_out_of_range_properties_are_refused(admin, app, field, value, message):
    response = admin.post_form("/portal/user-flows/1/properties", **_properties(**{field: value}))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert flow_row(app, "B2C_1_susi").config.get("properties") == {}


def test_application_claims_page_keeps_the_collected_attributes(admin, app):
    response = admin.post_form("/portal/user-flows/1/application-claims",
                               **{"return:objectId": "on"})
    assert response.status_code == 303
    config = flow_row(app, "B2C_1_susi").config
    assert config["application_claims"] == ["objectId"]
    assert [a["claim"] for a in config["user_attributes"]] == ["displayName", "givenName",
                                                               "surname"]


def test_page_layout_label_optional_and_order_reach_the_sign_up_page(admin, app, flow):
    response = admin.post_form("/portal/user-flows/1/page-layouts", **{
        "label:displayName": "Your name", "optional:displayName": "no",
        "input_type:displayName": "TextBox", "order:displayName": "3",
        "label:givenName": "", "optional:givenName": "yes", "input_type:givenName": "TextBox",
        "order:givenName": "1", "label:surname": "", "optional:surname": "yes",
        "input_type:surname": "TextBox", "order:surname": "2"})
    assert response.status_code == 303
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.follow_link("createAccount")
    html = flow.text
    assert "Your name" in html
    assert html.index('id="givenName"') < html.index('id="surname"') < html.index('id="displayName"')


def test_page_layout_bad_order_is_refused(admin, app):
    response = admin.post_form("/portal/user-flows/1/page-layouts", **{
        "label:displayName": "", "optional:displayName": "no",
        "input_type:displayName": "TextBox", "order:displayName": "zero",
        "label:givenName": "", "input_type:givenName": "TextBox", "order:givenName": "1",
        "label:surname": "", "input_type:surname": "TextBox", "order:surname": "2"})
    assert response.status_code == 400
    assert "The order must be a number from 1 to 99." in response.get_data(as_text=True)
    assert "page_layouts" not in flow_row(app, "B2C_1_susi").config


def test_run_user_flow_builds_b2c_endpoint(admin, client, app):
    html = client.get("/portal/user-flows/1/run").get_data(as_text=True)
    start = html.index('<pre id="run-url">') + len('<pre id="run-url">')
    url = html[start:html.index("</pre>", start)].replace("&amp;", "&")
    parts = urlsplit(url)
    assert parts.path == f"/{TENANT}/oauth2/v2.0/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["p"] == "B2C_1_susi" and query["nonce"] == "defaultNonce"
    assert query["response_type"] == "id_token" and query["scope"] == "openid"
    assert query["prompt"] == "login" and query["redirect_uri"].endswith("/jwt")
    code = client.get("/portal/user-flows/1/run?response_type=code&application="
                      + query["client_id"]).get_data(as_text=True)
    assert "code_challenge_method=S256" in code and 'id="code-verifier"' in code


def test_delete_needs_confirmation(admin, app):
    create_flow(admin)
    flow_id = flow_row(app, "B2C_1_lab").id
    page = admin.post_form(f"/portal/user-flows/{flow_id}/properties",
                           f"/portal/user-flows/{flow_id}/delete")
    assert page.status_code == 200 and "Delete B2C_1_lab?" in page.get_data(as_text=True)
    done = admin.post_form(f"/portal/user-flows/{flow_id}/properties",
                           f"/portal/user-flows/{flow_id}/delete", confirm="yes")
    assert done.status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_lab")).first() is None


def _properties(**overrides):
    return {"token_lifetime_minutes": "60", "refresh_token_lifetime_days": "14",
            "refresh_token_sliding_window": "Bounded", "refresh_token_sliding_window_days": "90",
            "issuer_style": "tenantId", "subject": "objectId", "user_flow_claim": "tfp",
            "session_lifetime_minutes": "1440", "session_timeout": "Rolling",
            "sso_scope": "Tenant", "require_id_token_in_logout": "no",
            "password_complexity": "Strong", "mfa_method": "email", "mfa_enforcement": "off",
            "custom_character_set": "All", "custom_min_length": "8", "custom_max_length": "64",
            "custom_classes_required": "2", "keep_me_signed_in_days": "7", **overrides}


def test_custom_pin_complexity_is_enforced_at_sign_up(admin, app, flow):
    response = admin.post_form("/portal/user-flows/1/properties", **_properties(
        password_complexity="Custom", custom_character_set="Numbers only",
        custom_min_length="4", custom_max_length="6"))
    assert response.status_code == 303
    assert flow_row(app, "B2C_1_susi").config["properties"]["password_complexity"] == {
        "character_set": "Numbers only", "min_length": 4, "max_length": 6, "classes_required": 0}
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("pin@example.com", password="Passw0rd!")
    assert "The password must be a number of 4 to 6 digits." in flow.text
    flow.submit("attributeVerificationForm", "continue", newPassword="4711",
                reenterPassword="4711", displayName="Pin", givenName="P", surname="In")
    assert "code" in flow.redirect_params()
    page = admin.client.get("/portal/user-flows/1/properties").get_data(as_text=True)
    assert '<option selected value="Custom">' in page or 'value="Custom" selected' in page


def test_custom_max_below_min_is_refused(admin, app):
    response = admin.post_form("/portal/user-flows/1/properties", **_properties(
        password_complexity="Custom", custom_min_length="10", custom_max_length="8"))
    assert "The maximum length must be at least the minimum length." in \
        response.get_data(as_text=True)


def test_each_flow_page_names_its_type_as_the_portal_does(admin, client, app):
    flow = flow_row(app, "B2C_1_profile_edit")
    html = client.get(f"/portal/user-flows/{flow.id}/properties").get_data(as_text=True)
    assert "User flow · Profile editing · Recommended" in html


def _layout_form(**rows):
    """The Page layouts form for B2C_1_susi's attributes, with ``rows`` per claim."""
    data = {}
    for order, claim in enumerate(("displayName", "givenName", "surname"), start=1):
        row = {"label": "", "optional": "yes", "input_type": "TextBox", "order": str(order),
               "choices": "", **rows.get(claim, {})}
        data.update({f"{key}:{claim}": value for key, value in row.items()})
    return data


def test_every_input_type_renders_and_validates(admin, app, flow):
    response = admin.post_form("/portal/user-flows/1/page-layouts", **_layout_form(
        displayName={"input_type": "DropdownSingleSelect", "choices": "Ann, Bob",
                     "optional": "no"},
        givenName={"input_type": "CheckboxMultiSelect", "choices": "Red, Green, Blue"},
        surname={"input_type": "DateTimeDropdown"}))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.follow_link("createAccount")
    html = flow.text
    assert '<select id="displayName"' in html and 'value="Bob"' in html
    assert 'type="checkbox"' in html and 'name="givenName" value="Green"' in html
    assert '<input type="date" id="surname"' in html
    flow.submit("attributeVerificationForm", "send_code", email="types@example.com")
    flow.submit("attributeVerificationForm", "verify_code",
                verificationCode=flow.mailbox_code("types@example.com"))
    flow.submit("attributeVerificationForm", "continue", newPassword="Passw0rd!x",
                reenterPassword="Passw0rd!x", displayName="Eve", givenName="Red",
                surname="2024-02-30")
    assert "Please choose one of the options." in flow.text
    assert "Please enter a valid date." in flow.text
    form = flow.page.forms["attributeVerificationForm"]
    data = {**form["fields"], "action": "continue", "newPassword": "Passw0rd!x",
            "reenterPassword": "Passw0rd!x", "displayName": "Bob",
            "givenName": ["Red", "Blue"], "surname": "1990-04-01"}
    done = flow.client.post(form["action"], data=data)
    assert "code" in flow.redirect_params(done)
    from idp.models import DirectoryUser
    with app.app_context():
        user = db.session.execute(db.select(DirectoryUser)).scalar_one()
        assert (user.display_name, user.given_name, user.surname) == ("Bob", "Red,Blue",
                                                                      "1990-04-01")


def test_a_choice_type_without_choices_is_refused(admin, app):
    response = admin.post_form("/portal/user-flows/1/page-layouts", **_layout_form(
        displayName={"input_type": "RadioSingleSelect", "choices": "Only"}))
    assert response.status_code == 400
    assert "RadioSingleSelect needs at least two choices" in response.get_data(as_text=True)
