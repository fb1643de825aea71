"""Lab 07: custom policies.  The starter pack's LocalAccounts files, downloaded from their public
repository, their placeholders replaced with this tenant's values, uploaded in order after the
policy keys they need; B2C_1A_signup_signin run and its token compared with a user flow's; then
a claim made by a claims transformation and a REST validation step on the sign-up page, calling
the lab's own API (``web.py``)."""
from ..common import portal_sign_in, sign_up_actions
from ..model import (Choose, Click, Copy, DeleteLines, Download, Fill, Go, Lab, MailboxCode,
                     Nav, Paste, PasteSnippet, PolicyKeyContainer, PortalTab, ReplaceAll,
                     RestValidation, See, StarterPackPolicy, Step, Tick, TransformedClaim,
                     Upload)
from . import snippets

REPOSITORY = "https://github.com/Azure-Samples/active-directory-b2c-custom-policy-starterpack"
FOLDER = "LocalAccounts"
#: the same folder for the browser walk and ``labs solve``: outside the project, never copied
#: into it (relative to the project's parent folder)
FIXTURE = "shared/ief/starterpack/LocalAccounts"
BASE, LOCALIZATION, EXTENSIONS = ("TrustFrameworkBase.xml", "TrustFrameworkLocalization.xml",
                                  "TrustFrameworkExtensions.xml")
SUSI, PROFILE_EDIT, PASSWORD_RESET = "SignUpOrSignin.xml", "ProfileEdit.xml", "PasswordReset.xml"
#: upload order: each file's base before it
FILES = (BASE, LOCALIZATION, EXTENSIONS, SUSI, PROFILE_EDIT, PASSWORD_RESET)
POLICY_IDS = {BASE: "B2C_1A_TrustFrameworkBase", LOCALIZATION: "B2C_1A_TrustFrameworkLocalization",
              EXTENSIONS: "B2C_1A_TrustFrameworkExtensions", SUSI: "B2C_1A_signup_signin",
              PROFILE_EDIT: "B2C_1A_ProfileEdit", PASSWORD_RESET: "B2C_1A_PasswordReset"}
POLICY = POLICY_IDS[SUSI]
USER_FLOW = "B2C_1_susi"
APP = "webapp1"
LAB_APP = "{base}/labs/ief"
KEYS = (("TokenSigningKeyContainer", "sig", "Signature"),
        ("TokenEncryptionKeyContainer", "enc", "Encryption"))
TENANT_ROW = '#placeholders tr:has-text("yourtenant.onmicrosoft.com") td:nth-child(2) code'
BLOCKED_EMAIL = f"newcomer@{snippets.BLOCKED_DOMAINS[0]}"
RP_ANCHOR = '<OutputClaim ClaimTypeReferenceId="tenantId"'

# --- the edits, in the order the attendee makes them (solve applies the same) ---------------
PLACEHOLDERS = (
    ReplaceAll(FILES, "yourtenant.onmicrosoft.com", "{tenant_domain}",
               "the **tenant domain** you copied (`contoso.onmicrosoft.com`)"),
    # Proxy... first: the other placeholder is part of its name
    ReplaceAll((EXTENSIONS,), "ProxyIdentityExperienceFrameworkAppId", "{proxy_app_id}",
               "the **ProxyIdentityExperienceFramework Application (client) ID** you copied "
               "(do this one first: the next placeholder is part of its name)"),
    ReplaceAll((EXTENSIONS,), "IdentityExperienceFrameworkAppId", "{ief_app_id}",
               "the **IdentityExperienceFramework Application (client) ID** you copied"),
)
GREETING = (
    PasteSnippet(EXTENSIONS, snippets.GREETING_BUILDING_BLOCKS, "<BuildingBlocks>"),
    PasteSnippet(EXTENSIONS, snippets.GREETING_PROFILE, "<ClaimsProviders>"),
    PasteSnippet(SUSI, snippets.GREETING_OUTPUT_CLAIM, RP_ANCHOR, before=True),
)
REST = (
    PasteSnippet(EXTENSIONS, snippets.PROMO_CODE_CLAIM, "</ClaimsSchema>", before=True),
    PasteSnippet(EXTENSIONS, snippets.REST_PROFILES, "<ClaimsProviders>"),
    DeleteLines(BASE, snippets.BASE_SIGN_UP_VALIDATION,
                "they are in `TechnicalProfile Id=\"LocalAccountSignUpWithLogonEmail\"`; the "
                "extension lists the write again, after the REST check"),
    PasteSnippet(SUSI, snippets.PROMO_CODE_OUTPUT_CLAIM, RP_ANCHOR, before=True),
)
ALL_EDITS = PLACEHOLDERS + GREETING + REST


