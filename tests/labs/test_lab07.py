"""Lab 07 (custom policies): the lab's REST API answers with B2C's RESTful contract (409 with a
``userMessage`` for a blocked domain, 200 with the promotion code otherwise, 400 for a request
it cannot read) and shows what it received; its page serves the lab's snippets with its own
addresses; the lab's file edits apply to the starter pack as published, once each; and
``labs solve 07`` says where the starter pack goes when it is absent.

The walk in Chromium (tests/e2e/labs, ``-k lab07``) proves the rest end to end: the policy keys,
the placeholders, the upload order, Run now, the compared tokens, the greeting and the REST
validation refusing on the page, then adding a claim."""
from __future__ import annotations

import html

import pytest

from idp import labs_ief
from idp.extensions import db
from idp.models import CustomPolicy, PolicyKey
from labs import files
from labs.lab07_custom_policies import lab, snippets, web
from labs.model import DeleteLines, PasteSnippet, ReplaceAll
from tests.factories import BASE
from tests.portal.conftest import admin  # noqa: F401  (the portal's signed-in admin fixture)

STARTER_PACK = labs_ief.ROOT.parent / lab.FIXTURE
VALUES = {"tenant_domain": "contoso.onmicrosoft.com", "ief_app_id": "ief-id",
          "proxy_app_id": "proxy-id", "base": BASE}


@pytest.fixture
def lab_app(tmp_path):
    return web.create_app({"IDP_URL": BASE, "TENANT": "contoso", "DATA_DIR": str(tmp_path),
                           "PUBLIC_URL": "http://127.0.0.1:5007"}).test_client()


def test_a_blocked_domain_gets_409_with_the_error_contract(lab_app):
    response = lab_app.post(snippets.CHECK_EMAIL_PATH,
                            json={"email": "Someone@BLOCKED.example", "objectId": "x"})
    assert response.status_code == 409
    assert list(response.json.items()) == [("version", "1.0.0"), ("status", 409),
                                           ("userMessage", snippets.BLOCKED_MESSAGE)]
    page = lab_app.get("/").get_data(as_text=True)
    assert "HTTP 409" in page and "Someone@BLOCKED.example" in page


def test_another_domain_gets_200_with_the_promotion_code(lab_app):
    response = lab_app.post(snippets.CHECK_EMAIL_PATH, json={"email": "ann@example.com"})
    assert response.status_code == 200 and response.json == {"promoCode": snippets.PROMO_CODE}
    page = lab_app.get("/").get_data(as_text=True)
    assert "HTTP 200" in page and "example.com is welcome" in page


