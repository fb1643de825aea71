"""Language customization in the engine: which language a run uses, the page texts in it, the
flow's LocalizedStrings overrides, and the checks of an uploaded file (b2c-reference §6.5)."""
import json

import pytest

from idp.engine.attributes import catalogue, custom_attribute
from idp.engine.handlers import HANDLERS
from idp.engine.journey import RunState, ShowPage, advance
from idp.engine.languages import (LanguageSettings, accept_language_tags, page_texts,
                                  resolve_language)
from idp.engine.localized_strings import (PAGES, LocalizedStringsError, defaults_document,
                                          flow_pages, page_claims, parse_localized_strings)
from idp.engine.ports import Ports
from idp.engine.strings import EN, EN_CLAIMS, TABLES
from idp.engine.user_flows import compile_user_flow
from tests.engine.test_journey import FakeDirectory, FakeMailer

ON = LanguageSettings(enabled=True)


@pytest.mark.parametrize("ui_locales,accept,expected", [
    ("fr", "de", "fr"),                          # ui_locales first
    ("fr-FR", None, "fr"),                       # region falls back to the language
    ("fr-ca", None, "fr"),
    ("it es", None, "es"),                       # the first supported one
    (None, "de-DE,de;q=0.9,en;q=0.8", "de"),
    (None, "en;q=0.5, ja;q=0.8, fr;q=0.1", "ja"),  # q-values, not header order
    (None, "it, es;q=0.3", "es"),                # unsupported languages are skipped
    (None, "fr;q=0, de;q=0.2", "de"),            # q=0 means "not this one"
    (None, "*", "en"),
    ("zz", "xx-YY", "en"),                       # nothing supported: the default
    (None, None, "en"),
])
def test_resolution_order_when_enabled(ui_locales, accept, expected):
    assert resolve_language(ui_locales, accept, ON) == expected


def test_resolution_keeps_to_the_enabled_languages_and_the_default():
    settings = LanguageSettings(enabled=True, default="es", languages=("en", "es"))
    assert resolve_language("fr", "de", settings) == "es"
    assert resolve_language("fr en", None, settings) == "en"


def test_disabled_customization_uses_the_default_language_only():
    assert resolve_language("fr", "de", LanguageSettings()) == "en"
    assert resolve_language("fr", "de", LanguageSettings(enabled=False, default="ja")) == "ja"


def test_accept_language_parsing_is_forgiving():
    assert accept_language_tags("de;q=0.7, fr;level=1;q=0.9, en;q=2, ja;q=abc, es") == [
        "es", "fr", "de"]
    assert accept_language_tags("") == []


def test_settings_from_config_drop_unknown_codes_and_keep_the_default_enabled():
    settings = LanguageSettings.from_config({"languages": {
        "enabled": True, "default": "de", "enabled_languages": ["fr", "xx"]}})
    assert settings.languages == ("fr", "de") and settings.default == "de"
    assert LanguageSettings.from_config({"languages": {"default": "xx"}}).default == "en"


def test_every_language_has_every_string_and_attribute_name():
    for language, (strings, claims) in TABLES.items():
        assert set(strings) == set(EN), language
        assert set(claims) == set(EN_CLAIMS), language
        assert all(value.strip() for value in strings.values()), language
    for spec in PAGES.values():
        assert set(spec.ux) | set(spec.errors) <= set(EN)


def _overrides(*entries):
    return LanguageSettings(enabled=True, overrides={"fr": {"api.signuporsignin": list(entries)}})


def test_overrides_apply_and_override_false_is_ignored():
    settings = _overrides(
        {"ElementType": "UxElement", "StringId": "button_signin", "Override": True,
         "Value": "Connexion"},
        {"ElementType": "UxElement", "StringId": "heading", "Override": False, "Value": "No"},
        {"ElementType": "ClaimType", "ElementId": "signInName", "StringId": "DisplayName",
         "Override": True, "Value": "Courriel"})
    texts = page_texts({"ui_locales": "fr"}, settings, "api.signuporsignin")
    assert texts.text("button_signin") == "Connexion"
    assert texts.text("heading") == "Se connecter"
    assert texts.label("signInName", label_id="logonIdentifier_email") == "Courriel"
    english = page_texts({"ui_locales": "en"}, settings, "api.signuporsignin")
    assert english.text("button_signin") == "Sign in"
    other_page = page_texts({"ui_locales": "fr"}, settings, "api.localaccountsignup")
    assert other_page.text("button_signin") == "Se connecter"


