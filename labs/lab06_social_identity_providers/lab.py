"""Lab 06: sign up with an account you already have.  The practice Google added as an OpenID
Connect identity provider with its claims mapping, a user flow that offers it beside local
accounts, an API connector that prefills the social account sign-up page, and the tokens of a
local and a social sign-in side by side."""
from ..common import portal_sign_in, sign_up_actions
from ..model import (ApiConnector, AppRegistration, Choose, Click, Copy, FederatedUser, Fill,
                     FlowIdentityProviders, Go, Lab, Nav, OidcIdentityProvider, Paste,
                     PortalTab, See, Step, Tick, UserFlow)

FLOW = "B2C_1_lab06"
APP = "lab06-webapp"
PROVIDER = "Google"
METADATA = "{base}/practice/google/.well-known/openid-configuration"
LAB_APP = "{base}/labs/social"
CONNECTOR = "Prefill from customer records"
CONNECTOR_PATH = "/api/prefill"
AFTER_FEDERATING = "After federating with an identity provider during sign-up"
MAPPING = {"user_id": "sub", "display_name": "name", "given_name": "given_name",
           "surname": "family_name", "email": "email"}
COLLECTS = ("Given Name", "Surname", "City", "Job Title")
RETURNS = ("Given Name", "Surname", "Email Addresses", "Identity Provider",
           "Identity Provider Access Token", "City", "Job Title")

RUN_AGAIN = (PortalTab(), Click("Run user flow", "link", new_tab=True))
GOOGLE_AS_CHEN_WEI = (Click(PROVIDER), See("Practice provider, part of B2C Lab"),
                      Click("Chen Wei", "button"),
                      See("wants to access your Google Account"), Click("Allow", "button"))

