"""What this emulator can run of a custom policy: the registry :mod:`.validate` reads.

An upload that needs something missing here is refused with "... is not supported by this
emulator yet" instead of failing half-way through a sign-in.  Add an entry only when it really
runs, in the same change that makes it run (and that change's tests), so the validator never
promises more than the executor does.

- :data:`PROTOCOLS`: ``<Protocol Name>`` values run without a handler (``Proprietary`` profiles
  are looked up in :data:`HANDLERS` instead).
- :data:`OPENID_CONNECT_ROLES`: ``OpenIdConnect`` means different things by where a profile is
  used: ``"issuer"`` (the CpimIssuerTechnicalProfile of a SendClaims step: the JWT issuer),
  ``"validation"`` (a validation technical profile: the starter pack's ``login-NonInteractive``
  password check, done locally), ``"exchange"`` (an orchestration step: federation with an
  external OpenID Connect provider), ``"session"`` (an SSO session provider).
- :data:`HANDLERS`: the .NET type name of a ``Proprietary`` profile's Handler (the part before
  the first comma), e.g. ``Web.TPEngine.Providers.SelfAssertedAttributeProvider``.
- :data:`STEP_TYPES`, :data:`PRECONDITION_TYPES`: OrchestrationStep Type and Precondition Type.
- :data:`TRANSFORMATION_METHODS`: read from :data:`.transformations.METHODS`, the methods that
  run, so the two lists cannot drift apart.
- :data:`ELEMENTS`: elements the loader reads and the executor honours; :data:`ELEMENT_VALUES`:
  those honoured only with some values; :data:`IGNORED_ELEMENTS`: elements accepted with no
  effect here (why, beside each).  Any other element of the schema that a relying party's
  journeys reach is refused as not supported.

Each value says what runs it, for the reader and for messages.
"""
from __future__ import annotations

from .transformations import METHODS

PROTOCOLS: dict[str, str] = {
    "None": "idp.engine.ief.handlers.IefExchange (input and output claims, transformations)",
}

OPENID_CONNECT_ROLES: dict[str, str] = {
    "issuer": "idp.protocol issuance (the JWT issuer of the SendClaims step)",
    "validation": "idp.engine.ief.pipeline._local_credential (login-NonInteractive: the "
                  "password checked against the directory, with smart lockout)",
}

HANDLERS: dict[str, str] = {
    "Web.TPEngine.Providers.SelfAssertedAttributeProvider":
        "idp.engine.ief.handlers.IefSelfAsserted (the user flows' self-asserted page)",
    "Web.TPEngine.Providers.AzureActiveDirectoryProvider":
        "idp.engine.ief.aad.run_aad (Read, Write, DeleteClaims, DeleteClaimsPrincipal)",
    "Web.TPEngine.Providers.ClaimsTransformationProtocolProvider":
        "idp.engine.ief.pipeline.run_profile (transformations only)",
    "Web.TPEngine.Providers.RestfulProvider":
        "idp.engine.ief.restful (None, Basic, Bearer, ApiKeyHeader; Body, Form, Header, "
        "QueryString)",
    "Web.TPEngine.SSO.DefaultSSOSessionProvider":
        "idp.engine.ief.compile (the profile's step is skipped on single sign-on)",
    "Web.TPEngine.SSO.NoopSSOSessionProvider": "idp.engine.ief.compile (no session: never "
                                               "skipped)",
    "Web.TPEngine.SSO.OAuthSSOSessionProvider": "idp.protocol (the token issuer's session)",
    "Web.TPEngine.SSO.ExternalLoginSSOSessionProvider": "idp.engine.ief.compile (no "
                                                        "federation here: nothing to keep)",
}

STEP_TYPES: dict[str, str] = {
    "ClaimsExchange": "idp.engine.journey.advance",
    "CombinedSignInAndSignUp": "idp.engine.journey.advance (the unified sign-in page)",
    "ClaimsProviderSelection": "idp.engine.ief.handlers.IefProviderSelection (one choice)",
    "SendClaims": "idp.engine.journey.advance (then the token issuer)",
}

PRECONDITION_TYPES: dict[str, str] = {
    "ClaimsExist": "idp.engine.journey.Precondition",
    "ClaimEquals": "idp.engine.journey.Precondition",
}

