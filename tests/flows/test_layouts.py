"""Page layouts at run time: every template draws every page type, the flow's rows choose the
template, ``pageFlavor`` overrides it, and errors use the flow's Error page layout."""
from __future__ import annotations

import pytest

from idp.extensions import db
from idp.models import UserFlow
from tests.factories import POLICY, policy_url
from tests.flows.sample_views import PAGES, render_sample

FLAVORS = {"oceanBlue": "oceanblue.css", "slateGray": "slategray.css", "classic": "classic.css"}


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("page", [*PAGES, "error"])
def test_each_template_renders_every_page_type(app, flavor, page):
    html, marker = render_sample(app, page, flavor)
    assert f'data-template="{flavor}"' in html
    assert f"/static/css/{FLAVORS[flavor]}" in html and "/static/css/flows.css" in html
    assert marker in html and '<div id="api"' in html
    assert html.index('<div id="api"') < html.index(marker)


def set_layouts(app, policy=POLICY, **rows):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(
            name_key=policy.lower())).scalar_one()
        flow.config = {**flow.config, "page_layouts": rows}
        db.session.commit()


def test_the_flow_rows_choose_the_templates(app, flow):
    set_layouts(app, **{"Unified sign up or sign in page": {"template": "Classic"},
                        "Local account sign up page": {"template": "Slate Gray"}})
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert 'data-template="classic"' in flow.text and "tenant-name" not in flow.text
    flow.follow_link("createAccount")
    assert 'data-template="slateGray"' in flow.text


def test_pageflavor_on_the_sign_in_url_lasts_for_the_run(app, flow):
    set_layouts(app, **{"Local account sign up page": {"template": "Classic"}})
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], pageFlavor="slateGray")
    assert 'data-template="slateGray"' in flow.text
    assert "pageFlavor=slateGray" in flow.page.forms["localAccountForm"]["action"]
    flow.follow_link("createAccount")
    assert 'data-template="slateGray"' in flow.text
    flow.submit("attributeVerificationForm", "send_code", email="flavor@example.com")
    assert 'data-template="slateGray"' in flow.text
    flow.authorize(rp["client_id"], rp["redirect_uri"], pageFlavor="nonsense")
    assert 'data-template="oceanBlue"' in flow.text


def test_errors_in_a_known_flow_use_its_error_page_template(app, client):
    set_layouts(app, **{"Error page": {"template": "Slate Gray"}})
    response = client.get(policy_url("api/step") + "?tx=unknown")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-template="slateGray"' in html and "AADB2C90046" in html
    assert "Sorry, but we're having trouble signing you in." in html
    unknown = client.get("/contoso.onmicrosoft.com/B2C_1_nope/api/step?tx=x")
    assert unknown.status_code == 404 and "data-template" not in unknown.get_data(as_text=True)