def edits_of(file: str) -> tuple:
    return tuple(e for e in ALL_EDITS
                 if file in (e.files if isinstance(e, ReplaceAll) else (e.file,)))


UPLOADS = {name: StarterPackPolicy(POLICY_IDS[name], name, FIXTURE, edits_of(name))
           for name in FILES}


def upload(name: str, overwrite: bool = False) -> tuple:
    """Custom policies > Upload custom policy: one file of the working folder."""
    return (Click("Custom policies", within="nav.tabs",
                  where="among the Identity Experience Framework's tabs"),
            Click("Upload custom policy"),
            *((Tick("Overwrite the custom policy if it already exists"),) if overwrite else ()),
            Upload("Select a file to upload", name, folder=FOLDER),
            Click("Upload", "button"), See(f"Policy '{POLICY_IDS[name]}' uploaded."))


def run_now() -> tuple:
    """B2C_1A_signup_signin's pane: Run now with the token viewer's app, in a new tab."""
    return (Click("Custom policies", within="nav.tabs",
                  where="among the Identity Experience Framework's tabs"),
            Click(POLICY), Choose("Application", APP),
            Click("Update the endpoint", "button"), See(POLICY, "#run-url"),
            Click("Run now", "link", new_tab=True), See("Sign up now"))


def create_key(typed: str, usage: str, usage_label: str) -> tuple:
    return (Click("Policy keys", within="nav.tabs",
                  where="among the Identity Experience Framework's tabs"),
            Click("+ Add"), Choose("Options", "Generate"), Fill("Name", typed),
            Choose("Key type", "RSA"), Choose("Key usage", usage_label),
            Click("Create", "button"), See(f"Policy key 'B2C_1A_{typed}' created"))