TRANSFORMATION_METHODS: frozenset[str] = frozenset(METHODS)

ELEMENTS: frozenset[str] = frozenset({
    "TrustFrameworkPolicy", "BasePolicy", "PolicyId", "TenantId", "BuildingBlocks",
    "ClaimsSchema", "ClaimType", "DisplayName", "DataType", "UserHelpText", "UserInputType",
    "DefaultPartnerClaimTypes", "Protocol", "Restriction", "Pattern", "Enumeration",
    "ClaimsTransformations", "ClaimsTransformation", "InputClaims", "InputClaim",
    "InputParameters", "InputParameter", "OutputClaims", "OutputClaim", "ContentDefinitions",
    "ContentDefinition", "LoadUri", "DataUri", "Metadata", "Item",
    "LocalizedResourcesReferences", "LocalizedResourcesReference", "Localization",
    "SupportedLanguages", "SupportedLanguage", "LocalizedResources", "LocalizedStrings",
    "LocalizedString", "ClaimsProviders", "ClaimsProvider", "Domain", "TechnicalProfiles",
    "TechnicalProfile",
    "CryptographicKeys", "Key", "InputClaimsTransformations", "InputClaimsTransformation",
    "DisplayClaims", "DisplayClaim", "PersistedClaims", "PersistedClaim",
    "OutputClaimsTransformations", "OutputClaimsTransformation", "ValidationTechnicalProfiles",
    "ValidationTechnicalProfile", "Preconditions", "Precondition", "Value", "Action",
    "UseTechnicalProfileForSessionManagement", "IncludeTechnicalProfile",
    "EnabledForUserJourneys", "SubjectNamingInfo", "UserJourneys", "UserJourney",
    "OrchestrationSteps", "OrchestrationStep", "ClaimsProviderSelections",
    "ClaimsProviderSelection", "ClaimsExchanges", "ClaimsExchange", "RelyingParty",
    "DefaultUserJourney", "Endpoints", "Endpoint", "UserJourneyBehaviors", "SingleSignOn",
    "SessionExpiryType", "SessionExpiryInSeconds",
})

#: elements read only with these values (``*`` ends a prefix); another value is refused as not
#: supported yet rather than ignored
ELEMENT_VALUES: dict[str, tuple[str, ...]] = {
    # idp.engine.ief.pipeline.disabled_reason
    "EnabledForUserJourneys": ("Always", "True", "Never", "False", "OnClaimsExistence",
                               "OnItemExistenceInStringCollectionClaim",
                               "OnItemAbsenceInStringCollectionClaim"),
    "LoadUri": ("~/*",),                            # the built-in templates, no custom HTML
}

IGNORED_ELEMENTS: dict[str, str] = {
    "Contacts": "documentation only", "Contact": "documentation only",
    "Email": "documentation only", "Role": "documentation only",
    "TelephoneNumber": "documentation only", "DocumentReferences": "documentation only",
    "DocumentReference": "documentation only", "Url": "documentation only",
    "AdminHelpText": "shown to administrators only",
    "Description": "documentation only",
    "RecoveryUri": "the emulator shows its own error page",
    "ScriptExecution": "pages are the built-in templates: no custom scripts to allow",
    "IncludeInSso": "each step's SSO session provider decides what single sign-on skips",
    "ClientDefinitions": "one kind of client here (the browser)",
    "ClientDefinition": "one kind of client here (the browser)",
    "ClientUIFilterFlags": "one kind of client here (the browser)",
    "PreserveOriginalAssertion": "no SAML here: the original assertion is never kept",
    "OutputTokenFormat": "the issuer always issues JWTs",
    "JourneyInsights": "no Application Insights here: see the run trace instead",
    "AzureApplicationInsights": "no Application Insights here: see the run trace instead",
}


def handler_name(handler: str | None) -> str:
    """The type name of a Protocol Handler attribute, without assembly and version:
    ``"Web.TPEngine.Providers.SelfAssertedAttributeProvider, Web.TPEngine, Version=..."`` ->
    ``"Web.TPEngine.Providers.SelfAssertedAttributeProvider"``."""
    return (handler or "").split(",")[0].strip()
