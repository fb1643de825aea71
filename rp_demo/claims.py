"""One line on what each claim of a B2C token means, for the Claims page."""

MEANINGS = {
    "iss": "Issuer: the tenant that made the token ({base}/{tenantId}/v2.0/).",
    "sub": "Subject: the user, by default their object id (same as oid).",
    "aud": "Audience: the application (client) id the token was made for.",
    "exp": "Expires at (seconds since 1970): the app must not accept it after this.",
    "nbf": "Not before: the token is not valid before this time.",
    "iat": "Issued at: when the token was made.",
    "auth_time": "When the user last entered credentials (an SSO sign-in keeps the old time).",
    "nonce": "The random value the app sent; it proves the token answers this sign-in.",
    "ver": "Token version: 1.0 for B2C user flows.",
    "tfp": "Trust framework policy: the user flow that issued the token.",
    "acr": "The user flow (legacy claim name, lower-cased) when the flow is set to acr.",
    "oid": "The user's object id in the directory (User's Object ID).",
    "emails": "The user's e-mail addresses (an array; MSAL uses the first as user name).",
    "name": "Display Name.",
    "given_name": "Given Name.",
    "family_name": "Surname.",
    "idp": "Identity provider: present only for social or federated sign-ins.",
    "newUser": "true on the sign-in that created the account (User is new).",
    "at_hash": "Hash of the access token sent with this ID token.",
    "c_hash": "Hash of the authorization code sent with this ID token.",
    "azp": "Authorized party: the client that asked for an access token.",
    "scp": "Scopes granted in an access token.",
}


def meaning(claim: str) -> str:
    if claim == "extension_AppRoles":
        return ("Your app roles on this app, space-separated: an API connector at Before "
                "sending the token reads them from Graph (the Admin page needs Admin).")
    if claim.startswith("extension_"):
        return "A custom attribute (extension_<Name>), returned because it is an Application claim."
    return MEANINGS.get(claim, "")
