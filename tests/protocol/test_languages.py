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
