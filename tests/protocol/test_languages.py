"""The user-flow pages in the run's language (b2c-reference §6.5): ui_locales, then the
browser's Accept-Language when language customization is enabled, else the default; the
language is chosen at authorize time and kept for the whole run."""
from idp.extensions import db
from idp.models import UserFlow
from tests.factories import PASSWORD


def set_languages(app, **languages):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "languages": languages}
        db.session.commit()


def start(flow, **params):
    rp = flow.rp()
    return flow.authorize(rp["client_id"], rp["redirect_uri"], **params)


def test_ui_locales_fr_renders_the_unified_page_in_french(flow, app):
    set_languages(app, enabled=True)
    start(flow, ui_locales="fr-FR")
    html = flow.text
    assert '<html lang="fr">' in html
    for text in ("Se connecter", "Connectez-vous avec votre adresse e-mail", "Adresse e-mail",
                 "Mot de passe", "Mot de passe oublié ?", "Vous n&#39;avez pas de compte ?",
                 "Inscrivez-vous maintenant"):
        assert text in html, text
    assert "Sign in" not in html.split("<body", 1)[1]


def test_accept_language_picks_german_when_enabled_and_is_kept_for_the_run(flow, app):
    set_languages(app, enabled=True)
    flow.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "it-IT, de-DE;q=0.8, en;q=0.5"
    start(flow)
    assert "Mit Ihrer E-Mail-Adresse anmelden" in flow.text and 'lang="de"' in flow.text
    flow.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"  # later requests do not change it
    flow.follow_link("createAccount")
    assert "Überprüfungscode senden" in flow.text and "Anzeigename" in flow.text
    assert 'id="cancel"' in flow.text and "Abbrechen" in flow.text


def test_disabled_customization_stays_in_english(flow, app):
    set_languages(app, enabled=False)
    flow.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    start(flow, ui_locales="fr")
    assert '<html lang="en">' in flow.text
    assert "Sign in with your email address" in flow.text and "Se connecter" not in flow.text


def test_a_flow_never_configured_is_in_english(flow):
    start(flow, ui_locales="ja")
    assert "Sign in with your email address" in flow.text


def test_wrong_password_message_in_french(flow, app):
    start(flow)
    flow.sign_up("fr@example.com")
    flow.client.delete_cookie("x-ms-cpim-sso")
    set_languages(app, enabled=True, default="fr", enabled_languages=["en", "fr"])
    start(flow)  # no ui_locales, no Accept-Language: the default language
    flow.sign_in("fr@example.com", "WrongPassw0rd!")
    assert "Votre mot de passe est incorrect." in flow.text
    flow.sign_in("fr@example.com", "")
    assert "Veuillez entrer votre mot de passe" in flow.text
    flow.sign_in("fr@example.com", PASSWORD)
    assert "code" in flow.redirect_params()


def test_sign_up_page_in_spanish_with_its_verification_control(flow, app):
    set_languages(app, enabled=True)
    start(flow, ui_locales="es")
    flow.follow_link("createAccount")
    form = "attributeVerificationForm"
    flow.submit(form, "send_code", email="es@example.com")
    assert "Se ha enviado el código de verificación" in flow.text
    assert "Verificar código" in flow.text and "Enviar nuevo código" in flow.text
    flow.submit(form, "verify_code", email="es@example.com",
                verificationCode=flow.mailbox_code("es@example.com"))
    assert "Dirección de correo electrónico verificada." in flow.text
    flow.submit(form, "continue", newPassword=PASSWORD, reenterPassword="different")
    assert "Las contraseñas no coinciden." in flow.text


def test_overrides_change_one_string_and_one_label(flow, app):
    set_languages(app, enabled=True, overrides={"en": {
        "api.signuporsignin": [{"ElementType": "UxElement", "StringId": "button_signin",
                                "Override": True, "Value": "Log in"}],
        "api.localaccountsignup": [{"ElementType": "ClaimType", "ElementId": "displayName",
                                    "StringId": "DisplayName", "Override": True,
                                    "Value": "Nickname"},
                                   {"ElementType": "UxElement", "StringId": "button_continue",
                                    "Override": False, "Value": "Ignored"}]}})
    start(flow)
    assert ">Log in</button>" in flow.text and "Sign in with your email address" in flow.text
    flow.follow_link("createAccount")
    assert 'id="displayName_label">Nickname</label>' in flow.text
    assert ">Create</button>" in flow.text


def enforce_mfa(app, method):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "properties": {"mfa_method": method,
                                                     "mfa_enforcement": "always"}}
        db.session.commit()


def newest_mail(flow, email) -> dict:
    return flow.client.get("/mailbox/messages.json", query_string={"to": email}).get_json()[0]


