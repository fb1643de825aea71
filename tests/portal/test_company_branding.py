"""Company branding blade (b2c-reference §6.4): upload a banner logo and background image, set
a background colour; stored in the tenant settings, served by /branding/..., shown by Ocean
Blue and Slate Gray (not Classic); SVG, oversized files and bad colours refused."""
from __future__ import annotations

import io

import pytest
from werkzeug.test import EnvironBuilder

from idp.extensions import db
from idp.models import AuditRecord, Tenant, UserFlow
from tests.factories import POLICY
from tests.portal.conftest import csrf_token

PAGE = "/portal/company-branding/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def branding(app) -> dict:
    with app.app_context():
        return dict((db.session.execute(db.select(Tenant)).scalar_one().settings or {})
                    .get("branding", {}))


def audits(app) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditRecord).filter_by(
            activity="Update company branding")).scalars())


def post(client, **fields):
    """POST the form as multipart; the encoded body (a temporary file above 500 KB) is closed
    here, as Werkzeug's test client leaves that to the caller."""
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    data = {"csrf_token": token, "background_color": "", **{
        name: (io.BytesIO(value[1]), value[0]) if isinstance(value, tuple) else value
        for name, value in fields.items()}}
    environ = EnvironBuilder(path=PAGE, method="POST", data=data).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def test_upload_logo_background_and_colour(admin, client, app):
    response = post(client, banner_logo=("logo.png", PNG), background_image=("bg.jpg", JPEG),
                    background_color="#0B3D91")
    assert response.status_code == 303
    saved = branding(app)
    assert saved["banner_logo"]["content_type"] == "image/png"
    assert saved["background_image"]["content_type"] == "image/jpeg"
    assert saved["background_color"] == "#0b3d91"
    [record] = audits(app)
    assert record.category == "Resource" and record.initiated_by_admin == "admin"
    assert record.additional_details["changed"] == "Banner logo, Background image, Background color"
    html = client.get(PAGE).get_data(as_text=True)
    assert "Company branding saved" in html and 'alt="Current banner logo"' in html

    logo = client.get("/branding/banner-logo")
    assert logo.status_code == 200 and logo.data == PNG and logo.mimetype == "image/png"
    assert logo.headers["Cache-Control"] == "public, max-age=86400" and logo.headers["ETag"]
    assert client.get("/branding/banner-logo",
                      headers={"If-None-Match": logo.headers["ETag"]}).status_code == 304
    assert client.get("/branding/background-image").mimetype == "image/jpeg"
    css = client.get("/branding/colors.css")
    assert css.mimetype == "text/css" and "#0b3d91" in css.get_data(as_text=True)


def sign_in_page(flow, **params) -> str:
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], **params)
    return flow.text


def test_ocean_blue_and_slate_gray_show_branding_classic_does_not(admin, client, app, flow):
    post(client, banner_logo=("logo.png", PNG), background_image=("bg.png", PNG),
         background_color="#123456")
    for flavor in ("oceanBlue", "slateGray"):
        html = sign_in_page(flow, pageFlavor=flavor)
        assert 'class="companyLogo" data-tenant-branding-logo="true" src="/branding/banner-logo?v=' in html
        assert 'data-tenant-branding-background="true" src="/branding/background-image?v=' in html
        assert 'href="/branding/colors.css?v=123456"' in html
    html = sign_in_page(flow, pageFlavor="classic")
    assert "/branding/" not in html