def test_label_order_override_then_flow_label_then_built_in():
    texts = page_texts({"ui_locales": "de"}, LanguageSettings(enabled=True), "x")
    assert texts.label("displayName") == "Anzeigename"
    assert texts.label("displayName", fixed="Spitzname") == "Spitzname"
    assert texts.label("extension_Colour", fixed="Colour") == "Colour"
    assert texts.label("password", label_id="password") == "Kennwort"


@pytest.fixture
def world():
    directory, mailer = FakeDirectory(), FakeMailer()
    return directory, Ports(directory, mailer)


def _run(world, settings_config, state, submission=None, request=None):
    config = {"user_attributes": [{"claim": "displayName"}, {"claim": "city",
                                                              "label": "Home town"}],
              "application_claims": ["objectId"], **settings_config}
    journey = compile_user_flow("B2C_1_t", config, catalogue())
    return advance(journey, state, handlers=HANDLERS, request=request or {}, ports=world[1],
                   now=1000.0, submission=submission)


def test_pages_are_built_in_the_run_language(world):
    state = RunState()
    languages = {"languages": {"enabled": True}}
    page = _run(world, languages, state, request={"ui_locales": "fr"})
    assert isinstance(page, ShowPage) and page.view["language"] == "fr"
    assert [f["label"] for f in page.view["fields"]] == ["Adresse e-mail", "Mot de passe"]
    assert page.view["primary"]["label"] == "Se connecter"
    assert page.view["text"]["divider_title"] == "OU"
    page = _run(world, languages, state, {"action": "continue", "signInName": "nobody@x.y",
                                          "password": "x"}, request={"ui_locales": "fr"})
    assert page.view["page_error"] == "Nous ne trouvons pas votre compte."
    page = _run(world, languages, state, {"action": "select",
                                          "exchange": "SignUpWithLogonEmailExchange"},
                request={"accept_language": "ja"})
    labels = {f["claim"]: f["label"] for f in page.view["fields"]}
    assert labels == {"email": "メール アドレス", "newPassword": "新しいパスワード",
                      "reenterPassword": "新しいパスワードの確認", "displayName": "表示名",
                      "city": "Home town"}
    assert page.view["text"]["ver_but_send"] == "確認コードを送信"


def test_field_errors_and_pattern_help_text_in_the_page_language(world):
    settings = {"languages": {"enabled": True, "overrides": {"es": {"api.localaccountsignup": [
        {"ElementType": "ClaimType", "ElementId": "newPassword", "StringId": "PatternHelpText",
         "Override": True, "Value": "Mínimo 8 caracteres."}]}}}}
    state, request = RunState(), {"ui_locales": "es-MX"}
    _run(world, settings, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"},
         request=request)
    page = _run(world, settings, state, {"action": "send_code", "email": "bad"}, request=request)
    assert page.view["fields"][0]["error"] == "Escriba una dirección de correo electrónico válida."
    page = _run(world, settings, state, {"action": "continue", "email": "a@b.co",
                                         "newPassword": "short", "reenterPassword": "other"},
                request=request)
    errors = {f["claim"]: f["error"] for f in page.view["fields"] if f["error"]}
    assert errors["newPassword"] == "Mínimo 8 caracteres."
    assert errors["displayName"] == "Esta información es obligatoria."
    assert page.view["page_error"].startswith("Falta un campo obligatorio.")


def test_verification_messages_follow_the_language(world):
    settings, state = {"languages": {"enabled": True}}, RunState()
    request = {"ui_locales": "de"}
    _run(world, settings, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"},
         request=request)
    page = _run(world, settings, state, {"action": "send_code", "email": "a@b.co"},
                request=request)
    assert page.view["verification"]["message"].startswith("Der Überprüfungscode wurde")
    page = _run(world, settings, state, {"action": "verify_code", "email": "a@b.co",
                                         "verificationCode": "000000x"}, request=request)
    assert page.view["verification"]["message"] == "Dieser Code ist falsch. Versuchen Sie es " \
                                                   "erneut."


