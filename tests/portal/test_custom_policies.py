"""Identity Experience Framework > Custom policies: upload (validated, refusals named with
where), the list with bases, download byte for byte, view merged, delete, Run now."""
from __future__ import annotations

import html as html_module
import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from idp.extensions import db
from idp.models import AuditRecord, CustomPolicy
from tests.ief_starter_pack import (ORDER, POLICY_IDS, app_ids, create_starter_pack_keys,
                                    prepared, require_starter_pack)
from tests.portal.conftest import csrf_token

INDEX = "/portal/ief/custom-policies/"
UPLOAD = INDEX + "upload"


@pytest.fixture
def pack(app):
    require_starter_pack()
    return prepared(app_ids(app))


def upload(admin, data: bytes, filename: str = "policy.xml", overwrite: bool = False):
    page = admin.client.get(UPLOAD).get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "file": (io.BytesIO(data), filename)}
    if overwrite:
        form["overwrite"] = "y"
    return admin.client.post(UPLOAD, data=form, content_type="multipart/form-data")


def problems(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [html_module.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li data-kind[^>]*>(.*?)</li>", html, re.S)]


def stored(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.execute(db.select(CustomPolicy.policy_id)).scalars())


def upload_chain(admin, pack, names=ORDER):
    for name in names:
        response = upload(admin, pack[name], f"{name}.xml")
        assert response.status_code == 303, problems(response) or response.get_data(as_text=True)
        assert response.location.endswith(f"/custom-policies/{POLICY_IDS[name]}/")


def test_the_local_accounts_chain_is_accepted_in_order_and_listed_with_its_bases(
        app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack)
    html = admin.client.get(INDEX).get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-policy="([^"]+)">.*?<td>(?:<code>([^<]*)</code>|<span)',
                           html, re.S))
    assert rows == {"B2C_1A_TrustFrameworkBase": "",
                    "B2C_1A_TrustFrameworkLocalization": "B2C_1A_TrustFrameworkBase",
                    "B2C_1A_TrustFrameworkExtensions": "B2C_1A_TrustFrameworkLocalization",
                    "B2C_1A_signup_signin": "B2C_1A_TrustFrameworkExtensions",
                    "B2C_1A_ProfileEdit": "B2C_1A_TrustFrameworkExtensions",
                    "B2C_1A_PasswordReset": "B2C_1A_TrustFrameworkExtensions"}
    with app.app_context():
        audited = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Upload custom policy")).scalars().all()
    assert sorted(r.policy for r in audited) == sorted(POLICY_IDS.values())
    assert {r.initiated_by_admin for r in audited} == {"admin"}


def test_the_relying_party_first_is_refused_naming_the_missing_base(app, admin, pack):
    create_starter_pack_keys(app)
    response = upload(admin, pack["SignUpOrSignin"], "SignUpOrSignin.xml")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Upload error for SignUpOrSignin.xml" in html
    assert "Validation failed: 1 validation error(s) found in policy " \
           "&#34;B2C_1A_SIGNUP_SIGNIN&#34;" in html
    [problem] = problems(response)
    assert "B2C_1A_TrustFrameworkExtensions" in problem
    assert stored(app) == []


def test_a_missing_key_container_is_refused_by_name(app, admin, pack):
    response = upload(admin, pack["TrustFrameworkBase"], "TrustFrameworkBase.xml")
    assert response.status_code == 400
    found = problems(response)
    assert any("B2C_1A_TokenSigningKeyContainer" in p for p in found), found
    assert any("B2C_1A_TokenEncryptionKeyContainer" in p for p in found), found
    assert stored(app) == []


def test_placeholders_left_in_the_file_are_refused_with_the_tenant_named(app, admin):
    require_starter_pack()
    from tests.ief_starter_pack import LOCAL_ACCOUNTS

    create_starter_pack_keys(app)
    response = upload(admin, (LOCAL_ACCOUNTS / "TrustFrameworkBase.xml").read_bytes())
    assert response.status_code == 400
    [problem] = problems(response)
    assert "yourtenant.onmicrosoft.com" in problem and "contoso.onmicrosoft.com" in problem
    assert stored(app) == []


def test_not_xml_is_refused_with_the_line(admin, app):
    response = upload(admin, b'<?xml version="1.0"?>\n<TrustFrameworkPolicy>\n<oops></Trust')
    assert response.status_code == 400
    [problem] = problems(response)
    assert "not well-formed" in problem and "line 3" in problem
    assert stored(app) == []