LAB = Lab(
    number="07", slug="custom_policies", title="Custom policies", minutes=60,
    goal=("Run your first custom policy: prepare Microsoft's starter pack for your tenant, "
          "upload it, run it and compare its token with a user flow's. Then extend it the way "
          "real projects do: a new claim built by a claims transformation, and a REST API that "
          "validates the sign-up page before the account is written."),
    learn=("The Identity Experience Framework's pieces: the two IEF app registrations, the "
           "policy keys, and the inheritance chain Base → Localization → Extensions → relying "
           "party (you edit Extensions and the relying party; Base stays Microsoft's, nearly).",
           "What a custom policy's token looks like next to a user flow's: `acr` instead of "
           "`tfp`, `email` instead of `emails`, only the claims the relying party file lists.",
           "ClaimsSchema, ClaimsTransformations (FormatStringClaim) and "
           "OutputClaimsTransformations on a technical profile: how a claim is made rather than "
           "collected.",
           "The RESTful technical profile as a validation technical profile: the request it "
           "sends, the 409 error contract whose `userMessage` the page shows, and a 200 answer "
           "whose claims continue the journey.",
           "Why order matters: validation technical profiles run in the order listed, and an "
           "extension's are added after the base's."),
    before=("B2C Lab running (`python b2clab.py run`) and its home page open, and a text editor. "
            "The lab's API (the REST service your policy calls, and these snippets with your "
            "address filled in) runs inside B2C Lab at `/labs/ief/`. To run it as a separate "
            "service, start `python -m labs.lab07_custom_policies.web --port 5007` and use "
            "`http://localhost:5007` instead of `http://localhost:5000/labs/ief` in the "
            "ServiceUrl you paste."),
    steps=(
        portal_sign_in(),
        Step("Open the Identity Experience Framework blade. Its getting-started page lists what "
             "the starter pack needs from your tenant; copy the three values that replace its "
             "placeholders (its table **3. Replace the placeholders** shows them too).",
             (Nav("Identity Experience Framework"), See("Applications for custom policies"),
              Copy(TENANT_ROW, "tenant_domain", "tenant domain"),
              Copy('#ief-apps tr[data-app="IdentityExperienceFramework"] code.client-id',
                   "ief_app_id", "IdentityExperienceFramework Application (client) ID"),
              Copy('#ief-apps tr[data-app="ProxyIdentityExperienceFramework"] code.client-id',
                   "proxy_app_id", "ProxyIdentityExperienceFramework Application (client) ID")),
             "the two applications are listed with their Application (client) IDs, and both "
             "policy keys of the starter pack say **Missing**."),
        Step("Create the two policy keys the starter pack's TrustFrameworkBase references: one "
             "signs the tokens, the other protects refresh tokens.",
             tuple(a for typed, usage, label in KEYS for a in create_key(typed, usage, label)),
             "**Policy keys** lists B2C_1A_TokenSigningKeyContainer (Signature) and "
             "B2C_1A_TokenEncryptionKeyContainer (Encryption)."),
        Step("Download the starter pack.",
             (Download(REPOSITORY, FOLDER, FIXTURE,
                       f"Open {REPOSITORY}, select **Code** > **Download ZIP**, unzip it, and "
                       f"open its `{FOLDER}` folder: you edit and upload these files."),),
             f"the `{FOLDER}` folder has six files: `TrustFrameworkBase.xml`, "
             "`TrustFrameworkLocalization.xml`, `TrustFrameworkExtensions.xml`, "
             "`SignUpOrSignin.xml`, `ProfileEdit.xml` and `PasswordReset.xml`."),
        Step("Replace the placeholders with your tenant's values, in a text editor.",
             PLACEHOLDERS,
             "no file contains `yourtenant` or `ExperienceFrameworkAppId` any more (search "
             "for them)."),
        Step("Try the relying party file first: B2C refuses a file whose base is not uploaded.",
             (Click("Custom policies", within="nav.tabs",
                    where="among the Identity Experience Framework's tabs"),
              Click("Upload custom policy"),
              Upload("Select a file to upload", SUSI, folder=FOLDER),
              Click("Upload", "button"),
              See("'B2C_1A_TrustFrameworkExtensions', which has not been uploaded"),
              See("Nothing was uploaded.")),
             "the upload is refused, naming the base it needs: B2C_1A_signup_signin inherits "
             "from B2C_1A_TrustFrameworkExtensions, which has not been uploaded."),
        Step("Upload the six files in order, each file's base before it: Base, Localization, "
             "Extensions, then the three relying parties.",
             (*(a for name in FILES for a in upload(name)),
              Click("Custom policies", within="nav.tabs",
                    where="among the Identity Experience Framework's tabs"),
              See("relying party", f'#custom-policies tr[data-policy="{POLICY}"]')),
             "**Custom policies** lists six policies, each with its base; the three relying "
             "parties (the files apps run) are marked **relying party**."),
        Step("Run B2C_1A_signup_signin with the token viewer's app, and sign up.",
             (*run_now(),
              *sign_up_actions(("Display Name", "Lab Seven"), ("Given Name", "Lab"),
                               ("Surname", "Seven")),
              See("signature valid"), See(POLICY.lower(), "#claims-table"),
              Copy("#token", "policy_token", "token (the text under Paste a token)")),
             "the token viewer shows **acr** = `b2c_1a_signup_signin` (the policy), **email**, "
             "**name**, **given_name**, **family_name**, **sub** and **tid**: exactly the "
             "relying party file's OutputClaims."),
        Step("Now get a token for the same account from a user flow: run B2C_1_susi and sign "
             "in.",
             (PortalTab(), Nav("User flows"), Click(USER_FLOW), Click("Run user flow"),
              Choose("Application", APP), Click("Update the endpoint", "button"),
              Click("Run user flow", "link", new_tab=True),
              Fill("Email Address", "{your_email}"),
              Fill("Password", "{your_password}", secret=True), Click("Sign in", "button"),
              See("signature valid"), See(USER_FLOW, "#claims-table"),
              Copy("#token", "flow_token", "token (the text under Paste a token)"))),
        Step("Compare the two tokens claim by claim.",
             (Go("/jwt/compare", "Open the token viewer's comparison: "
                                 "`http://localhost:5000/jwt/compare` (**Compare two tokens** at "
                                 "the top of the token viewer)."),
              Paste("Token A", "policy_token", "custom policy's token"),
              Paste("Token B", "flow_token", "user flow's token"),
              Click("Compare", "button"),
              See("only in A", 'tr[data-claim="acr"]'), See("only in B", 'tr[data-claim="tfp"]'),
              See("only in A", 'tr[data-claim="email"]'),
              See("only in B", 'tr[data-claim="emails"]')),
             "**acr** (the custom policy's name) is only in A and **tfp** (the user flow's) only "
             "in B; the policy sends **email** (one string) where the user flow sends **emails** "
             "(a list), and **tid** where the user flow sends **oid**: each token has exactly "
             "what its relying party file or its Application claims list. An app that reads "
             "`tfp` or `emails` must change when you move it to a custom policy, or the relying "
             "party file must send those claims."),
        Step("Add a claim made by a claims transformation: a greeting built from the display "
             "name with FormatStringClaim, run when the journey reads the user, and sent in the "
             "token. Paste these snippets (the lab's page `http://localhost:5000/labs/ief/` "
             "shows them too).",
             GREETING,
             "`TrustFrameworkExtensions.xml` now has a ClaimsSchema with **greeting**, a "
             "ClaimsTransformation **CreateGreeting**, and AAD-UserReadUsingObjectId running it."),
        Step("Upload the two files you changed, replacing the old ones.",
             (PortalTab(), Nav("Identity Experience Framework"),
              *upload(EXTENSIONS, overwrite=True), *upload(SUSI, overwrite=True))),
        Step("Run the policy again and sign in: the token has the greeting.",
             (*run_now(), Fill("Email Address", "{your_email}"),
              Fill("Password", "{your_password}", secret=True), Click("Sign in", "button"),
              See("signature valid"), See("Hello Lab Seven!", "#claims-table")),
             "the token viewer shows **greeting** = `Hello Lab Seven!`."),
        Step("Look at the lab's API: it refuses sign-ups from the domain blocked.example (HTTP "
             "409 with B2C's error contract) and answers any other address with a promotion "
             "code (HTTP 200).",
             (Go("/labs/ief/", "Open the lab's API page: `http://localhost:5000/labs/ief/`."),
              See(snippets.BLOCKED_DOMAINS[0], "#blocked-domains"), See("None yet")),
             "the page lists the blocked domain, the two answers, and **Last requests from B2C**: "
             "**None yet**."),
        Step("Add the REST validation step: a RESTful technical profile that calls the API, "
             "validating the sign-up page before the account is written. B2C runs validation "
             "technical profiles in the order listed, and an extension's come after the base's: "
             "so the extension lists the REST check and then the write, and you delete the write "
             "from the base.",
             REST,
             "the sign-up page's technical profile now validates with REST-CheckEmailDomain, "
             "then AAD-UserWriteUsingLogonEmail."),
        Step("Upload the three files you changed: Base, Extensions, and the relying party.",
             (PortalTab(), Nav("Identity Experience Framework"), *upload(BASE, overwrite=True),
              *upload(EXTENSIONS, overwrite=True),
              *upload(SUSI, overwrite=True))),
        Step("Run the policy and sign up with an address at blocked.example: the page shows the "
             "API's message and creates nothing.",
             (*run_now(), Click("Sign up now"), Fill("Email Address", BLOCKED_EMAIL),
              Click("Send verification code", "button"), MailboxCode(address=BLOCKED_EMAIL),
              Click("Verify code", "button"),
              See("E-mail address verified. You can now continue."),
              Fill("New Password", "{password}", secret=True),
              Fill("Confirm New Password", "{password}", secret=True),
              Fill("Display Name", "Blocked Newcomer"), Click("Create", "button"),
              See(snippets.BLOCKED_MESSAGE)),
             "the sign-up page stays open with the API's `userMessage`: "
             f"**{snippets.BLOCKED_MESSAGE}**"),
        Step("Change the e-mail address to another one and create the account: the API answers "
             "200 with a promotion code, which the token carries.",
             (Click("Change e-mail", "button"), Fill("Email Address", "{email2}"),
              Click("Send verification code", "button"), MailboxCode(address="{email2}"),
              Click("Verify code", "button"),
              See("E-mail address verified. You can now continue."),
              Fill("New Password", "{password}", secret=True),
              Fill("Confirm New Password", "{password}", secret=True),
              Fill("Display Name", "Second Seven"), Click("Create", "button"),
              See("signature valid"), See(snippets.PROMO_CODE, "#claims-table"),
              See("Hello Second Seven!", "#claims-table")),
             f"the token has **promoCode** = `{snippets.PROMO_CODE}` and the greeting."),
        Step("See what B2C sent the API and what it answered.",
             (Go("/labs/ief/", "Open the lab's API page again: "
                               "`http://localhost:5000/labs/ief/`."),
              See(BLOCKED_EMAIL, "#last-calls"), See("409", "#last-calls"),
              See(snippets.PROMO_CODE, "#last-calls")),
             "two requests, newest first: `{\"email\": ...}` with your second address answered "
             "200 with the promotion code, and the blocked address answered 409."),
        Step("Check in the portal that the refused sign-up wrote nothing: the REST check ran "
             "before AAD-UserWriteUsingLogonEmail.",
             (PortalTab(), Nav("Users"), Fill("Search", BLOCKED_EMAIL),
              Click("Search", "button"),
              See(f"No user's display name or sign-in name starts with '{BLOCKED_EMAIL}'")),
             "no user has the blocked address (select **Clear** to see your two accounts)."),
    ),
    troubleshooting=(
        ("**TenantId in the policy xml 'yourtenant.onmicrosoft.com' is not same as the one in login "
         "tenant**",
         "A placeholder is left: replace `yourtenant.onmicrosoft.com` in every file (TenantId, "
         "PublicPolicyUri and BasePolicy's TenantId)."),
        ("The upload says a base policy **has not been uploaded**",
         "Upload in order: Base, Localization, Extensions, then the relying parties. Each "
         "file's `<BasePolicy>` names the one before it."),
        ("The upload names a key container such as **B2C_1A_TokenSigningKeyContainer**",
         "Create it under **Policy keys** (Generate, RSA; Signature for the signing key, "
         "Encryption for the other)."),
        ("A client ID looks like `Proxy` followed by an ID",
         "You replaced `IdentityExperienceFrameworkAppId` before "
         "`ProxyIdentityExperienceFrameworkAppId`: the first is part of the second's name. "
         "Download the file again and replace Proxy... first."),
        ("**The policy ... already exists**",
         "Tick **Overwrite the custom policy if it already exists** when you upload a changed "
         "file."),
        ("The token has no **greeting**",
         "Upload both changed files (Extensions and SignUpOrSignin), and check that the "
         "Display Name is not empty: FormatStringClaim needs its input claim."),
        ("The blocked address got an account anyway",
         "The write still runs before the REST check: delete the ValidationTechnicalProfiles "
         "lines from LocalAccountSignUpWithLogonEmail in TrustFrameworkBase.xml and upload it "
         "again. View merged policy (on the policy's page) shows the order B2C runs."),
        ("The page says **Failed to establish connection to restful service end point**",
         "The ServiceUrl is wrong, or the lab's API runs elsewhere: open "
         "`http://localhost:5000/labs/ief/` to check; the lab's page shows the ServiceUrl to use."),
    ),
    real_b2c=(
        "In B2C you register the two IEF applications yourself (the tutorial \"Create user "
        "flows and custom policies\" walks through it); B2C Lab seeded them.",
        "B2C requires https for a REST ServiceUrl, and refuses AuthenticationType None in "
        "production unless AllowInsecureAuthInProduction is true; use Basic, a client "
        "certificate or a bearer token for a real API, with the secret in a policy key.",
        "The pattern of this lab (edit the base so the write follows the check) is the one of "
        "the azure-ad-b2c/rest-api sample; projects that prefer an untouched base copy the "
        "technical profile under a new Id and their own user journey.",
        "Application Insights (the journey recorder) is how you debug a custom policy in B2C; "
        "here the portal's **User flow runs** shows each run's orchestration steps.",
    ),
    end_state=(
        *(PolicyKeyContainer(f"B2C_1A_{typed}", usage) for typed, usage, _label in KEYS),
        *UPLOADS.values(),
        TransformedClaim(POLICY, "greeting", "FormatStringClaim",
                         (UPLOADS[EXTENSIONS], UPLOADS[SUSI])),
        RestValidation(POLICY, "LocalAccountSignUpWithLogonEmail", snippets.CHECK_EMAIL_PATH,
                       "AAD-UserWriteUsingLogonEmail", "promoCode",
                       (UPLOADS[BASE], UPLOADS[EXTENSIONS], UPLOADS[SUSI])),
    ),
)
