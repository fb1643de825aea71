"""Lab 05: app roles in tokens through an API connector at "Before sending the token" (the
Authorization-AppRoles sample), the Admin-only page, and why refreshing tokens does not help."""
from ..common import portal_sign_in, sign_up_actions
from ..model import (ApiConnector, AppRole, Choose, Click, Copy, CustomAttribute, Fill, Go,
                     GraphPermissions, Lab, LabAppSettings, Nav, Paste, See, Step, Tick,
                     UserFlow)

PROVIDER = "lab05-roles-provider"
CONNECTOR = "App roles API"
CONNECTOR_PATH = "/api/approles/getapproles"
BEFORE_TOKEN = "Before sending the token (preview)"
ROLE_DESCRIPTIONS = {"Reader": "Readers can read the application's data.",
                     "Admin": "Administrators can manage the application."}


def create_role(display_name: str, value: str) -> tuple:
    return (Fill("Display name", display_name), Tick("Users/Groups"), Fill("Value", value),
            Fill("Description", ROLE_DESCRIPTIONS[value]), Click("Apply", "button"),
            See(f"Created the app role {display_name}."))


SIGN_OUT_AND_IN = (Click("Sign out"), See("You have signed out."), Click("Sign in"),
                   Fill("Email Address", "{your_email}"),
                   Fill("Password", "{your_password}", secret=True),
                   Click("Sign in", "button"))


def rp_admin_page(expect: str) -> tuple:
    return (Click("Admin"), See(expect))