# --- page-level resources files -------------------------------------------------------------

KNOWN = set(catalogue((custom_attribute("Colour"),)))


def _upload(*entries, page="api.signuporsignin", **document):
    raw = json.dumps({"LocalizedStrings": list(entries), **document}).encode()
    return parse_localized_strings(raw, page, KNOWN)


def test_a_good_file_is_normalized():
    entries = _upload({"ElementType": "UxElement", "StringId": "button_signin", "Override": True,
                       "Value": "Log in", "ElementId": None},
                      {"ElementType": "ClaimType", "ElementId": "extension_Colour",
                       "StringId": "DisplayName", "Override": False, "Value": "Colour"},
                      LocalizedCollections=[])
    assert entries == [
        {"ElementType": "UxElement", "StringId": "button_signin", "Override": True,
         "Value": "Log in"},
        {"ElementType": "ClaimType", "ElementId": "extension_Colour", "StringId": "DisplayName",
         "Override": False, "Value": "Colour"}]


@pytest.mark.parametrize("raw,message", [
    (b"{not json", "The file is not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[]", 'a "LocalizedStrings" list'),
    (b'{"LocalizedStrings": [], "Extra": 1}', "Unknown key 'Extra'"),
    (b'{"LocalizedStrings": [], "LocalizedCollections": [{"ElementType": "ClaimType"}]}',
     "LocalizedCollections"),
    (b'{"LocalizedStrings": [{"ElementType": "Banner", "StringId": "x", "Override": true,'
     b' "Value": "v"}]}', 'LocalizedStrings[0]: unknown ElementType "Banner"'),
    (b'{"LocalizedStrings": [{"ElementType": "UxElement", "StringId": "button_nope",'
     b' "Override": true, "Value": "v"}]}', "unknown StringId 'button_nope'"),
    (b'{"LocalizedStrings": [{"ElementType": "UxElement", "StringId": "ver_but_send",'
     b' "Override": true, "Value": "v"}]}', "(it is a string of api.localaccountsignup)"),
    (b'{"LocalizedStrings": [{"ElementType": "ErrorMessage", "StringId": "Nope",'
     b' "Override": true, "Value": "v"}]}', "unknown StringId 'Nope'"),
    (b'{"LocalizedStrings": [{"ElementType": "ClaimType", "ElementId": "favourite",'
     b' "StringId": "DisplayName", "Override": true, "Value": "v"}]}',
     'unknown ElementId "favourite"'),
    (b'{"LocalizedStrings": [{"ElementType": "ClaimType", "ElementId": "city",'
     b' "StringId": "Label", "Override": true, "Value": "v"}]}', "unknown StringId 'Label'"),
    (b'{"LocalizedStrings": [{"ElementType": "UxElement", "StringId": "heading",'
     b' "Override": "yes", "Value": "v"}]}', '"Override" must be true'),
    (b'{"LocalizedStrings": [{"ElementType": "UxElement", "StringId": "heading",'
     b' "Override": true, "Value": 3}]}', '"Value" must be text'),
])
def test_bad_files_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(LocalizedStringsError) as refused:
        parse_localized_strings(raw, "api.signuporsignin", KNOWN)
    assert message in str(refused.value)


def test_defaults_document_lists_the_page_strings_in_the_language():
    config = {"user_attributes": [{"claim": "displayName"}], "application_claims": []}
    journey = compile_user_flow("B2C_1_t", config, catalogue())
    assert flow_pages(journey) == ["api.signuporsignin", "api.localaccountsignup"]
    document = defaults_document("api.localaccountsignup", "fr",
                                 page_claims(journey, "api.localaccountsignup"))
    values = {(e["ElementType"], e.get("ElementId"), e["StringId"]): e["Value"]
              for e in document["LocalizedStrings"]}
    assert values[("UxElement", None, "button_continue")] == "Créer"
    assert values[("ClaimType", "displayName", "DisplayName")] == "Nom d'affichage"
    assert values[("ErrorMessage", None, "UserMessageIfClaimsPrincipalAlreadyExists")]
    assert all(e["Override"] is False for e in document["LocalizedStrings"])
    # the downloaded defaults are a valid upload as they are
    raw = json.dumps(document).encode()
    assert parse_localized_strings(raw, "api.localaccountsignup", KNOWN)