LAB = Lab(
    number="06", slug="social_identity_providers", title="Social identity providers",
    minutes=40,
    goal=("Let users sign up with an account they already have. Add the practice Google as an "
          "OpenID Connect identity provider and map its claims to B2C's, offer it on a user "
          "flow beside local accounts, let an API connector prefill the social account sign-up "
          "page from your customer records, then compare the token of a social sign-in with a "
          "local one."),
    learn=("Registering B2C at a provider: the client ID and secret it gives you, and the "
           "federation reply URL (`/{tenant}.onmicrosoft.com/oauth2/authresp`) you give it.",
           "The claims mapping: every provider names the same facts differently (Google "
           "`given_name`, Facebook `first_name`, B2C `givenName`); for an OpenID Connect "
           "provider you say which of its claims fills User ID, Display name, Given name, "
           "Surname and Email.",
           "What a first social sign-in does: the social account sign-up page, prefilled from "
           "the mapped claims, and the account stored with a `federated` identity (issuer and "
           "the provider's user ID); the next sign-in goes straight through.",
           "The API connector at **After federating with an identity provider during "
           "sign-up**: the request (`email`, `identities` with `signInType: federated`) and a "
           "Continue answer whose claims prefill the page.",
           "The `idp` and `idp_access_token` claims: present for a social sign-in, absent for "
           "a local one."),
    before=("B2C Lab running (`python b2clab.py run`) and its home page open. The practice "
            "Google runs inside B2C Lab at `/practice/google/` (a stand-in for Google, with a "
            "banner saying so); the lab's API runs at `/labs/social/`. To run the API as a "
            "separate service, start `python -m labs.lab06_social_identity_providers.web "
            "--port 5006` and use `http://localhost:5006` wherever a step says "
            "`http://localhost:5000/labs/social`."),
    steps=(
        portal_sign_in(),
        Step("Register B2C at the provider. The practice Google's developer console plays "
             "the Google Cloud console: its one app (an OAuth client) already accepts your "
             "tenant's federation reply URL. Copy its Client ID and Client secret.",
             (Go("/practice/google/", "Open the practice Google's developer console: "
                                      "`http://localhost:5000/practice/google/`."),
              See("Valid OAuth redirect URIs"),
              See("/contoso.onmicrosoft.com/oauth2/authresp", "#credentials"),
              Copy("#client-id", "google_client_id", "Client ID"),
              Copy("#client-secret", "google_client_secret", "Client secret")),
             "the console lists `http://localhost:5000/contoso.onmicrosoft.com/oauth2/authresp` "
             "under **Valid OAuth redirect URIs**, and its **Accounts** table shows what Google "
             "calls each fact: `sub`, `given_name`, `family_name`, `name`, `email`."),
        Step("Add it to the tenant as an OpenID Connect provider. B2C Lab fetches the metadata "
             "URL when you save: its discovery document names the endpoints and the keys that "
             "sign Google's ID tokens.",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("Identity providers"),
              Click("+ New OpenID Connect provider"), Fill("Name", PROVIDER),
              Fill("Metadata url", METADATA),
              Paste("Client ID", "google_client_id", "Client ID"),
              Paste("Client secret", "google_client_secret", "Client secret"),
              Fill("Scope", "openid profile email"), Choose("Response type", "code"),
              Choose("Response mode", "form_post"))),
        Step("Map its claims: for each B2C claim, the name of the Google claim that holds it. "
             "Then save.",
             (Fill("User ID", MAPPING["user_id"]), Fill("Display name", MAPPING["display_name"]),
              Fill("Given name", MAPPING["given_name"]), Fill("Surname", MAPPING["surname"]),
              Fill("Email", MAPPING["email"]), Click("Save", "button"),
              See(f"Identity provider '{PROVIDER}' created"),
              See("given_name", "#mapping-table")),
             "the **Claims mapping** table reads: `sub` becomes `issuerUserId`, `name` "
             "`displayName`, `given_name` `givenName`, `family_name` `surname`, `email` "
             "`email`."),
        Step("Create the user flow B2C_1_lab06. It collects the names, City and Job Title, and "
             "returns the claims you will compare, Identity Provider and Identity Provider "
             "Access Token among them.",
             (Nav("User flows"), Click("+ New user flow"),
              Choose("User flow type", "Sign up and sign in"), Fill("Name", "lab06"),
              Choose("Local accounts", "Email signup"),
              *(Tick(f"Collect {name}") for name in COLLECTS),
              *(Tick(f"Return {name}") for name in RETURNS),
              Click("Create", "button"), See(FLOW))),
        Step("Offer Google on its sign-in page, beside local accounts.",
             (Nav("User flows"), Click(FLOW),
              Click("Identity providers", within="nav.tabs", where="among the user flow's tabs"),
              Tick(f"{PROVIDER} (OpenID Connect)"), Click("Save", "button"),
              See(f"Identity providers of {FLOW} saved"))),
        Step("Register the application that will receive the tokens: the token viewer, with "
             "ID tokens from the authorization endpoint (Run user flow's default).",
             (Nav("App registrations"), Click("+ New registration"), Fill("Name", APP),
              Choose("Select a platform", "Web"), Fill("Redirect URI", "{base}/jwt"),
              Click("Register", "button"), See(f"{APP} | Overview"), Click("Authentication"),
              Tick("ID tokens (used for implicit and hybrid flows)"),
              Click("Save", "button"), See("ID tokens (used for implicit and hybrid flows)"))),
        Step("Create the API connector for the lab's prefill API. It checks no credentials, "
             "as the api-connector-samples: choose Basic with dummy ones.",
             (Nav("API connectors"), Click("+ New API connector"),
              Fill("Display name", CONNECTOR), Fill("Endpoint URL", LAB_APP + CONNECTOR_PATH),
              Choose("Authentication type", "Basic"), Fill("Username", "dummy"),
              Fill("Password", "dummy"), Click("Create", "button"),
              See(f"API connector '{CONNECTOR}' created"))),
        Step("Call it right after a user federates with Google during sign-up.",
             (Nav("User flows"), Click(FLOW),
              Click("API connectors", within="nav.tabs", where="among the user flow's tabs"),
              Choose(AFTER_FEDERATING, CONNECTOR), Click("Save", "button"),
              See(f"API connectors of {FLOW} saved"))),
        Step("Look at the customer records the API reads: it knows Chen Wei's e-mail.",
             (Go("/labs/social/", "Open the lab's prefill API: "
                                  "`http://localhost:5000/labs/social/`."),
              See("chen.wei@example.org", "#customer-records"), See("None yet")),
             "**Customer records** lists chen.wei@example.org in Singapore, Data engineer; "
             "**Last requests from B2C** says **None yet**."),
        Step("Run the user flow with your app.",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("User flows"),
              Click(FLOW), Click("Run user flow"), Choose("Application", APP),
              Click("Update the endpoint", "button"), See(f"p={FLOW}", "#run-url"),
              Click("Run user flow", "link", new_tab=True), See(PROVIDER)),
             "the sign-in page opens in a new tab with a **Google** button above the local "
             "account's e-mail and password."),
        Step("First, sign up with a local account.",
             (*sign_up_actions(("Display Name", "Lab Six"), ("Given Name", "Lab"),
                               ("Surname", "Six"), ("City", "Lyon"), ("Job Title", "Trainer")),
              See("signature valid"), See("Lab Six", "#claims-table"),
              Copy("#token", "local_token", "token (the text under Paste a token)")),
             "the token viewer shows your **name**, **given_name**, **family_name**, "
             "**city** and **jobTitle**, and no **idp** claim: a local account has no "
             "identity provider."),
        Step("Now run the flow again (it opens another tab) and sign up with Google as Chen "
             "Wei, a person whose display name is not \"given name surname\".",
             (*RUN_AGAIN, *GOOGLE_AS_CHEN_WEI, See("Please provide the following details.")),
             "back at B2C, the social account sign-up page has Display Name **Chen Wei**, Given "
             "Name **Wei** and Surname **Chen** from the mapped claims, and City **Singapore** "
             "and Job Title **Data engineer** from the API connector. You typed none of them."),
        Step("Create the account and read its token.",
             (Click("Create", "button"), See("signature valid"),
              See("Chen Wei", "#claims-table"), See("Singapore", "#claims-table"),
              See("Data engineer", "#claims-table"),
              See("/practice/google", "#claims-table")),
             "this token has **idp** = `http://localhost:5000/practice/google` (the provider's "
             "issuer), **idp_access_token** (Google's access token), **given_name** Wei, "
             "**family_name** Chen, **name** Chen Wei, and the City and Job Title the API "
             "prefilled."),
        Step("Compare the two tokens claim by claim.",
             (Copy("#token", "social_token", "token (the text under Paste a token)"),
              Go("/jwt/compare", "Open the token viewer's comparison: "
                                 "`http://localhost:5000/jwt/compare` (**Compare two tokens** "
                                 "at the top of the token viewer)."),
              Paste("Token A", "local_token", "local account's token"),
              Paste("Token B", "social_token", "Google account's token"),
              Click("Compare", "button"),
              See("only in B", 'tr[data-claim="idp"]'),
              See("only in B", 'tr[data-claim="idp_access_token"]'),
              See("different", 'tr[data-claim="given_name"]')),
             "**idp** and **idp_access_token** are **only in B**, the social sign-in; both "
             "tokens have the same shape otherwise (**tfp**, **emails**, **name**...), so an "
             "app reads a social and a local user alike."),
        Step("See what B2C sent the API: the federated identity, before the account existed.",
             (Go("/labs/social/", "Open the lab's prefill API again: "
                                  "`http://localhost:5000/labs/social/`."),
              See("federated identity from", "#last-request"),
              See('"signInType": "federated"', "#last-request"),
              See("Singapore", "#last-request")),
             "the request has `email`, `identities` with `signInType: federated`, the "
             "provider's issuer and Chen Wei's `sub` as `issuerAssignedId`, and the names; the "
             "response is Continue with city and jobTitle."),
        Step("Sign in with Google again: the account exists now, found by its federated "
             "identity, so no sign-up page and no API call.",
             (*RUN_AGAIN, *GOOGLE_AS_CHEN_WEI, See("signature valid"),
              See("Chen Wei", "#claims-table")),
             "the token viewer opens straight away with Chen Wei's token."),
    ),
    troubleshooting=(
        ("Saving the provider says the metadata URL could not be fetched or is not a discovery "
         "document",
         "Copy it exactly: `http://localhost:5000/practice/google/.well-known/"
         "openid-configuration` (with your B2C Lab address if it is not localhost:5000)."),
        ("The practice Google says **Access blocked: authorization error** (invalid_client)",
         "The Client ID on the provider differs from the developer console's: open the "
         "provider under Identity providers and paste it again."),
        ("The practice Google says **Access blocked: this app's request is invalid** "
         "(redirect_uri_mismatch)",
         "B2C sent a reply URL the console does not list: B2C Lab's public address differs "
         "from the one you browse (IDP_PUBLIC_URL). Use the address B2C Lab printed at start."),
        ("B2C shows an error after Allow about the client secret or the token endpoint "
         "(invalid_client)",
         "The Client secret on the provider is wrong: paste the console's Client secret "
         "again (the field is empty on the provider's page; typing a new one replaces it)."),
        ("City and Job Title are empty on the social account sign-up page",
         "The API connector is not called: check User flows > B2C_1_lab06 > API connectors, "
         "**After federating with an identity provider during sign-up**. Or the e-mail is not "
         "in the customer records: the lab API's page shows the last request and why it "
         "answered as it did."),
        ("Google goes straight to the token without the sign-up page",
         "That account already exists (you signed up with it before). Delete it under Users, "
         "or choose another persona, or type a new one on the practice Google's page."),
        ("You want to see the provider round trip",
         "In the portal, open **User flow runs** and the newest run of B2C_1_lab06: the trace "
         "shows the request to the provider, the claims it returned and how they were mapped."),
    ),
    real_b2c=(
        "B2C has a dedicated Google identity provider (mapping fixed by Microsoft); adding "
        "Google as an OpenID Connect provider, as here, works too and is how any other OpenID "
        "Connect provider (Entra ID, Okta, a partner) is added.",
        "At Google you create the OAuth client yourself (Google Cloud console > APIs & "
        "Services > Credentials) and type the reply URL "
        "`https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/oauth2/authresp`; the "
        "practice Google has one client with your reply URL already registered.",
        "B2C calls the API connector from Azure: the Endpoint URL must be public https. Here "
        "B2C Lab calls `http://localhost:5000/labs/social/...` directly.",
        "The practice Google's personas and its lesson select (deny consent, provider error, "
        "bad signature...) exist only here.",
    ),
    end_state=(
        OidcIdentityProvider(PROVIDER, METADATA, "google", MAPPING),
        UserFlow(FLOW, collects=("displayName", "givenName", "surname", "city", "jobTitle"),
                 returns=("displayName", "givenName", "surname", "emails", "identityProvider",
                          "identityProviderAccessToken", "city", "jobTitle")),
        FlowIdentityProviders(FLOW, (PROVIDER,)),
        AppRegistration(APP, "{base}/jwt", implicit_id_tokens=True),
        ApiConnector(CONNECTOR, LAB_APP + CONNECTOR_PATH, FLOW, "PostFederationSignup",
                     path=CONNECTOR_PATH),
        FederatedUser(PROVIDER, "google", "chen.wei@example.org"),
    ),
)
