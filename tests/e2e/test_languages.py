"""Language customization in Chromium (issue: languages): enable it on B2C_1_susi in the
portal, upload a French override for the sign-in page, then open the sign-in page with
ui_locales=fr through Run user flow and see it in French; then, with MFA by e-mail enforced,
sign up in French: the verification e-mails and the multifactor page are French too."""
from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.test_portal import portal_sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_in_french(page: Page, base_url, live_server, screenshot_dir, tmp_path):
    portal_sign_in(page, live_server)
    nav = page.get_by_role("navigation", name="Azure AD B2C")
    nav.get_by_role("link", name="User flows").click()
    page.get_by_role("link", name="B2C_1_susi").click()
    page.get_by_role("navigation", name="User flow settings").get_by_role(
        "link", name="Languages").click()
    languages_url = page.url

    page.locator("#enabled").check()
    page.locator("#lang-fr").check()
    page.locator("#default-en").check()
    page.locator("#save-languages").click()
    expect(page.get_by_text("Languages of B2C_1_susi saved.")).to_be_visible()
    expect(page.locator('#languages tr[data-language="ko"]')).to_contain_text(
        "not available in B2C Lab")

    override = tmp_path / "fr-signin.json"
    override.write_text(json.dumps({"LocalizedStrings": [
        {"ElementType": "UxElement", "StringId": "createaccount_one_link", "Override": True,
         "Value": "Créez un compte"}], "LocalizedCollections": []}), encoding="utf-8")
    page.locator("#file-fr-api\\.signuporsignin").set_input_files(override)
    page.locator("#upload-fr-api\\.signuporsignin").click()
    expect(page.locator('#pages-fr tr[data-page="api.signuporsignin"]')).to_contain_text("1 entry")
    page.screenshot(path=screenshot_dir / "portal-languages.png", full_page=True)

    page.get_by_role("link", name="Run user flow").first.click()
    page.get_by_label("Application").select_option(label="webapp1")
    page.get_by_label("ui_locales").fill("fr")
    page.get_by_role("button", name="Update the endpoint").click()
    run_url = page.locator("#run-url").inner_text()
    assert "ui_locales=fr" in run_url

    page.goto(run_url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Connectez-vous avec votre adresse e-mail")
           ).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    expect(page.get_by_text("Vous n'avez pas de compte ?")).to_be_visible()
    expect(page.get_by_role("link", name="Créez un compte")).to_be_visible()
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Veuillez entrer votre adresse e-mail")).to_be_visible()
    page.screenshot(path=screenshot_dir / "sign-in-fr.png", full_page=True)
    page.get_by_role("link", name="Créez un compte").click()
    expect(page.get_by_role("button", name="Envoyer le code de vérification")).to_be_visible()
    expect(page.get_by_label("Nom d'affichage")).to_be_visible()
    page.screenshot(path=screenshot_dir / "sign-up-fr.png", full_page=True)

    # leave B2C_1_susi as the other browser tests expect it
    page.goto(languages_url)
    page.locator("#enabled").uncheck()
    page.locator("#save-languages").click()
    expect(page.get_by_text("Languages of B2C_1_susi saved.")).to_be_visible()


def newest_mail(base_url: str, address: str) -> dict:
    response = requests.get(f"{base_url}/mailbox/messages.json", params={"to": address},
                            timeout=10)
    response.raise_for_status()
    assert response.json(), f"no mail sent to {address}"
    return response.json()[0]  # newest first


def test_sign_up_with_mfa_in_french(page: Page, base_url, live_server, screenshot_dir):
    portal_sign_in(page, live_server)
    page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
        "link", name="User flows").click()
    page.get_by_role("link", name="B2C_1_susi").click()
    settings = page.get_by_role("navigation", name="User flow settings")
    settings.get_by_role("link", name="Languages").click()
    languages_url = page.url
    page.locator("#enabled").check()
    page.locator("#lang-fr").check()
    page.locator("#default-en").check()
    page.locator("#save-languages").click()
    expect(page.get_by_text("Languages of B2C_1_susi saved.")).to_be_visible()
    settings.get_by_role("link", name="Properties").click()
    properties_url = page.url
    page.get_by_label("Type of method").select_option("email")
    page.get_by_label("MFA enforcement").select_option("always")
    page.locator("#save-properties").click()
    page.goto(languages_url)
    expect(page.locator('#pages-fr tr[data-page="api.phonefactor"]')).to_contain_text(
        "Multifactor authentication page")
    page.get_by_role("link", name="Run user flow").first.click()
    page.get_by_label("Application").select_option(label="webapp1")
    page.get_by_label("ui_locales").fill("fr")
    page.get_by_role("button", name="Update the endpoint").click()
    run_url = page.locator("#run-url").inner_text()

    try:
        email = f"mfa-fr-{uuid.uuid4().hex[:10]}@example.com"
        page.goto(run_url)
        page.locator("#createAccount").click()
        page.locator("#email").fill(email)
        page.locator("#email_ver_but_send").click()
        expect(page.locator("#verificationCode")).to_be_visible()
        mail = newest_mail(base_url, email)
        assert mail["subject"].startswith("Code de vérification de l'adresse e-mail du compte")
        assert f"Votre code est : {mail['code']}" in mail["body"]
        page.locator("#verificationCode").fill(mail["code"])
        page.locator("#email_ver_but_verify").click()
        page.locator("#newPassword").fill("Passw0rd!-fr")
        page.locator("#reenterPassword").fill("Passw0rd!-fr")
        page.locator("#displayName").fill("Jeanne Dupont")
        page.locator("#givenName").fill("Jeanne")
        page.locator("#surname").fill("Dupont")
        page.locator("#continue").click()

        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", name="Vérifiez qu'il s'agit bien de vous")
               ).to_be_visible()
        expect(page.locator("#mfa-method")).to_have_text("Authentification multifacteur : E-mail")
        page.get_by_role("button", name="Envoyer le code").click()
        expect(page.locator("#mfa-message")).to_contain_text("Nous avons envoyé un code à")
        mail = newest_mail(base_url, email)
        assert mail["subject"].startswith("Code de vérification du compte")
        wrong = "000000" if mail["code"] != "000000" else "111111"
        page.get_by_label("Code de vérification").fill(wrong)
        page.get_by_role("button", name="Vérifier le code").click()
        expect(page.locator("#mfa-message")).to_have_text(
            "Ce code est incorrect. Veuillez réessayer.")
        page.screenshot(path=screenshot_dir / "mfa-fr.png", full_page=True)
        page.get_by_label("Code de vérification").fill(mail["code"])
        page.get_by_role("button", name="Vérifier le code").click()
        expect(page).to_have_url(re.compile(r"/jwt"))
    finally:  # leave B2C_1_susi as the other browser tests expect it
        page.goto(properties_url)
        page.get_by_label("MFA enforcement").select_option("off")
        page.locator("#save-properties").click()
        page.goto(languages_url)
        page.locator("#enabled").uncheck()
        page.locator("#save-languages").click()
        expect(page.get_by_text("Languages of B2C_1_susi saved.")).to_be_visible()
