"""Page layouts rows, templates and custom page URIs (b2c-reference §6.1-§6.3): plain data."""
import pytest

from idp.engine.page_layouts import (PAGE_TYPES, ROWS_BY_FLOW_TYPE, custom_page_uri_problem,
                                     custom_page_url, flavor_from_query, is_block_page,
                                     page_type, resolve_layout)


@pytest.mark.parametrize("view, profile, row", [
    ({"content_definition": "api.signuporsignin"}, "SelfAsserted-LocalAccountSignin-Email",
     "Unified sign up or sign in page"),
    ({"content_definition": "api.localaccountsignup"}, "LocalAccountSignUpWithLogonEmail",
     "Local account sign up page"),
    ({"content_definition": "api.selfasserted.profileupdate"}, None, "Profile edit page"),
    ({"content_definition": "api.localaccountpasswordreset"},
     "LocalAccountDiscoveryUsingEmailAddress", "Forgot password page"),
    ({"content_definition": "api.localaccountpasswordreset"},
     "LocalAccountWritePasswordUsingObjectId", "Change password page"),
    ({"contract": "multifactor", "content_definition": "api.phonefactor", "message": "sent"},
     None, "Multifactor authentication page"),
    ({"contract": "selfasserted", "message": "Your invitation code is invalid."}, None,
     "Blocked page due to API connector ShowBlockPage action"),
    ({"content_definition": "api.error"}, None, "Error page"),
    ({"content_definition": "api.unknown"}, None, None),
])
def test_each_page_belongs_to_its_row(view, profile, row):
    assert page_type(view, profile) == row


def test_every_flow_type_lists_known_rows():
    assert all(set(rows) <= set(PAGE_TYPES) for rows in ROWS_BY_FLOW_TYPE.values())
    assert "Error page" in ROWS_BY_FLOW_TYPE["passwordReset"]


def test_a_self_asserted_page_with_fields_is_not_a_block_page():
    assert not is_block_page({"contract": "selfasserted", "message": "x", "fields": []})


CONFIG = {"page_layouts": {
    "Unified sign up or sign in page": {"template": "Slate Gray", "custom_page_uri": "",
                                        "use_custom_page": False},
    "Local account sign up page": {"template": "Classic", "use_custom_page": True,
                                   "custom_page_uri": " https://c.example/{Culture:RFC5646}/a "},
    "Profile edit page": {"template": "Classic", "use_custom_page": False,
                          "custom_page_uri": "https://c.example/kept-but-off"},
    "Error page": {"custom_page_uri": "https://c.example/error.html"},  # imported: no switch
}}


def test_the_row_chooses_its_template_and_pageflavor_overrides_it():
    assert resolve_layout(CONFIG, "Unified sign up or sign in page").flavor == "slateGray"
    assert resolve_layout(CONFIG, "Unified sign up or sign in page", "CLASSIC").flavor == "classic"
    assert resolve_layout(CONFIG, "Unified sign up or sign in page", "purple").flavor == "slateGray"
    assert resolve_layout({}, "Error page").flavor == "oceanBlue"
    assert resolve_layout(CONFIG, None).flavor == "oceanBlue"


def test_a_custom_page_wins_only_when_switched_on():
    layout = resolve_layout(CONFIG, "Local account sign up page", "oceanBlue")
    assert layout.custom_page_uri == "https://c.example/{Culture:RFC5646}/a"
    assert resolve_layout(CONFIG, "Profile edit page").custom_page_uri is None
    assert resolve_layout(CONFIG, "Error page").custom_page_uri == "https://c.example/error.html"


def test_culture_is_the_page_language():
    assert custom_page_url("https://c.example/{Culture:RFC5646}/a", "pt-br") == \
        "https://c.example/pt-br/a"
    assert flavor_from_query(None) is None and flavor_from_query("slategray") == "slateGray"


@pytest.mark.parametrize("uri, problem", [
    ("", "Enter the Custom page URI"),
    ("file:///etc/passwd", "absolute http:// or https://"),
    ("/rp/static/custom/unified.html", "absolute http:// or https://"),
    ("javascript:alert(1)", "absolute http:// or https://"),
    ("https://" + "a" * 2050, "at most 2048"),
])
def test_bad_custom_page_uris_are_named(uri, problem):
    assert problem in custom_page_uri_problem(uri)


def test_good_custom_page_uri():
    assert custom_page_uri_problem("http://localhost:5000/{Culture:RFC5646}/x.html") is None
