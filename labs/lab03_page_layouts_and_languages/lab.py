"""Lab 03: page layouts (templates, a custom page with #api, CSS that hides a field) and
languages (French, and one string overridden)."""
from ..common import portal_sign_in
from ..model import (Choose, Click, Fill, Hidden, Lab, Nav, PortalTab, See, Step, Tick, Upload,
                     UserFlow)

UNIFIED = "Unified sign up or sign in page"
SIGN_UP = "Local account sign up page"

LAB = Lab(
    number="03", slug="page_layouts_and_languages", title="Page layouts and languages",
    minutes=30,
    goal=("Change how a user flow's pages look: switch the template, serve your own page whose "
          "`<div id=\"api\">` receives the form, hide a field with CSS, then show the pages in "
          "French and override one string."),
    learn=("Page layouts: the templates (Ocean Blue, Slate Gray, Classic) per page type.",
           "The custom page contract: B2C puts its form into your page's "
           "`<div id=\"api\"></div>`; every attribute is an `<li>` with the class "
           "`<claim>_li`, which your CSS can target.",
           "Why hiding a field with CSS is not security: the value can still be posted.",
           "Language customization: ui_locales, then the browser's language, then the default; "
           "per-page overrides with the LocalizedStrings JSON."),
    steps=(
        portal_sign_in(),
        Step("Create a user flow for this lab.",
             (Nav("User flows"), Click("+ New user flow"), Fill("Name", "lab03"),
              Tick("Collect Surname"), Click("Create", "button"), See("B2C_1_lab03"))),
        Step("Switch the sign-in page to the Slate Gray template.",
             (Click("Page layouts"), Choose(f"Template for {UNIFIED}", "Slate Gray"),
              Click("Save", "button"), See("Page layouts of B2C_1_lab03 saved"))),
        Step("Serve your own page for the sign-up page: the sample app's static folder has one "
             "(`/rp/static/custom/selfasserted.html`); its CSS hides the Surname field.",
             (Choose(f"Use custom page content for {SIGN_UP}", "Yes"),
              Fill(f"Custom page URI for {SIGN_UP}", "{base}/rp/static/custom/selfasserted.html"),
              Click("Save", "button"), See("Page layouts of B2C_1_lab03 saved"))),
        Step("Run the flow and look at both pages.",
             (Click("Run user flow"), Choose("Application", "webapp1"),
              Click("Update the endpoint", "button"),
              Click("Run user flow", "link", new_tab=True), See("Sign in"),
              Click("Sign up now"), See("Join Contoso Outdoor"),
              Hidden(".surname_li", "the **Surname** field (the custom page's CSS hides it)")),
             "the sign-in page is Slate Gray; the sign-up page is Contoso's own page, with the "
             "form inside it and no Surname field."),
        Step("Turn on French for this flow.",
             (PortalTab(), Nav("User flows"), Click("B2C_1_lab03"), Click("Languages"),
              Tick("Enable language customization"), Tick("French"),
              Click("Save", "button"), See("Languages of B2C_1_lab03 saved"))),
        Step("Override one French string of the sign-in page with a LocalizedStrings file.",
             (Upload(f"Overrides file for {UNIFIED} (fr)", "overrides-fr-unified.json"),
              Click("Upload", "button",
                    within='tr[data-language="fr"][data-page="api.signuporsignin"]',
                    where=f"in the same row (French, {UNIFIED})"),
              See("1 entry", 'tr[data-language="fr"][data-page="api.signuporsignin"]'))),
        Step("Run the flow in French.",
             (Click("Run user flow"), Choose("Application", "webapp1"),
              Fill("ui_locales", "fr"), Click("Update the endpoint", "button"),
              See("ui_locales=fr", "#run-url"), Click("Run user flow", "link", new_tab=True),
              See("Se connecter"), See("Entrer chez Contoso")),
             "the sign-in page is in French, and its button says **Entrer chez Contoso**."),
    ),
    troubleshooting=(
        ("**AADB2C90002: The CORS resource ... returned a 404 not found.**",
         "The Custom page URI is wrong: open it in the browser to check it. In B2C Lab the "
         "page is fetched by the server, so `localhost` addresses work."),
        ("The custom page shows but the form is missing",
         "Your page needs an empty `<div id=\"api\"></div>`: that is where the form goes."),
        ("The sign-up page still asks for Surname although it is hidden",
         "Hiding is only CSS. If the attribute is required, set **Optional** to Yes for it "
         "under Page layouts, or the page refuses to continue."),
        ("The page stays in English",
         "Language customization must be enabled and French ticked; `ui_locales=fr` must be in "
         "the URL (or French first in your browser's languages)."),
        ("**The file is not valid LocalizedStrings JSON...**",
         "Download the defaults for that page and language, edit the Value of one entry, keep "
         "`\"Override\": true`, and upload that file."),
    ),
    real_b2c=(
        "B2C fetches your custom page from the browser with CORS: the page must be on a public "
        "https address that allows the origin `https://<tenant>.b2clogin.com`. Here the server "
        "fetches it, so `http://localhost` works and JavaScript can stay off.",
        "Scripts in a custom page run only with **Enable JavaScript enforcing page layout** on "
        "and a page layout version 1.2.0 or later.",
        "B2C offers 36 languages; B2C Lab ships English, French, German, Spanish and Japanese.",
    ),
    end_state=(
        UserFlow("B2C_1_lab03", collects=("surname",),
                 page_layouts={UNIFIED: {"template": "Slate Gray"},
                               SIGN_UP: {"use_custom_page": True, "custom_page_uri":
                                         "{base}/rp/static/custom/selfasserted.html"}},
                 languages={"enabled": True, "enabled_languages": ["fr"]}),
    ),
)
