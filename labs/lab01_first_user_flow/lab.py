"""Lab 01: register an app, create a sign-up and sign-in user flow, run it, read the token."""
from ..common import portal_sign_in, sign_up_actions
from ..model import (AppRegistration, Choose, Click, Fill, Go, Lab, Nav, See, Step, Tick,
                     UserFlow)

LAB = Lab(
    number="01", slug="first_user_flow", title="Your first user flow", minutes=25,
    goal=("Register a web application, create a sign-up and sign-in user flow for it, run the "
          "flow as a new user, and read the ID token it returns, exactly as you would in the "
          "Azure portal."),
    learn=("What an app registration holds: the Application (client) ID and the redirect URI.",
           "What a user flow is: the pages, the attributes it collects and the claims it "
           "returns.",
           "What \"Run user flow\" sends (response_type=id_token, nonce=defaultNonce) and why the "
           "app must allow ID tokens from the authorization endpoint.",
           "How to read an ID token: iss, aud, tfp, emails, and the signature check.",
           "Single sign-on: a second app signs you in without asking again."),
    steps=(
        portal_sign_in(),
        Step("Register the application that will receive the token.",
             (Nav("App registrations"), Click("+ New registration"),
              Fill("Name", "lab01-webapp"), Choose("Select a platform", "Web"),
              Fill("Redirect URI", "{base}/jwt"), Click("Register", "button"),
              See("lab01-webapp | Overview"))),
        Step("Let the app receive ID tokens from the authorization endpoint (Run user flow uses "
             "response_type=id_token).",
             (Click("Authentication"),
              Tick("ID tokens (used for implicit and hybrid flows)"),
              Click("Save", "button"), See("ID tokens (used for implicit and hybrid flows)"))),
        Step("Create the user flow: B2C adds B2C_1_ in front of the name.",
             (Nav("User flows"), Click("+ New user flow"),
              Choose("User flow type", "Sign up and sign in"), Fill("Name", "lab01"),
              Choose("Local accounts", "Email signup"),
              Tick("Collect Given Name"), Tick("Return Given Name"),
              Click("Create", "button"), See("B2C_1_lab01"))),
        Step("Run the user flow with your app: the endpoint is the URL an app would send you to.",
             (Click("Run user flow"), Choose("Application", "lab01-webapp"),
              Click("Update the endpoint", "button"), See("p=B2C_1_lab01", "#run-url"),
              Click("Run user flow", "link", new_tab=True)),
             "a sign-in page titled **Sign in** opens in a new tab."),
        Step("Sign up as a new user: your e-mail address is verified with a code.",
             sign_up_actions(("Display Name", "Lab One"), ("Given Name", "Lab"))),
        Step("Read the token in the token viewer: each claim is explained, and the signature is "
             "checked against the tenant's keys.",
             (See("signature valid"), See("B2C_1_lab01", "#claims-table"),
              See("Lab One", "#claims-table")),
             "the claims table shows **tfp** = B2C_1_lab01, your **emails**, **name** and "
             "**given_name**, and **signature valid**."),
        Step("Sign in to the sample app. It uses another user flow (B2C_1_susi) and another app "
             "registration, but this browser already has a session with the tenant: no page "
             "asks for your password.",
             (Go("/rp/", "Open the sample app: `/rp/`."), Click("Sign in"),
              See("Claims in your ID token"), See("Lab One", "#claims"),
              See("B2C_1_susi", "#claims")),
             "the sample app's **Claims** page shows your **name** (Lab One) and **tfp** = "
             "B2C_1_susi: the same account, another user flow, no password asked."),
    ),
    troubleshooting=(
        ("The token viewer says **An authorization code arrived, not a token**",
         "You ran the flow with response type **code**. Choose **id_token** on the Run user "
         "flow page, or redeem the code as the page explains."),
        ("**AADB2C90057: The provided application is not configured to allow the 'OAuth' "
         "Implicit flow.**",
         "Step 3 was skipped: tick **ID tokens (used for implicit and hybrid flows)** and "
         "**Save**."),
        ("**AADB2C90006: The redirect URI ... is not registered for the client id ...**",
         "The redirect URI must match exactly, including `http://` vs `https://`, the port and "
         "a trailing `/`. The error page shows the registered and requested values side by "
         "side."),
        ("**A user with the specified ID already exists.**",
         "That e-mail address already has an account: use another address, or select **Sign "
         "in** instead of **Sign up now**."),
        ("**That code is incorrect. Please try again.**",
         "Copy the newest code for your address from the mailbox; each **Send new code** "
         "replaces the previous one."),
    ),
    real_b2c=(
        "The redirect URI is usually `https://jwt.ms`, Microsoft's public token viewer; here it "
        "is this lab's own viewer at `/jwt`.",
        "Endpoints live at `https://<tenant>.b2clogin.com/...`; here at the B2C Lab address, "
        "with the same paths.",
        "A new app registration or user flow can take a minute to propagate in B2C; here it "
        "applies to the next run at once.",
        "Verification e-mails really leave the tenant; here they land in the mailbox.",
    ),
    end_state=(
        AppRegistration("lab01-webapp", "{base}/jwt", implicit_id_tokens=True),
        UserFlow("B2C_1_lab01", collects=("displayName", "givenName"),
                 returns=("displayName", "givenName", "emails", "objectId")),
    ),
)
