"""What the portal does not offer yet, as docs/parity.md grades it "not yet": these tests fail
when a feature arrives, so that the parity map is updated with it."""
from __future__ import annotations

import re

from tests.factories import TENANT

NOT_YET_PROPERTIES = ("Age gating", "Captcha", "Forced password reset", "Conditional access")


def test_properties_offer_no_age_gating_captcha_forced_reset_or_conditional_access(admin,
                                                                                    client):
    html = client.get("/portal/user-flows/1/properties").get_data(as_text=True)
    labels = " | ".join(re.findall(r"<(?:label|h2|legend)[^>]*>([^<]+)<", html)).lower()
    assert "password complexity" in labels and "multifactor authentication" in labels
    for setting in NOT_YET_PROPERTIES:
        assert setting.lower() not in labels, setting


def test_every_user_flow_is_recommended_and_no_legacy_version_is_offered(admin, client):
    listing = client.get("/portal/user-flows/").get_data(as_text=True)
    assert "Recommended" in listing
    create = client.get("/portal/user-flows/new").get_data(as_text=True)
    assert "Version: Recommended" in create
    assert "Standard (Legacy)" not in listing + create


def test_a_custom_policy_is_an_unknown_policy(client):
    response = client.get(f"/{TENANT}/B2C_1A_signup_signin/v2.0/.well-known/openid-configuration")
    assert response.status_code == 404
    assert "The policy &#39;B2C_1A_signup_signin&#39; does not exist" in response.get_data(
        as_text=True)
