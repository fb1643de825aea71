"""One view of each page type, as the engine builds them, for drawing every page type in every
template without running a flow to it (tests/flows/test_layouts.py, the layouts browser test)."""
from __future__ import annotations

from collections import defaultdict

from idp.engine.strings import EN
from tests.factories import POLICY

#: the page texts the engine puts in a view (any StringId a template asks for has a value)
TEXT = defaultdict(lambda: "text", EN)
FIELD = {"claim": "email", "label": "Email Address", "input_type": "EmailBox", "required": True,
         "readonly": False, "value": "", "error": None, "verify": False}
SELF_ASSERTED = {"contract": "selfasserted", "fields": [FIELD], "intro": "Please provide...",
                 "primary": {"id": "continue", "label": "Continue"}, "cancel": True,
                 "links": [], "verification": None, "page_error": None, "text": TEXT}
#: page type -> (template, view, profile id, a marker only that page has)
PAGES = {
    "unified": ("flows/unified.html",
                {"contract": "unifiedssp", "content_definition": "api.signuporsignin",
                 "heading": "Sign in", "intro": "Sign in with your email address",
                 "fields": [FIELD], "primary": {"id": "next", "label": "Sign in"},
                 "links": [], "page_error": None, "text": TEXT}, None,
                'id="localAccountForm"'),
    "sign-up": ("flows/selfasserted.html",
                {**SELF_ASSERTED, "content_definition": "api.localaccountsignup"}, None,
                'class="EmailBox email_li"'),
    "profile-edit": ("flows/selfasserted.html",
                     {**SELF_ASSERTED, "content_definition": "api.selfasserted.profileupdate",
                      "heading": "Edit profile"}, None, 'id="attributeVerification"'),
    "forgot-password": ("flows/selfasserted.html",
                        {**SELF_ASSERTED, "content_definition": "api.localaccountpasswordreset"},
                        "LocalAccountDiscoveryUsingEmailAddress", 'id="attributeList"'),
    "change-password": ("flows/selfasserted.html",
                        {**SELF_ASSERTED, "content_definition": "api.localaccountpasswordreset"},
                        "LocalAccountWritePasswordUsingObjectId", 'button id="continue"'),
    "mfa": ("flows/mfa.html",
            {"contract": "multifactor", "content_definition": "api.phonefactor",
             "method": "email", "method_label": "Email", "destination": "ja***@example.com",
             "method_intro": "Multifactor authentication: Email",
             "destination_intro": ("We will send a code to ", "."),
             "code_sent": True, "text": TEXT}, None, 'id="mfaForm"'),
    "blocked": ("flows/block.html",
                {"contract": "selfasserted", "message": "Your invitation code is invalid."},
                None, 'id="blockMessage"'),
}


def render_sample(app, page: str, flavor: str) -> tuple[str, str]:
    """(HTML, marker) of ``page`` (a :data:`PAGES` key, or ``error``) drawn in ``flavor``."""
    from idp.engine.errors import B2CError
    from idp.flows.layouts import render_exception, render_flow_page
    from idp.store.tenant import current_tenant

    with app.test_request_context(f"/?pageFlavor={flavor}"), app.app_context():
        tenant = current_tenant()
        if page == "error":
            response = render_exception(B2CError("AADB2C90046"), tenant=tenant, policy=POLICY,
                                        config={}, status=400, correlation_id="c",
                                        timestamp="t")
            return response.get_data(as_text=True), 'id="globalException"'
        template, view, profile, marker = PAGES[page]
        response = render_flow_page(template, view, tenant=tenant, policy=POLICY, config={},
                                    profile_id=profile, tx=None, step=0, action="/step")
        return response.get_data(as_text=True), marker