LAB = Lab(
    number="05", slug="app_roles", title="App roles with an API connector", minutes=35,
    goal=("Put the user's app roles into the sample app's token: B2C calls an API connector "
          "just before it sends the token, the API reads the user's app role assignments "
          "through Microsoft Graph, and the sample app opens its Admin page only for Admin. "
          "Then see why a newly assigned role needs a new sign-in, not a token refresh."),
    learn=("User flows put no `roles` claim in tokens: the roles travel in a custom attribute "
           "(`extension_AppRoles`, space-separated) that an API connector fills at **Before "
           "sending the token**.",
           "The request B2C sends at that step (`objectId`, `client_id`, `step`: "
           "`PreTokenIssuance`) and the answer it expects (`Continue` with the claim).",
           "How an API reads app role assignments with Microsoft Graph as an app: client "
           "credentials, `User.Read.All` and `Application.Read.All`, "
           "`/servicePrincipals?$filter=appId eq '...'`, "
           "`/users/{id}/appRoleAssignments?$filter=resourceId eq ...`.",
           "The refresh-token caveat: the API connector runs only when the user signs in; a "
           "refreshed token carries the claims of that sign-in."),
    before=("B2C Lab running (`python b2clab.py run`) and its home page open. This lab changes "
            "B2C_1_susi, the user flow the sample app signs in with. The lab's API runs inside "
            "B2C Lab at `/labs/approles/`; to see it as a separate service, run it alone with "
            "`python -m labs.lab05_app_roles.web --port 5004` and use "
            "`http://localhost:5004` wherever a step says `http://localhost:5000/labs/approles`."),
    steps=(
        portal_sign_in(),
        Step("Create your test user: sign up in the sample app (it signs in with B2C_1_susi).",
             (Go("/rp/", "Open the sample app: `/rp/`."), Click("Sign in"),
              *sign_up_actions(("Display Name", "Lab Five"), ("Given Name", "Lab"),
                               ("Surname", "Five")),
              See("Claims in your ID token"), See("Lab Five", "#claims"))),
        Step("Create the custom attribute that will carry the roles. It is never collected "
             "from the user: only the API connector sets it.",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("User attributes"),
              Click("+ Add"), Fill("Name", "AppRoles"),
              Choose("Data Type", "String"),
              Fill("Description", "The user's app roles, space-separated (set by an API)"),
              Click("Create", "button"), See("extension_AppRoles", "#custom-attributes"))),
        Step("Return it in the tokens of B2C_1_susi: a value an API connector returns reaches "
             "the token only for an Application claim.",
             (Nav("User flows"), Click("B2C_1_susi"), Click("Application claims"),
              Tick("Return AppRoles"), Click("Save", "button"),
              See("Application claims of B2C_1_susi saved"))),
        Step("Define the sample app's roles on its app registration, rp-demo: Reader, and "
             "Admin shown as Administrator.",
             (Nav("App registrations"), Click("rp-demo"), Click("App roles"),
              *create_role("Reader", "Reader"), *create_role("Administrator", "Admin"),
              See("Admin", "#app-roles")),
             "the **App roles** table lists **Reader** and **Administrator** (value **Admin**), "
             "both for Users/Groups."),
        Step("Register the roles-provider app: the identity the API uses to read role "
             "assignments from Microsoft Graph. It signs no user in, so it needs no redirect "
             "URI.",
             (Nav("App registrations"), Click("+ New registration"), Fill("Name", PROVIDER),
              Tick("Accounts in this organizational directory only"),
              Click("Register", "button"), See(f"{PROVIDER} | Overview"),
              Copy("#client-id", "provider_client_id", "Application (client) ID"))),
        Step("Give it a client secret. Its value is shown only now.",
             (Click("Certificates & secrets"), Fill("Description", "app roles API"),
              Click("Add", "button"), See("Copy the new client secret value now."),
              Copy("#secret-value", "provider_secret", "client secret Value"))),
        Step("Let it read users and applications: Microsoft Graph application permissions, "
             "with admin consent (an API has no user to consent).",
             (Click("API permissions"), Click("+ Add a permission"), Click("Microsoft Graph"),
              Tick("User.Read.All: Read all users' full profiles"),
              Tick("Application.Read.All: Read all applications"),
              Click("Add permissions", "button"), Click("Grant admin consent for contoso",
                                                        "button"),
              See("Granted for contoso", "#permissions")),
             "both permissions say **Granted for contoso**."),
        Step("Enter the roles-provider app in the lab API's Settings page (in the real sample: "
             "appsettings.json). Saving asks B2C Lab for a Graph token to check them.",
             (Go("/labs/approles/settings", "Open the lab API's Settings: "
                                            "`http://localhost:5000/labs/approles/settings`."),
              Paste("Roles-provider application (client) ID", "provider_client_id",
                    "Application (client) ID"),
              Paste("Client secret value", "provider_secret", "client secret Value"),
              Click("Save", "button"), See("Graph token received"),
              See("Application.Read.All", "#message")),
             "**Settings saved. Graph token received**, listing **User.Read.All** and "
             "**Application.Read.All**."),
        Step("Create the API connector. The sample's API checks no credentials, so, as its "
             "README says, choose Basic with dummy ones.",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("API connectors"),
              Click("+ New API connector"), Fill("Display name", CONNECTOR),
              Fill("Endpoint URL", "{base}/labs/approles" + CONNECTOR_PATH),
              Choose("Authentication type", "Basic"), Fill("Username", "dummy"),
              Fill("Password", "dummy"), Click("Create", "button"),
              See(f"API connector '{CONNECTOR}' created"))),
        Step("Call it from B2C_1_susi just before the token is sent.",
             (Nav("User flows"), Click("B2C_1_susi"),
              Click("API connectors", within="nav.tabs", where="among the user flow's tabs"),
              Choose(BEFORE_TOKEN, CONNECTOR), Click("Save", "button"),
              See("API connectors of B2C_1_susi saved"))),
        Step("Sign in to the sample app again, so that B2C_1_susi runs with its API connector. "
             "You hold no role yet.",
             (Go("/rp/", "Open the sample app: `/rp/`."), *SIGN_OUT_AND_IN,
              See("Claims in your ID token"), See("none in this token", "#app-roles")),
             "the **Claims** page says the app roles are **none in this token**: the API "
             "answered, with no role (**extension_AppRoles** is null, so the claim is left "
             "out)."),
        Step("Open the Admin page: the app refuses, and says what it looked at.",
             rp_admin_page("403 Access denied") + (See("no extension_AppRoles claim"),)),
        Step("Look at the call B2C made: the lab API logs the body it received, its Graph "
             "calls and its answer.",
             (Go("/labs/approles/log", "Open the lab API's log: "
                                       "`http://localhost:5000/labs/approles/log`."),
              See("PreTokenIssuance", "#call-1"), See("appRoleAssignments", "#call-1"),
              See("Your app roles were successfully determined.", "#call-1")),
             "the newest call has **step** = PreTokenIssuance, your **objectId** and the "
             "sample app's **client_id**, two Graph GETs (**servicePrincipals**, "
             "**appRoleAssignments**) and the answer **Continue**."),
        Step("Give yourself the Admin role on the sample app.",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("App registrations"),
              Click("rp-demo"), Click("Users and groups"), Fill("User", "{your_email}"),
              Choose("Select a role", "Administrator"), Click("Assign", "button"),
              See("Assigned Administrator to Lab Five."))),
        Step("In the sample app, refresh the tokens and try again. Still refused: B2C copies "
             "the claims of the sign-in into refreshed tokens and never calls the API "
             "connector on a refresh.",
             (Go("/rp/claims", "Open the sample app's Claims page: `/rp/claims`."),
              Click("Refresh tokens", "button"), See("Tokens refreshed"),
              See("none in this token", "#app-roles"), *rp_admin_page("403 Access denied")),
             "**Tokens refreshed**, the app roles are still **none in this token**, and the "
             "Admin page still says **403 Access denied**."),
        Step("Sign out, and sign in again: the API connector runs and finds your new role.",
             (*SIGN_OUT_AND_IN, See("Admin", "#app-roles"),
              *rp_admin_page("you have the Admin role")),
             "the Claims page shows **extension_AppRoles** = Admin, and the Admin page opens: "
             "\"If you can see this page, then you have the Admin role.\""),
    ),
    troubleshooting=(
        ("The sample app shows **AADB2C90075: The claims exchange 'PreTokenIssuanceRestful' "
         "... returned HTTP error response ...**",
         "B2C could not use the API's answer: the Endpoint URL is wrong (404), nothing listens "
         "there (the lab API runs alone and is stopped?), or it answered outside the contract. "
         "Check the URL under **API connectors**; the portal's test button shows the answer."),
        ("The page says **An error occurred while determining your app roles, please try "
         "again later.**",
         "The API answered ShowBlockPage: its log page (`/labs/approles/log`) says why. "
         "Usually the Settings are missing or wrong (**No Graph token: ... invalid_client**), "
         "or the roles-provider app lacks a permission or its consent "
         "(**Authorization_RequestDenied: This call needs one of these application "
         "permissions: Application.Read.All**)."),
        ("The log shows **Continue** with `\"extension_AppRoles\": \"Admin\"` but the token "
         "has no such claim",
         "AppRoles is not an Application claim of B2C_1_susi: tick **Return AppRoles** under "
         "**Application claims** and **Save**. B2C drops a returned value it may not send."),
        ("The Admin page still says 403 after you assigned the role",
         "You refreshed, or are still using the token of an earlier sign-in. Sign out and sign "
         "in: the API connector runs only on an interactive sign-in."),
        ("**Settings saved. No Graph token: HTTP 401 invalid_client: AADB2C90018** (or "
         "**AADB2C90081**)",
         "90018: the client ID is not the roles-provider app's **Application (client) ID**. "
         "90081: the secret is not its **Value** (the Secret ID is another thing). Create a "
         "new secret if you lost the value, and enter both again."),
        ("**This application has no enabled app role that allows Users/Groups**",
         "The app roles were not made for users: create Administrator again with **Allowed "
         "member types** = **Users/Groups**."),
    ),
    real_b2c=(
        "The Endpoint URL must be public https (B2C calls it from Azure): the sample uses "
        "ngrok or an Azure App Service. Here B2C Lab calls `http://localhost`.",
        "In 2021 the B2C portal had no App roles editor: the sample edits the app's manifest "
        "(`appRoles`) and assigns users on the enterprise application. Here both are tabs of "
        "the app registration.",
        "A custom attribute stored in the directory holds at most 250 characters; this claim "
        "is never stored (the API returns it on each sign-in), so that limit does not apply.",
        "The API calls Graph on every sign-in: Graph throttles busy callers, so production "
        "code caches the service principal and the roles (the sample caches nothing).",
        "The roles-provider app gets its Graph token from "
        "`login.microsoftonline.com/<tenant>.onmicrosoft.com`, not from a user flow; here "
        "from B2C_1_susi's token endpoint.",
    ),
    end_state=(
        CustomAttribute("AppRoles"),
        UserFlow("B2C_1_susi", returns=("extension_AppRoles",)),
        AppRole("rp-demo", "Reader", "Reader", ROLE_DESCRIPTIONS["Reader"]),
        AppRole("rp-demo", "Admin", "Administrator", ROLE_DESCRIPTIONS["Admin"]),
        GraphPermissions(PROVIDER, ("User.Read.All", "Application.Read.All")),
        LabAppSettings("approles", PROVIDER),
        ApiConnector(CONNECTOR, "{base}/labs/approles" + CONNECTOR_PATH, "B2C_1_susi",
                     "PreTokenIssuance", path=CONNECTOR_PATH),
    ),
)