@pytest.mark.parametrize("fields, message", [
    ({"banner_logo": ("logo.svg", SVG)}, "SVG images are refused: an SVG can carry scripts."),
    ({"banner_logo": ("logo.png", SVG)}, "SVG images are refused"),
    ({"banner_logo": ("logo.gif", b"GIF89a....")}, "Upload a PNG or JPEG image."),
    ({"banner_logo": ("logo.png", PNG + b"\0" * 300 * 1024)},
     "The banner logo must be at most 300 KB."),
    ({"background_image": ("bg.png", PNG + b"\0" * 1024 * 1024)},
     "The background image must be at most 1024 KB."),
    ({"background_color": "blue"}, "Enter a colour as #rrggbb, for example #0b3d91."),
    ({"background_color": "#12345"}, "Enter a colour as #rrggbb"),
])
def test_bad_uploads_are_refused_and_nothing_is_saved(admin, client, app, fields, message):
    response = post(client, **{"banner_logo": ("ok.png", PNG), **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert branding(app) == {} and audits(app) == []


def test_remove_the_logo(admin, client, app):
    post(client, banner_logo=("logo.png", PNG))
    response = post(client, remove_banner_logo="y")
    assert response.status_code == 303 and "banner_logo" not in branding(app)
    assert client.get("/branding/banner-logo").status_code == 404
    assert len(audits(app)) == 2


def test_an_imported_svg_is_never_served(app, client):
    with app.app_context():
        tenant = db.session.execute(db.select(Tenant)).scalar_one()
        tenant.settings = {**tenant.settings, "branding": {"banner_logo": {
            "content_type": "image/svg+xml", "data": "PHN2Zz48L3N2Zz4=", "sha256": "ab"}}}
        db.session.commit()
    assert client.get("/branding/banner-logo").status_code == 404
    assert client.get("/branding/colors.css").status_code == 404
    assert client.get("/branding/nothing").status_code == 404


#: the sign-up attribute rows of the seeded B2C_1_susi, as the tab posts them
ATTRIBUTE_ROWS = {f"{field}:{claim}": value for order, claim in enumerate(
    ("displayName", "givenName", "surname"), start=1) for field, value in (
    ("label", ""), ("optional", "no"), ("input_type", "TextBox"), ("order", str(order)))}


def flow_config(app, name=POLICY) -> dict:
    with app.app_context():
        return db.session.execute(db.select(UserFlow).filter_by(
            name_key=name.lower())).scalar_one().config


def test_page_layouts_tab_saves_templates_and_custom_pages(admin, client, app):
    html = client.get("/portal/user-flows/1/page-layouts").get_data(as_text=True)
    assert "not applied yet" not in html.split('id="sign-up-attributes"')[0]
    assert "Profile edit page" not in html and "Change password page" in html
    response = admin.post_form("/portal/user-flows/1/page-layouts", **{
        "template:Unified sign up or sign in page": "Slate Gray",
        "custom:Local account sign up page": "yes",
        "uri:Local account sign up page": " http://localhost:5000/rp/static/custom/selfasserted.html ",
        "template:Error page": "Classic", **ATTRIBUTE_ROWS})
    assert response.status_code == 303
    layouts = flow_config(app)["page_layouts"]
    assert layouts["Unified sign up or sign in page"] == {
        "template": "Slate Gray", "use_custom_page": False, "custom_page_uri": ""}
    assert layouts["Local account sign up page"]["custom_page_uri"] == \
        "http://localhost:5000/rp/static/custom/selfasserted.html"
    assert layouts["Local account sign up page"]["use_custom_page"] is True
    assert layouts["Error page"]["template"] == "Classic"


@pytest.mark.parametrize("fields, message", [
    ({"custom:Error page": "yes", "uri:Error page": ""}, "Enter the Custom page URI"),
    ({"custom:Error page": "yes", "uri:Error page": "file:///etc/passwd"},
     "must be an absolute http:// or https:// URL"),
    ({"template:Error page": "Purple"}, "Choose Ocean Blue, Slate Gray or Classic."),
])
def test_page_layouts_bad_rows_are_refused(admin, app, fields, message):
    before = flow_config(app)
    response = admin.post_form("/portal/user-flows/1/page-layouts", **ATTRIBUTE_ROWS, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert flow_config(app) == before


def test_password_reset_flow_lists_its_own_rows(admin, client, app):
    with app.app_context():
        flow_id = db.session.execute(db.select(UserFlow).filter_by(
            name_key="b2c_1_password_reset")).scalar_one().id
    html = client.get(f"/portal/user-flows/{flow_id}/page-layouts").get_data(as_text=True)
    table = html.split('id="page-layouts"')[1].split("</table>")[0]
    assert "Forgot password page" in table and "Change password page" in table
    assert "Unified sign up or sign in page" not in table



def test_attribute_rows_say_which_attribute_their_fields_belong_to(admin, client, app):
    """Each row's fields are labelled by their column ("Optional") and described by the row's
    name cell, so assistive technology tells the rows apart."""
    import re
    html = client.get("/portal/user-flows/1/page-layouts").get_data(as_text=True)
    table = html.split('id="sign-up-attributes"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-claim="([^"]+)">(.*?)</tr>', table, re.S)
    assert len(rows) >= 2
    for claim, row in rows:
        assert f'<td id="attribute-{claim}">' in row
        controls = re.findall(r"<(?:input|select)\b[^>]*>", row)
        assert len(controls) == 5
        assert all(f'aria-describedby="attribute-{claim}"' in c for c in controls), controls