@pytest.mark.parametrize("data, content_type, says", [
    ("not json", "text/plain", "not a JSON object"),
    ("[1, 2]", "application/json", "not a JSON object"),
    ('{"displayName": "Ann"}', "application/json", "no email claim"),
])
def test_a_request_it_cannot_read_gets_400_saying_what_to_fix(lab_app, data, content_type,
                                                               says):
    response = lab_app.post(snippets.CHECK_EMAIL_PATH, data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.json["version"] == "1.0.0" and response.json["status"] == 400
    assert says in response.json["userMessage"]


def test_the_page_lists_the_last_calls_newest_first_and_keeps_five(lab_app):
    for n in range(7):
        lab_app.post(snippets.CHECK_EMAIL_PATH, json={"email": f"user{n}@example.com"})
    page = lab_app.get("/").get_data(as_text=True)
    assert page.index("user6@example.com") < page.index("user5@example.com")
    assert "user1@example.com" not in page and "user2@example.com" in page


def test_the_page_serves_the_snippets_with_its_own_service_url(lab_app):
    page = html.unescape(lab_app.get("/").get_data(as_text=True))
    assert "None yet" in page and 'id="blocked-domains"' in page
    assert '<Item Key="ServiceUrl">http://127.0.0.1:5007/api/check-email</Item>' in page
    assert "{base}" not in page and 'Value="Hello {0}!"' in page
    assert lab_app.get("/").headers["Content-Security-Policy"].startswith("default-src 'self'")


def starter_pack_text(name: str) -> str:
    if not STARTER_PACK.is_dir():
        pytest.skip(f"the custom policy starter pack is not at {STARTER_PACK} (a checkout of "
                    "Azure-Samples/active-directory-b2c-custom-policy-starterpack)")
    return (STARTER_PACK / name).read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("name", lab.FILES)
def test_the_labs_edits_apply_to_the_published_starter_pack(name):
    text = starter_pack_text(name)
    for edit in lab.edits_of(name):
        text = files.apply(text, edit, VALUES)
    assert not any(p in text for p in labs_ief.PLACEHOLDERS)
    if name == lab.EXTENSIONS:
        assert "<Item Key=\"client_id\">proxy-id</Item>" in text
        assert "<Item Key=\"IdTokenAudience\">ief-id</Item>" in text
        assert f"<Item Key=\"ServiceUrl\">{BASE}/labs/ief/api/check-email</Item>" in text
        assert text.index("REST-CheckEmailDomain\" />") < text.index(
            "AAD-UserWriteUsingLogonEmail\" />")
    if name == lab.BASE:
        assert 'ReferenceId="AAD-UserWriteUsingLogonEmail"' not in text
        assert text.count("<ValidationTechnicalProfiles>") == 4  # the other pages keep theirs


def test_an_edit_whose_text_is_missing_or_ambiguous_is_named():
    with pytest.raises(files.EditError, match="'<ClaimsProviders>' is there 0 times"):
        files.apply("<a/>", PasteSnippet("X.xml", "<b/>", "<ClaimsProviders>"), {})
    with pytest.raises(files.EditError, match="there 2 times"):
        files.apply("<a>\n<a>\n", PasteSnippet("X.xml", "<b/>", "<a>"), {})
    with pytest.raises(files.EditError, match="lines to delete are there 0 times"):
        files.apply("<a/>", DeleteLines("X.xml", "<b>\n</b>", "why"), {})


def test_edits_keep_crlf_line_ends_and_delete_whatever_the_indentation():
    text = "<r>\r\n  <a>\r\n\t\t<b />\r\n  </a>\r\n  <c />\r\n</r>\r\n"
    deleted = files.apply(text, DeleteLines("X.xml", "<a>\n    <b />\n</a>", "why"), {})
    assert deleted == "<r>\r\n  <c />\r\n</r>\r\n"
    pasted = files.apply(text, PasteSnippet("X.xml", "  <d>{base}</d>\n  <e/>", "<c />",
                                            before=True), {"base": "http://x"})
    assert "</a>\r\n  <d>http://x</d>\r\n  <e/>\r\n  <c />" in pasted
    assert files.apply("x {0} {base} x", ReplaceAll(("X.xml",), "x", "{v}", "v"),
                       {"v": "y"}) == "y {0} {base} y"  # only the named values are filled


def test_solve_without_the_starter_pack_says_where_it_goes(runner, monkeypatch, tmp_path):
    monkeypatch.setattr(labs_ief, "ROOT", tmp_path / "project")
    result = runner.invoke(args=["labs", "solve", "07"])
    assert result.exit_code != 0
    assert "Lab 07 needs the custom policy starter pack, not found at" in result.output
    assert str(tmp_path / "shared" / "ief" / "starterpack" / "LocalAccounts") in result.output
    assert "Download ZIP" in result.output
    check = runner.invoke(args=["labs", "check", "07"]).output
    assert "[x]" not in check  # nothing half-done: not even the keys solve made first


def test_the_portal_says_why_lab_07_was_not_solved(admin, client, monkeypatch, tmp_path):
    monkeypatch.setattr(labs_ief, "ROOT", tmp_path / "project")
    response = admin.post_form("/portal/labs/", "/portal/labs/07/solve")
    assert response.status_code == 303
    page = html.unescape(client.get("/portal/labs/").get_data(as_text=True))
    assert "Lab 07 was not solved: Lab 07 needs the custom policy starter pack" in page
    assert 'id="lab07" data-done="no"' in page


def test_solve_uploads_the_edited_chain_and_reset_removes_it(runner, app):
    starter_pack_text(lab.BASE)
    solved = runner.invoke(args=["labs", "solve", "07"])
    assert solved.exit_code == 0, solved.output
    with app.app_context():
        from idp.store import custom_policies

        merged = custom_policies.load_merged(lab.POLICY)
        order = [v.reference_id for v in merged.technical_profiles[
            "LocalAccountSignUpWithLogonEmail"].validation_technical_profiles]
        assert order == ["REST-CheckEmailDomain", "AAD-UserWriteUsingLogonEmail"]
        assert merged.technical_profiles["REST-CheckEmailDomain"].metadata["ServiceUrl"] == (
            f"{BASE}/labs/ief/api/check-email")
        assert custom_policies.load_compiled(lab.POLICY).compiled is not None
    check = runner.invoke(args=["labs", "check", "07"]).output
    assert "[x] LocalAccountSignUpWithLogonEmail validates with a RESTful profile" in check
    assert "[x] B2C_1A_signup_signin returns greeting, made by a FormatStringClaim" in check
    assert runner.invoke(args=["labs", "reset", "--yes"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CustomPolicy.id))) == 0
        assert db.session.scalar(db.select(db.func.count(PolicyKey.id))) == 0
    assert "[x]" not in runner.invoke(args=["labs", "check", "07"]).output