def test_an_existing_policy_needs_the_overwrite_box(app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack, ORDER[:1])
    with app.app_context():
        first = db.session.execute(db.select(CustomPolicy)).scalar_one().updated_at
    refused = upload(admin, pack["TrustFrameworkBase"], "TrustFrameworkBase.xml")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "The policy &#39;B2C_1A_TrustFrameworkBase&#39; already exists" in html
    assert "Overwrite the custom policy if it already exists" in problems(refused)[0]
    accepted = upload(admin, pack["TrustFrameworkBase"], "TrustFrameworkBase.xml",
                      overwrite=True)
    assert accepted.status_code == 303
    with app.app_context():
        row = db.session.execute(db.select(CustomPolicy)).scalar_one()
        assert row.updated_at > first


def test_download_gives_back_the_uploaded_bytes(app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack, ORDER[:1])
    response = admin.client.get(INDEX + "B2C_1A_TrustFrameworkBase/download")
    assert response.status_code == 200
    assert response.data == pack["TrustFrameworkBase"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # the byte-order mark is kept
    assert 'filename="B2C_1A_TrustFrameworkBase.xml"' in response.headers["Content-Disposition"]


def test_view_merged_shows_the_bases_applied(app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack, ORDER[:4])
    html = admin.client.get(INDEX + "b2c_1a_signup_signin/merged").get_data(as_text=True)
    assert 'id="merged-xml"' in html
    # From the base (JwtIssuer), the extensions (the proxy app id) and the leaf (its journey).
    assert "JwtIssuer" in html and app_ids(app)["ProxyIdentityExperienceFramework"] in html
    assert "DefaultUserJourney" in html and "B2C_1A_TrustFrameworkExtensions" in html


def test_delete_is_refused_while_another_policy_builds_on_it(app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack, ORDER[:2])
    base = INDEX + "B2C_1A_TrustFrameworkBase/"
    response = admin.post_form(base, base + "delete", confirm="yes")
    assert response.status_code == 409
    assert "B2C_1A_TrustFrameworkLocalization" in response.get_data(as_text=True)
    assert len(stored(app)) == 2
    leaf = INDEX + "B2C_1A_TrustFrameworkLocalization/"
    asked = admin.post_form(leaf, leaf + "delete")
    assert asked.status_code == 200 and 'id="confirm-delete"' in asked.get_data(as_text=True)
    assert admin.post_form(leaf, leaf + "delete", confirm="yes").status_code == 303
    assert stored(app) == ["B2C_1A_TrustFrameworkBase"]
    with app.app_context():
        assert db.session.execute(db.select(AuditRecord).filter_by(
            activity="Delete custom policy")).scalar_one().policy \
            == "B2C_1A_TrustFrameworkLocalization"


def test_run_now_builds_the_endpoint_for_a_relying_party_only(app, admin, pack):
    create_starter_pack_keys(app)
    upload_chain(admin, pack, ORDER[:4])
    html = admin.client.get(INDEX + "B2C_1A_signup_signin/").get_data(as_text=True)
    url = re.search(r'<pre id="run-url">([^<]+)</pre>', html).group(1).replace("&amp;", "&")
    assert "/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1A_signup_signin" in url
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fjwt" in url
    base = admin.client.get(INDEX + "B2C_1A_TrustFrameworkBase/").get_data(as_text=True)
    assert 'id="run-url"' not in base and 'id="not-runnable"' in base


def test_an_unknown_policy_is_404(admin):
    assert admin.client.get(INDEX + "B2C_1A_nothing/").status_code == 404


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(app, admin, pack):
    create_starter_pack_keys(app)
    utf16 = pack["TrustFrameworkBase"].decode("utf-8").lstrip("\ufeff").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    response = upload(admin, utf16, "TrustFrameworkBase.xml")
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)
    assert "Save the file as UTF-8" in problems(response)[0]
    assert stored(app) == []


def test_a_file_over_1024_kb_is_refused_before_it_is_read(app, admin):
    # encoded here: the test client would spool a big upload to a temporary file it never
    # closes (a ResourceWarning, an error under filterwarnings=error)
    page = admin.client.get(UPLOAD).get_data(as_text=True)
    big = FileStorage(io.BytesIO(b" " * (1024 * 1024 + 20_000)), filename="big.xml")
    boundary, body = encode_multipart({"csrf_token": csrf_token(page), "file": big})
    response = admin.client.post(UPLOAD, data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "larger than 1,024 KB" in response.get_data(as_text=True)
    assert stored(app) == []
