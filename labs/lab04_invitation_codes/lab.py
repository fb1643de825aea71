"""Lab 04: sign-up by invitation code (an API connector at "Before creating the user") and
delegated user management over Microsoft Graph: the InvitationCodeDelegatedUserManagement
sample of azure-ad-b2c/api-connector-samples, as a Python app mounted at /labs/invitations."""
from ..common import portal_sign_in
from ..model import (ApiConnector, AppRegistration, Choose, Click, Copy, CustomAttribute, Fill,
                     Go, GraphPermissions, Hidden, Lab, LabAppConnectorSettings, LabAppSettings,
                     MailboxCode, Nav, OptionalAttributes, Paste, See, Step, Tick, UserFlow,
                     UserWithAttributes)

APP = "lab04-user-management"
LAB_APP = "{base}/labs/invitations"
CONNECTOR = "Redeem invitation code"
CONNECTOR_PATH = "/api/userinvitation/redeem"
SIGN_UP = "Local account sign up page"
CUSTOM_PAGE = LAB_APP + "/page-layouts/selfasserted.html"
ATTRIBUTES = ("CompanyId", "DelegatedUserManagementRole", "InvitationCode")
CLAIMS = tuple(f"extension_{name}" for name in ATTRIBUTES)
GLOBAL_ADMIN_CODE = "00000000-0000-0000-0000-000000000000"
ROLE = "extension_DelegatedUserManagementRole"


def create_attribute(name: str, description: str) -> tuple:
    return (Nav("User attributes"), Click("+ Add"), Fill("Name", name),
            Choose("Data Type", "String"), Fill("Description", description),
            Click("Create", "button"), See(f"extension_{name}", "#custom-attributes"))


def sign_up(display_name: str, code: str, email: str = "{email}") -> tuple:
    """Sign up now on the lab's custom page (two fields hidden), verify ``email``, then fill
    the form with the invitation ``code`` and Create."""
    return (Click("Sign up now"), See("Sign-up is by invitation only"),
            Hidden(".extension_CompanyId_li", "the **CompanyId** field"),
            Hidden(".extension_DelegatedUserManagementRole_li",
                   "the **DelegatedUserManagementRole** field"),
            Fill("Email Address", email), Click("Send verification code", "button"),
            MailboxCode(address=email), Click("Verify code", "button"),
            See("E-mail address verified. You can now continue."),
            Fill("New Password", "{password}", secret=True),
            Fill("Confirm New Password", "{password}", secret=True),
            Fill("Display Name", display_name), Fill("InvitationCode", code),
            Click("Create", "button"))


