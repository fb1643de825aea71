"""The practice Facebook over HTTP: the login dialog, the code exchange and /me, its refusals
(Facebook's error shapes), and the lessons."""
from __future__ import annotations

import re

import requests

from practice_idps.personas import SEEDED, persona_id
from tests.practice_idps.driver import answer_params

MATEO, AIKO, JORDAN = SEEDED["facebook"]


def me(facebook, access_token: str, fields: str | None = "id,first_name,last_name,name,email",
       bearer: bool = False) -> requests.Response:
    params = {"fields": fields} if fields else {}
    headers = {}
    if bearer:
        headers["Authorization"] = f"Bearer {access_token}"
    else:
        params["access_token"] = access_token
    return requests.get(f"{facebook.root}/me", params=params, headers=headers, timeout=10)


def graph_error(response: requests.Response) -> dict:
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["type"] == "OAuthException" and error["fbtrace_id"]
    return error


def test_developer_console_shows_the_app_registered_for_the_tenant(facebook):
    app = facebook.app()
    assert re.fullmatch(r"[1-9]\d{14}", app["client_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", app["client_secret"])
    assert app["redirect_uris"] == [facebook.reply_url]
    page = requests.get(f"{facebook.root}/", timeout=10).text
    assert app["client_id"] in page and app["client_secret"] in page
    assert facebook.reply_url in page
    assert "Practice provider, part of B2C Lab: not the real Facebook" in page


def test_sign_in_page_lists_personas_new_persona_form_and_lessons(facebook):
    page = facebook.authorize()
    assert page.status_code == 200
    for number, persona in enumerate(SEEDED["facebook"], 1):
        assert f'id="persona-{number}"' in page.text and persona.name in page.text
    for field in ("first_name", "last_name", "email", "lesson"):
        assert f'id="{field}"' in page.text
    assert 'value="bad_signature"' not in page.text  # an ID token lesson: Google only
    assert "Practice provider, part of B2C Lab: not the real Facebook" in page.text
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_code_flow_gives_the_graph_profile_of_the_chosen_persona(facebook):
    answer, sent = facebook.sign_in("2")
    assert answer["state"] == sent["state"] and answer["code"]
    token = facebook.token(answer["code"])
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 3600
    assert body["access_token"].startswith("EAAG")
    profile = me(facebook, body["access_token"]).json()
    assert profile == {"id": AIKO.id, "first_name": "Aiko", "last_name": "Tanaka",
                       "name": "Aiko Tanaka", "email": "aiko.tanaka@example.com"}
    # Facebook's default fields, and the token in a Bearer header
    assert me(facebook, body["access_token"], fields=None, bearer=True).json() == {
        "id": AIKO.id, "name": "Aiko Tanaka"}


def test_token_endpoint_also_answers_get(facebook):
    answer, _ = facebook.sign_in("1")
    app = facebook.app()
    token = requests.get(f"{facebook.root}/oauth/access_token", timeout=10, params={
        "client_id": app["client_id"], "client_secret": app["client_secret"],
        "redirect_uri": facebook.reply_url, "code": answer["code"]})
    assert token.status_code == 200
    assert me(facebook, token.json()["access_token"]).json()["id"] == MATEO.id


def test_email_is_left_out_without_one_or_without_the_email_permission(facebook):
    answer, _ = facebook.sign_in("3")
    profile = me(facebook, facebook.token(answer["code"]).json()["access_token"]).json()
    assert profile == {"id": JORDAN.id, "first_name": "Jordan", "last_name": "Lee",
                       "name": "Jordan Lee"}
    answer, _ = facebook.sign_in("1", scope="public_profile")
    profile = me(facebook, facebook.token(answer["code"]).json()["access_token"]).json()
    assert "email" not in profile and profile["id"] == MATEO.id


def test_a_new_persona_keeps_its_id_for_the_same_email(facebook):
    def new_persona(email: str) -> dict:
        page = facebook.authorize()
        consent = facebook.choose(page, "new", first_name="Nia", last_name="Okafor",
                                  email=email)
        code = answer_params(facebook.consent(consent))["code"]
        return me(facebook, facebook.token(code).json()["access_token"]).json()

    first, again = new_persona("nia@example.com"), new_persona("NIA@example.com")
    other = new_persona("nia.okafor@example.com")
    assert first["id"] == again["id"] == persona_id("facebook", "nia@example.com")
    assert other["id"] != first["id"]
    assert first["first_name"] == "Nia" and first["name"] == "Nia Okafor"


def test_an_incomplete_new_persona_stays_on_the_page_with_what_to_fix(facebook):
    page = facebook.authorize()
    refused = facebook.choose(page, "new", first_name="", last_name="Okafor", email="x@y.z")
    assert refused.status_code == 400 and "Location" not in refused.headers
    assert "Enter a first name." in refused.text
    refused = facebook.choose(page, "new", first_name="Nia", last_name="Okafor", email="nia")
    assert "Enter an e-mail address" in refused.text


def test_unknown_app_id_gets_an_error_page_not_a_redirect(facebook):
    response = facebook.authorize(client_id="123")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "Invalid App ID" in response.text and "developer console" in response.text


def test_unregistered_redirect_uri_is_never_redirected_to(facebook):
    response = facebook.authorize(redirect_uri="https://evil.example/steal")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "URL blocked" in response.text
    assert "https://evil.example/steal" in response.text and facebook.reply_url in response.text
    # not even a prefix or another case
    assert facebook.authorize(redirect_uri=facebook.reply_url + "x").status_code == 400
    assert facebook.authorize(redirect_uri=facebook.reply_url.upper()).status_code == 400


def test_token_endpoint_refusals_have_facebooks_shape(facebook):
    answer, _ = facebook.sign_in("1")
    code = answer["code"]
    wrong_secret = facebook.token(code, client_secret="0" * 32)
    assert wrong_secret.status_code == 400
    assert graph_error(wrong_secret)["message"] == "Error validating client secret."
    assert graph_error(facebook.token(code, client_id="999"))["code"] == 101
    mismatch = graph_error(facebook.token(code, redirect_uri=facebook.reply_url + "/x"))
    assert mismatch["error_subcode"] == 36008 and "redirect_uri" in mismatch["message"]
    assert graph_error(facebook.token("not-a-code"))["error_subcode"] == 36006
    # the refusals above did not spend the code (it was never accepted); now it is used once
    assert facebook.token(code).status_code == 200
    reused = graph_error(facebook.token(code))
    assert reused["message"] == "This authorization code has been used."


def test_me_refuses_a_missing_or_forged_token(facebook):
    assert graph_error(me(facebook, ""))["code"] == 2500
    assert graph_error(me(facebook, "EAAGforged"))["code"] == 190
    answer, _ = facebook.sign_in("1")
    token = facebook.token(answer["code"]).json()["access_token"]
    unknown = graph_error(me(facebook, token, fields="id,birthday"))
    assert unknown["code"] == 100 and "(birthday)" in unknown["message"]


def test_lesson_deny_and_cancel_answer_as_facebook_does(facebook):
    for denied in (facebook.choose(facebook.authorize(), "1", lesson="deny"),
                   facebook.consent(facebook.choose(facebook.authorize(), "1"), "cancel")):
        answer = answer_params(denied)
        assert answer["state"] == denied.sent["state"] and "code" not in answer
        assert {key: answer[key] for key in ("error", "error_reason", "error_description")} == {
            "error": "access_denied", "error_reason": "user_denied",
            "error_description": "Permissions error"}


def test_lesson_provider_error_redirects_with_server_error(facebook):
    response = facebook.choose(facebook.authorize(), "2", lesson="provider_error")
    answer = answer_params(response)
    assert answer["error"] == "server_error" and "code" not in answer
    assert answer["state"] == response.sent["state"]


def test_lesson_token_endpoint_fails_with_http_500(facebook):
    answer, _ = facebook.sign_in("1", lesson="token_500")
    failed = facebook.token(answer["code"])
    assert failed.status_code == 500 and graph_error(failed)["code"] == 2


def test_a_tampered_sign_in_page_is_refused(facebook):
    page = facebook.authorize()
    forged = page.text.replace('name="request" value="', 'name="request" value="x')
    page._content = forged.encode()
    response = facebook.choose(page, "1")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "start the sign-in again" in response.text