def test_sign_up_verification_email_and_mfa_page_in_french(flow, app):
    set_languages(app, enabled=True, enabled_languages=["en", "fr"])
    enforce_mfa(app, "email")
    start(flow, ui_locales="fr")
    flow.follow_link("createAccount")
    flow.submit("attributeVerificationForm", "send_code", email="mfa-fr@example.com")
    mail = newest_mail(flow, "mfa-fr@example.com")
    assert mail["subject"].startswith("Code de vérification de l'adresse e-mail du compte")
    assert "Vérifiez votre adresse e-mail" in mail["body"]
    assert f"Votre code est : {mail['code']}" in mail["body"]
    assert "Verify your email address" not in mail["body"]
    form = "attributeVerificationForm"
    flow.submit(form, "verify_code", email="mfa-fr@example.com", verificationCode=mail["code"])
    flow.submit(form, "continue", newPassword=PASSWORD, reenterPassword=PASSWORD,
                displayName="Jeanne", givenName="Jeanne", surname="Dupont")
    html = flow.text
    assert '<html lang="fr">' in html
    for text in ("Vérifiez qu&#39;il s&#39;agit bien de vous",
                 "Authentification multifacteur : E-mail", "Nous allons envoyer un code à",
                 ">Envoyer le code</button>"):
        assert text in html, text
    assert "Verify it&#39;s you" not in html and "Send code" not in html
    flow.submit("mfaForm", "verify_code", verificationCode="123456")
    assert "Sélectionnez d&#39;abord Envoyer le code." in flow.text
    flow.submit("mfaForm", "send_code")
    assert "Nous avons envoyé un code à mf***@example.com. Entrez-le ci-dessous." in flow.text
    assert ">Envoyer un nouveau code</button>" in flow.text
    assert ">Vérifier le code</button>" in flow.text and "Code de vérification" in flow.text
    mail = newest_mail(flow, "mfa-fr@example.com")
    assert mail["subject"].startswith("Code de vérification du compte")
    assert mail["body"].startswith("Votre code de vérification") and mail["code"] in mail["body"]
    wrong = "000000" if mail["code"] != "000000" else "111111"
    flow.submit("mfaForm", "verify_code", verificationCode=wrong)
    assert "Ce code est incorrect. Veuillez réessayer." in flow.text
    flow.submit("mfaForm", "verify_code", verificationCode=mail["code"])
    assert "code" in flow.redirect_params()


def test_mfa_phone_page_and_text_message_in_french(flow, app):
    set_languages(app, enabled=True, enabled_languages=["en", "fr"])
    enforce_mfa(app, "phone")
    start(flow, ui_locales="fr")
    flow.sign_up("sms-fr@example.com")
    html = flow.text
    assert "Authentification multifacteur : SMS ou appel téléphonique" in html
    assert ">Numéro de téléphone</label>" in html and "Indiquez l&#39;indicatif du pays." in html
    flow.submit("mfaForm", "send_code", phoneNumber="12345")
    assert ("Entrez le numéro de téléphone avec l&#39;indicatif du pays, par exemple "
            "+14255550100.") in flow.text
    flow.submit("mfaForm", "send_code", phoneNumber="+33612345678")
    assert "Nous avons envoyé un code à +33******78." in flow.text
    mail = newest_mail(flow, "+33612345678")
    assert mail["subject"].startswith("SMS de ")
    assert mail["body"].startswith("Votre code de vérification")


def test_mfa_totp_page_in_japanese_and_english_by_default(flow, app):
    enforce_mfa(app, "totp")
    start(flow, ui_locales="ja")  # language customization not enabled: English
    flow.sign_up("totp-en@example.com")
    assert "Verify it&#39;s you" in flow.text and "Scan this QR code" in flow.text
    assert "Multifactor authentication: Authenticator app - TOTP" in flow.text
    flow.client.delete_cookie("x-ms-cpim-sso")
    set_languages(app, enabled=True)
    start(flow, ui_locales="ja")
    flow.sign_up("totp-ja@example.com")
    html = flow.text
    assert '<html lang="ja">' in html and "本人確認" in html
    assert "多要素認証: 認証アプリ - TOTP" in html and "QR コードをスキャンし" in html
    assert "Scan this QR code" not in html


def test_mfa_email_stays_english_by_default(flow, app):
    enforce_mfa(app, "email")
    start(flow)
    flow.sign_up("mfa-en@example.com")
    assert newest_mail(flow, "mfa-en@example.com")["subject"].endswith(
        "account email verification code")
    flow.submit("mfaForm", "send_code")
    assert "We sent a code to mf***@example.com. Enter it below." in flow.text
    mail = newest_mail(flow, "mfa-en@example.com")
    assert mail["subject"].endswith("account verification code")
    assert mail["body"].startswith("Your ") and "verification code is:" in mail["body"]


def test_mfa_page_overrides_apply(flow, app):
    set_languages(app, enabled=True, overrides={"fr": {"api.phonefactor": [
        {"ElementType": "UxElement", "StringId": "mfa_heading", "Override": True,
         "Value": "Encore une étape"},
        {"ElementType": "UxElement", "StringId": "button_send_code", "Override": False,
         "Value": "ignored"}]}})
    enforce_mfa(app, "email")
    start(flow, ui_locales="fr")
    flow.sign_up("mfa-ov@example.com")
    assert "Encore une étape" in flow.text and ">Envoyer le code</button>" in flow.text