LAB = Lab(
    number="04", slug="invitation_codes", title="Invitation codes with an API connector",
    minutes=45,
    goal=("Close sign-up to invited users: the sign-up page asks for an invitation code and an "
          "API connector checks it before the account is created, giving the new user a "
          "company and a role. Then manage users from a web app through Microsoft Graph, as a "
          "global admin and as a company user (the api-connector-samples' "
          "InvitationCodeDelegatedUserManagement)."),
    learn=("The API connector at **Before creating the user**: the request B2C sends (your "
           "custom attributes as `extension_<b2c-extensions-app id>_Name`) and the three "
           "answers: Continue (with values that overwrite what the user typed), ValidationError "
           "(HTTP 400: the user stays on the form) and ShowBlockPage.",
           "Why an attribute the API sets must still be a User attribute of the flow (only "
           "collected attributes are stored), and why hiding it with CSS on a custom page is "
           "not security.",
           "Single-use invitation codes, and bootstrapping the first global admin.",
           "Delegated user management with Microsoft Graph as an app (client credentials, "
           "`User.ReadWrite.All`): list users by a custom attribute with `$filter`, update them "
           "with PATCH.",
           "Roles in a custom attribute: GlobalAdmin, CompanyAdmin, CompanyUser, read from the "
           "`extension_DelegatedUserManagementRole` claim."),
    before=("B2C Lab running (`python b2clab.py run`) and its home page open. The lab's web "
            "app (the API connector and the management pages) runs inside B2C Lab at "
            "`/labs/invitations/`. To run it as a separate service, start "
            "`python -m labs.lab04_invitation_codes.web --port 5004` and use "
            "`http://localhost:5004` wherever a step says "
            "`http://localhost:5000/labs/invitations` (its redirect URIs too)."),
    steps=(
        portal_sign_in(),
        Step("Create the three custom attributes of the sample: the user's company, role and "
             "invitation code.",
             (*create_attribute("CompanyId", "The identifier of the user's company"),
              *create_attribute("DelegatedUserManagementRole",
                                "The user's role for delegated user management"),
              *create_attribute("InvitationCode", "The invitation code the user signed up "
                                                  "with"),
              Copy("p:has-text('client id') code >> nth=1", "extensions_app_id",
                   "b2c-extensions-app client id")),
             "the three attributes are listed; their Graph names all carry the "
             "b2c-extensions-app's client id (shown above the table: copy it, the lab app "
             "needs it)."),
        Step("Create the sign-up and sign-in user flow B2C_1_lab04. It collects the three "
             "attributes (only collected attributes are stored, even when the API connector "
             "sets them) and returns them with Display Name and User's Object ID (ticked by "
             "default).",
             (Nav("User flows"), Click("+ New user flow"), Fill("Name", "lab04"),
              *(Tick(f"Collect {name}") for name in ATTRIBUTES),
              *(Tick(f"Return {name}") for name in ATTRIBUTES),
              Click("Create", "button"), See("B2C_1_lab04"))),
        Step("Register the management app: it signs users in to the lab app and reads and "
             "writes users through Graph.",
             (Nav("App registrations"), Click("+ New registration"), Fill("Name", APP),
              Fill("Redirect URI", LAB_APP + "/signin-oidc"), Click("Register", "button"),
              See(f"{APP} | Overview"),
              Copy("#client-id", "client_id", "Application (client) ID"),
              Click("Authentication"),
              Fill("Redirect URI", LAB_APP + "/signout-callback-oidc"),
              Click("Add URI", "button"), See("signout-callback-oidc", "#redirect-uris")),
             "the app has two redirect URIs: `/signin-oidc` and `/signout-callback-oidc`."),
        Step("Give it a client secret. Its value is shown only now.",
             (Click("Certificates & secrets"), Fill("Description", "lab04 app"),
              Click("Add", "button"), See("Copy the new client secret value now."),
              Copy("#secret-value", "client_secret", "client secret Value"))),
        Step("Let it manage users: the Microsoft Graph application permission "
             "User.ReadWrite.All, with admin consent.",
             (Click("API permissions"), Click("+ Add a permission"), Click("Microsoft Graph"),
              Tick("User.ReadWrite.All: Read and write all users' full profiles"),
              Click("Add permissions", "button"),
              Click("Grant admin consent for contoso", "button"),
              See("Granted for contoso", "#permissions"))),
        Step("Enter the settings in the lab app (the sample's appsettings.json): the app's "
             "client id and secret, the b2c-extensions-app's client id, and the dummy Basic "
             "credentials the API connector will send.",
             (Go("/labs/invitations/settings", "Open the lab app's Settings: "
                                               "`http://localhost:5000/labs/invitations/"
                                               "settings`."),
              Paste("Application (client) ID", "client_id", "Application (client) ID"),
              Paste("Client secret", "client_secret", "client secret Value"),
              Paste("b2c-extensions-app client ID", "extensions_app_id",
                    "b2c-extensions-app client id"),
              Fill("API connector username", "dummy"),
              Fill("API connector password", "dummy"),
              Click("Save", "button"), See("Settings saved."))),
        Step("Create the API connector for the lab app's redeem endpoint. The sample's API "
             "takes no real credentials: as its README says, choose Basic with dummy ones "
             "(this lab app checks that they match its Settings).",
             (Go("/portal/", "Go back to the portal: `/portal/`."), Nav("API connectors"),
              Click("+ New API connector"), Fill("Display name", CONNECTOR),
              Fill("Endpoint URL", LAB_APP + CONNECTOR_PATH),
              Choose("Authentication type", "Basic"), Fill("Username", "dummy"),
              Fill("Password", "dummy"), Click("Create", "button"),
              See(f"API connector '{CONNECTOR}' created"))),
        Step("Call it from B2C_1_lab04 before the user is created.",
             (Nav("User flows"), Click("B2C_1_lab04"),
              Click("API connectors", within="nav.tabs", where="among the user flow's tabs"),
              Choose("Before creating the user", CONNECTOR), Click("Save", "button"),
              See("API connectors of B2C_1_lab04 saved"))),
        Step("Hide CompanyId and DelegatedUserManagementRole on the sign-up page with the lab "
             "app's custom page, and make them optional (a hidden field must be, or the page "
             "refuses to continue). InvitationCode stays visible and required.",
             (Click("Page layouts"), Choose(f"Use custom page content for {SIGN_UP}", "Yes"),
              Fill(f"Custom page URI for {SIGN_UP}", CUSTOM_PAGE),
              Choose("Optional", "Yes", row="CompanyId"),
              Choose("Optional", "Yes", row="DelegatedUserManagementRole"),
              Click("Save", "button"), See("Page layouts of B2C_1_lab04 saved"))),
        Step("Bootstrap the first global admin: while no user has the lab's attributes, the "
             "lab app's Invitations page is open to anyone and offers the Global Admin "
             "invitation code.",
             (Go("/labs/invitations/invitations", "Open the lab app's Invitations page: "
                                                  "`http://localhost:5000/labs/invitations/"
                                                  "invitations`."),
              See("There aren't any users yet"), See(GLOBAL_ADMIN_CODE, "#global-admin-code"),
              Click("sign up"))),
        Step("Sign up with that code. The page is the lab app's own; CompanyId and the role "
             "are not shown.",
             (*sign_up("Grace Admin", GLOBAL_ADMIN_CODE), See("Signed in as Grace Admin"),
              See("GlobalAdmin", "#my-role")),
             "back in the lab app, signed in as **Grace Admin** with the role **GlobalAdmin**: "
             "the API connector answered Continue with the invitation's role, and B2C stored "
             "it."),
        Step("Graph lists you as a global admin.",
             (Click("Users"), See("GlobalAdmin", "tr.me td.current-role"),
              See("00000000-0000-0000-0000-000000000000", "tr.me")),
             "your row says **GlobalAdmin** and shows the invitation code you used."),
        Step("Invite a company user of company fabrikam. The code works once, for 24 hours.",
             (Click("Invitations"), Tick("CompanyUser: can sign in but cannot manage users"),
              Fill("Company", "fabrikam"), Click("Submit", "button"),
              See("New invitation code"), Copy("#new-invitation-code", "invitation_code",
                                               "new invitation code"),
              See("fabrikam", "#pending"))),
        Step("Sign out: B2C ends its session too, so the next sign-in asks again.",
             (Click("Sign out"), See("You have signed out."))),
        Step("Sign up a second user with another e-mail address. First try the Global Admin "
             "code again: it was used, so it is gone.",
             (Click("Sign in"),
              *sign_up("Frank Fabrikam", GLOBAL_ADMIN_CODE, email="{email2}"),
              See("The invitation code you provided is invalid.")),
             "the sign-up page stays open with **The invitation code you provided is "
             "invalid.**: no account was created."),
        Step("Now enter the fabrikam invitation code.",
             (Paste("InvitationCode", "invitation_code", "new invitation code"),
              Fill("New Password", "{password}", secret=True),
              Fill("Confirm New Password", "{password}", secret=True),
              Click("Create", "button"), See("Signed in as Frank Fabrikam"),
              See("CompanyUser", "#my-role"), See("fabrikam", "#my-company")),
             "signed in as **Frank Fabrikam**, **CompanyUser** of **fabrikam**."),
        Step("Read the token: the company and the role came from the invitation, through the "
             "API connector.",
             (Click("Identity"), See("fabrikam", 'tr[data-claim="extension_CompanyId"]'),
              See("CompanyUser", f'tr[data-claim="{ROLE}"]'))),
        Step("A company user manages nobody.",
             (Click("Invitations"), See("You don't have permissions to invite users."),
              Click("Users"), See("You don't have permissions to manage users."))),
    ),
    troubleshooting=(
        ("The sign-up page says **The invitation code you provided is invalid.**",
         "The API connector answered ValidationError: the code is shorter than 10 characters, "
         "unknown, or already used (a code works once: its file is deleted when it is "
         "redeemed). Copy the code again from the Invitations page, or create a new one."),
        ("You want to see what B2C sent to the API and what it answered",
         "In the portal, open **User flow runs** and the newest run of B2C_1_lab04: the "
         "**API connector, PostAttributeCollection** row has the request body (with "
         "`extension_<id>_InvitationCode`) and the response, under **Request and response**."),
        ("The sign-up page says **The invitation code you provided has expired.**",
         "Its Validity period (hours) has passed. Delete it under Pending User Invitations and "
         "invite the user again."),
        ("**AADB2C90075: The claims exchange 'PreUserWriteRestful' ... returned HTTP error "
         "response with Code 'Unauthorized' and Reason 'Unauthorized'.**",
         "The API connector's Basic username and password differ from the lab app's Settings "
         "(API connector username and password): make them the same. 'NotFound' instead means "
         "a wrong Endpoint URL."),
        ("The page says **An error occurred while validating your invitation code, please try "
         "again later.**",
         "The API answered ShowBlockPage: something failed inside it. Usually the "
         "b2c-extensions-app client ID is missing from the lab app's Settings; the terminal "
         "where B2C Lab runs shows the reason."),
        ("Signed in, but the Home page says your role is **none** and Users says **You don't "
         "have permissions to manage users.**",
         "The role was not stored or not returned: the three attributes must be ticked under "
         "**User attributes** (a value the API connector returns is stored only for a "
         "collected attribute) and under **Application claims**. Users made before that have "
         "no role: delete them in the portal (Users) and sign up again."),
        ("The sign-up page says **A required field is missing. Please fill out all required "
         "fields and try again.** although every field you see is filled",
         "CompanyId or DelegatedUserManagementRole is hidden but not optional: Page layouts > "
         "Local account sign up page: user attributes, Optional = Yes for both."),
        ("The Invitations page says **The token endpoint refused the client credentials** or "
         "**Graph answered 403 Authorization_RequestDenied**",
         "Check the Application (client) ID and the secret's Value (not its Secret ID) on the "
         "lab app's Settings, and that User.ReadWrite.All says **Granted for contoso**."),
        ("**AADB2C90006: The redirect URI ... is not registered** (or the sign-out stays on a "
         "B2C page)",
         "Add `http://localhost:5000/labs/invitations/signin-oidc` and "
         "`/signout-callback-oidc` under the app's **Authentication**; with the lab app on its "
         "own port, the `http://localhost:5004/...` ones."),
    ),
    real_b2c=(
        "B2C calls the API connector from Azure: the Endpoint URL must be public https (the "
        "sample suggests ngrok for a local app). Here B2C Lab calls "
        "`http://localhost:5000/labs/invitations/...` directly.",
        "The b2c-extensions-app is in App registrations (All applications) in B2C; its "
        "Application (client) ID without dashes is in every custom attribute's Graph and API "
        "name, while tokens carry just `extension_<Name>`.",
        "A new custom attribute, user flow change or app permission can take a few minutes to "
        "apply in B2C; here it applies at once.",
        "The management app gets its Graph token from "
        "`login.microsoftonline.com/<tenant>.onmicrosoft.com` (client credentials), not from "
        "a user flow; here any user flow's token endpoint gives it.",
        "A custom page in B2C is fetched by the browser with CORS, and hiding fields with its "
        "CSS is cosmetic in both: the connector overwrites the values it returns.",
    ),
    end_state=(
        *(CustomAttribute(name) for name in ATTRIBUTES),
        UserFlow("B2C_1_lab04", collects=("displayName", *CLAIMS),
                 returns=(*CLAIMS, "displayName", "objectId"),
                 page_layouts={SIGN_UP: {"use_custom_page": True,
                                         "custom_page_uri": CUSTOM_PAGE}}),
        OptionalAttributes("B2C_1_lab04", CLAIMS[:2]),
        AppRegistration(APP, redirect_uri=LAB_APP + "/signin-oidc"),
        AppRegistration(APP, redirect_uri=LAB_APP + "/signout-callback-oidc"),
        GraphPermissions(APP, ("User.ReadWrite.All",)),
        ApiConnector(CONNECTOR, LAB_APP + CONNECTOR_PATH, "B2C_1_lab04",
                     "PostAttributeCollection", path=CONNECTOR_PATH),
        LabAppSettings("invitations", APP),
        LabAppConnectorSettings("invitations", "B2C_1_lab04"),
        UserWithAttributes({ROLE: "GlobalAdmin"}, "grace.admin@lab04.example", "Grace Admin"),
        UserWithAttributes({ROLE: "CompanyUser", "extension_CompanyId": "fabrikam"},
                           "frank@fabrikam.example", "Frank Fabrikam"),
    ),
)
