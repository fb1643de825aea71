"""User flow > Languages: the settings, the 36 languages, page-level resources files
(download defaults and overrides, upload with strict checks), and their effect on the pages."""
import io
import json

import pytest

from idp.extensions import db
from idp.models import AuditRecord, UserFlow
from tests.portal.conftest import csrf_token

URL = "/portal/user-flows/1/languages"
SIGN_IN = "api.signuporsignin"


def languages_config(app) -> dict:
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        return flow.config.get("languages", {})


def save(admin, **data):
    return admin.post_form(URL, **{"enabled_languages": ["en", "fr", "de", "es", "ja"],
                                   "default_language": "en", **data})


def upload(admin, raw: bytes, language="en", page=SIGN_IN, name="overrides.json"):
    token = csrf_token(admin.client.get(URL).get_data(as_text=True))
    return admin.client.post(f"{URL}/{language}/{page}/overrides",
                             data={"csrf_token": token, "file": (io.BytesIO(raw), name)},
                             content_type="multipart/form-data")


def strings(*entries) -> bytes:
    return json.dumps({"LocalizedStrings": list(entries), "LocalizedCollections": []}).encode()


def test_page_lists_36_languages_and_the_flow_pages(admin, client):
    html = client.get(URL).get_data(as_text=True)
    table = html[html.index('id="languages"'):html.index("</table>")]
    assert table.count('<tr data-language="') == 36
    assert table.count("not available in B2C Lab") == 31
    assert 'id="lang-ja"' in html and 'id="lang-ko"' not in html
    assert "not applied yet" not in html
    assert f'id="defaults-fr-{SIGN_IN}"' in html and 'id="upload-de-api.localaccountsignup"' in html


def test_save_settings_is_audited_and_applied(admin, app, flow):
    response = save(admin, enabled="y", enabled_languages=["en", "de"], default_language="de")
    assert response.status_code == 303
    config = languages_config(app)
    assert config == {"enabled": True, "default": "de", "enabled_languages": ["en", "de"]}
    with app.app_context():
        record = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Update user flow")).scalars().all()[-1]
        assert record.category == "Policy"
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], ui_locales="fr")  # fr is not enabled
    assert "Mit Ihrer E-Mail-Adresse anmelden" in flow.text


def test_default_must_be_enabled(admin, app):
    response = save(admin, enabled="y", enabled_languages=["en"], default_language="fr")
    assert response.status_code == 400
    assert "The default language must be one of the enabled languages." in \
        response.get_data(as_text=True)
    assert languages_config(app) == {}


def test_download_defaults_in_french(admin, client):
    response = client.get(f"{URL}/fr/{SIGN_IN}/defaults")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    entries = response.get_json()["LocalizedStrings"]
    by_id = {e["StringId"]: e["Value"] for e in entries if e["ElementType"] != "ClaimType"}
    assert by_id["button_signin"] == "Se connecter"
    assert by_id["UserMessageIfInvalidPassword"] == "Votre mot de passe est incorrect."
    assert client.get(f"{URL}/it/{SIGN_IN}/defaults").status_code == 404
    assert client.get(f"{URL}/fr/api.nope/defaults").status_code == 404


def test_upload_then_download_overrides_and_the_page_changes(admin, app, client, flow):
    save(admin, enabled="y")
    response = upload(admin, strings(
        {"ElementType": "UxElement", "StringId": "button_signin", "Override": True,
         "Value": "Log in"}))
    assert response.status_code == 303
    response = upload(admin, strings(
        {"ElementType": "ClaimType", "ElementId": "givenName", "StringId": "DisplayName",
         "Override": True, "Value": "Vorname (Rufname)"},
        {"ElementType": "ClaimType", "ElementId": "givenName", "StringId": "UserHelpText",
         "Override": True, "Value": "Wie sollen wir Sie nennen?"}),
        language="de", page="api.localaccountsignup")
    assert response.status_code == 303
    downloaded = client.get(f"{URL}/en/{SIGN_IN}/overrides").get_json()
    assert downloaded["LocalizedStrings"][0]["Value"] == "Log in"
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert ">Log in</button>" in flow.text
    flow.authorize(rp["client_id"], rp["redirect_uri"], ui_locales="de")
    flow.follow_link("createAccount")
    assert "Vorname (Rufname)" in flow.text and "Wie sollen wir Sie nennen?" in flow.text
    with app.app_context():
        changed = [r.additional_details.get("changed") for r in db.session.execute(db.select(
            AuditRecord).filter_by(activity="Update user flow")).scalars()]
    assert "Language overrides (de, api.localaccountsignup)" in changed


