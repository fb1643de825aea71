"""Steps several labs share, worded once."""
from .model import Click, Fill, Go, MailboxCode, See, Step


def portal_sign_in() -> Step:
    return Step("Sign in to the portal with the admin account printed when B2C Lab started.",
                (Go("/portal/", "Open the portal: `/portal/`."), Fill("Username", "admin"),
                 Fill("Password", "{admin_password}", secret=True),
                 Click("Sign in", "button"), See("Azure AD B2C | Overview")))


def sign_up_actions(*fields: tuple[str, str]) -> tuple:
    """Sign up now, verify the e-mail address, then fill ``fields`` (label, value) and Create."""
    return (Click("Sign up now"), Fill("Email Address", "{email}"),
            Click("Send verification code", "button"), MailboxCode(),
            Click("Verify code", "button"),
            See("E-mail address verified. You can now continue."),
            Fill("New Password", "{password}", secret=True),
            Fill("Confirm New Password", "{password}", secret=True),
            *(Fill(label, value) for label, value in fields), Click("Create", "button"))