def test_remove_overrides(admin, app):
    upload(admin, strings({"ElementType": "UxElement", "StringId": "heading",
                           "Override": True, "Value": "Welcome"}))
    assert languages_config(app)["overrides"]["en"][SIGN_IN]
    response = admin.post_form(URL, f"{URL}/en/{SIGN_IN}/overrides/delete")
    assert response.status_code == 303
    assert languages_config(app)["overrides"]["en"] == {}


@pytest.mark.parametrize("raw,message", [
    (b"{oops", "The file is not valid JSON"),
    (strings({"ElementType": "Widget", "StringId": "heading", "Override": True, "Value": "x"}),
     "unknown ElementType &#34;Widget&#34;"),
    (strings({"ElementType": "UxElement", "StringId": "button_signon", "Override": True,
              "Value": "x"}), "unknown StringId &#39;button_signon&#39;"),
])
def test_bad_uploads_are_refused_and_nothing_is_saved(admin, app, raw, message):
    upload(admin, strings({"ElementType": "UxElement", "StringId": "heading",
                           "Override": True, "Value": "Kept"}))
    before = languages_config(app)
    response = upload(admin, raw)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was saved." in html
    assert languages_config(app) == before


def test_upload_without_a_file_or_too_large_is_refused(admin, app):
    token = csrf_token(admin.client.get(URL).get_data(as_text=True))
    response = admin.client.post(f"{URL}/en/{SIGN_IN}/overrides", data={"csrf_token": token},
                                 content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a JSON file" in response.get_data(as_text=True)
    # a hand-made multipart body: the test client would spool a large file to a temporary
    # file it never closes (a ResourceWarning, an error here)
    boundary = "b2clab-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}'
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.json"\r\nContent-Type: application/json\r\n\r\n').encode()
    body += b" " * (1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = admin.client.post(f"{URL}/en/{SIGN_IN}/overrides", data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and "larger than 1 MB" in response.get_data(as_text=True)
    assert languages_config(app) == {}


def test_mfa_page_is_listed_when_enforced_and_its_overrides_apply(admin, app, client, flow):
    html = client.get(URL).get_data(as_text=True)
    assert 'id="upload-fr-api.phonefactor"' not in html  # MFA off: no multifactor page
    with app.app_context():
        row = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        row.config = {**row.config, "properties": {"mfa_method": "email",
                                                   "mfa_enforcement": "always"}}
        db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert 'id="upload-fr-api.phonefactor"' in html and "Multifactor authentication page" in html
    defaults = client.get(f"{URL}/fr/api.phonefactor/defaults").get_json()["LocalizedStrings"]
    by_id = {e["StringId"]: e["Value"] for e in defaults}
    assert by_id["button_send_code"] == "Envoyer le code"
    assert by_id["error_incorrect_code"] == "Ce code est incorrect. Veuillez réessayer."
    save(admin, enabled="y")
    response = upload(admin, strings(
        {"ElementType": "UxElement", "StringId": "mfa_heading", "Override": True,
         "Value": "Une dernière vérification"}), language="fr", page="api.phonefactor")
    assert response.status_code == 303
    refused = upload(admin, strings({"ElementType": "UxElement", "StringId": "button_signin",
                                     "Override": True, "Value": "x"}),
                     language="fr", page="api.phonefactor")
    assert refused.status_code == 400
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], ui_locales="fr")
    flow.sign_up("ov-fr@example.com")
    assert "Une dernière vérification" in flow.text and ">Envoyer le code</button>" in flow.text
