"""Which element may appear inside which, per the TrustFrameworkPolicy schema.

B2C validates every upload against ``TrustFrameworkPolicy_0.3.0.0.xsd`` and refuses an element
the schema does not allow where it stands (a typo such as ``<OutputClaimz>``, or an
``<InputClaim>`` put straight into a ``<TechnicalProfile>``).  :mod:`.parse` does the same with
this table, so an element the emulator does not know is named, never silently skipped.

:data:`CHILDREN` was extracted from the schema's content models (its complex types followed
from the root), keyed by element name only (the schema reuses a few names, e.g. ``Item`` or
``TechnicalProfile``, whose allowed children are merged here), plus the display-control parts
B2C added after 0.3.0.0.  Elements absent as keys hold text only.  Whether the emulator *runs* an
element is a separate question: see :mod:`.support`.
"""
from __future__ import annotations

CHILDREN: dict[str, frozenset[str]] = {
    "Authorization": frozenset({"AuthorizationTechnicalProfiles"}),
    "AuthorizationTechnicalProfiles": frozenset({"AuthorizationTechnicalProfile"}),
    "BasePolicy": frozenset({"PolicyId", "TenantId"}),
    "BuildingBlocks": frozenset({
        "ClaimsSchema", "ClaimsTransformations", "ClientDefinitions", "ContentDefinitions",
        "DisplayControls", "InputValidations", "Localization", "PredicateValidations",
        "Predicates"
    }),
    "ClaimType": frozenset({
        "AdminHelpText", "DataType", "DefaultPartnerClaimTypes", "DisplayName",
        "InputValidationReference", "Mask", "PredicateValidationReference", "Restriction",
        "UserHelpText", "UserInputType"
    }),
    "ClaimsExchanges": frozenset({"ClaimsExchange"}),
    "ClaimsProvider": frozenset({"DisplayName", "Domain", "Domains", "TechnicalProfiles"}),
    "ClaimsProviderSelections": frozenset({"ClaimsProviderSelection"}),
    "ClaimsProviders": frozenset({"ClaimsProvider"}),
    "ClaimsSchema": frozenset({"ClaimType"}),
    "ClaimsTransformation": frozenset({"InputClaims", "InputParameters", "OutputClaims"}),
    "ClaimsTransformations": frozenset({"ClaimsTransformation"}),
    "ClientDefinition": frozenset({"ClientUIFilterFlags"}),
    "ClientDefinitions": frozenset({"ClientDefinition"}),
    "Contact": frozenset({"DisplayName", "Email", "Role", "TelephoneNumber"}),
    "Contacts": frozenset({"Contact"}),
    "ContentDefinition": frozenset({
        "DataUri", "LoadUri", "LocalizedResourcesReferences", "Metadata", "RecoveryUri"
    }),
    "ContentDefinitionParameters": frozenset({"Parameter"}),
    "ContentDefinitions": frozenset({"ContentDefinition"}),
    "CryptographicKeys": frozenset({"Key"}),
    "DefaultPartnerClaimTypes": frozenset({"Protocol"}),
    "DisplayClaims": frozenset({"DisplayClaim"}),
    "DisplayControls": frozenset({"DisplayControl"}),
    "DocumentReference": frozenset({"DisplayName", "Url"}),
    "DocumentReferences": frozenset({"DocumentReference"}),
    "Domains": frozenset({"Domain"}),
    "Endpoints": frozenset({"Endpoint"}),
    "ErrorHandler": frozenset({
        "Action", "AdditionalRequestParameters", "ErrorResponseFormat", "ResponseMatch"
    }),
    "ErrorHandlers": frozenset({"ErrorHandler"}),
    "Inheritance": frozenset({"ConstraintHandler", "Tenants"}),
    "InputClaims": frozenset({"InputClaim"}),
    "InputClaimsTransformations": frozenset({"InputClaimsTransformation"}),
    "InputParameters": frozenset({"InputParameter"}),
    "InputTokenSources": frozenset({"TechnicalProfile"}),
    "InputValidation": frozenset({"PredicateReferences"}),
    "InputValidations": frozenset({"InputValidation"}),
    "JourneyList": frozenset({"Candidate"}),
    "Localization": frozenset({"LocalizedResources", "SupportedLanguages"}),
    "LocalizedCollection": frozenset({"Item"}),
    "LocalizedCollections": frozenset({"LocalizedCollection"}),
    "LocalizedResources": frozenset({"LocalizedCollections", "LocalizedStrings"}),
    "LocalizedResourcesReferences": frozenset({"LocalizedResourcesReference"}),
    "LocalizedStrings": frozenset({"LocalizedString"}),
    "Metadata": frozenset({"Item"}),
    "OrchestrationStep": frozenset({
        "ClaimsExchanges", "ClaimsProviderSelections", "JourneyList", "Preconditions"
    }),
    "OrchestrationSteps": frozenset({"OrchestrationStep"}),
    "OutputClaims": frozenset({"OutputClaim"}),
    "OutputClaimsTransformations": frozenset({"OutputClaimsTransformation"}),
    "Parameters": frozenset({"Parameter"}),
    "PersistedClaims": frozenset({"PersistedClaim"}),
    "PolicyConstraints": frozenset({"Inheritance", "RerouteRules"}),
    "Precondition": frozenset({"Action", "Value"}),
    "Preconditions": frozenset({"Precondition"}),
    "Predicate": frozenset({"Parameters", "UserHelpText"}),
    "PredicateGroup": frozenset({"PredicateReferences", "UserHelpText"}),
    "PredicateGroups": frozenset({"PredicateGroup"}),
    "PredicateReferences": frozenset({"PredicateReference"}),
    "PredicateValidation": frozenset({"PredicateGroups"}),
    "PredicateValidations": frozenset({"PredicateValidation"}),
    "Predicates": frozenset({"Predicate"}),
    "RelyingParty": frozenset({
        "DefaultUserJourney", "Endpoints", "TechnicalProfile", "UserJourneyBehaviors"
    }),
    "RequiredAssuranceLevelsOfInputClaims": frozenset({"RequiredAssuranceLevelOfInputClaims"}),
    "RerouteRules": frozenset({"RerouteRule"}),
    "Restriction": frozenset({"Enumeration", "Pattern"}),
    "SubJourney": frozenset({"OrchestrationSteps"}),
    "SubJourneys": frozenset({"SubJourney"}),
    "SupportedLanguages": frozenset({"SupportedLanguage"}),
    "Suppressions": frozenset({"Item"}),
    "TechnicalProfile": frozenset({
        "AssuranceLevelOfOutputClaims", "CryptographicKeys", "Description", "DisplayClaims",
        "DisplayName", "Domain", "Domains", "EnabledForUserJourneys", "ErrorHandlers",
        "Extensions", "IncludeClaimsFromTechnicalProfile", "IncludeInSso",
        "IncludeTechnicalProfile", "InputClaims", "InputClaimsTransformations",
        "InputTokenFormat", "InputTokenSources", "Metadata", "OutputClaims",
        "OutputClaimsTransformations", "OutputTokenFormat", "PersistedClaims", "PreferredBinding",
        "Protocol", "RequiredAssuranceLevelsOfInputClaims", "SubjectAuthenticationRequirements",
        "SubjectNamingInfo", "Suppressions", "UseTechnicalProfileForSessionManagement",
        "ValidationTechnicalProfiles"
    }),
    "TechnicalProfiles": frozenset({"TechnicalProfile"}),
    "Tenants": frozenset({"Tenant"}),
    "TrustFrameworkPolicy": frozenset({
        "BasePolicy", "BuildingBlocks", "ClaimsProviders", "Contacts", "DocumentReferences",
        "PolicyConstraints", "RelyingParty", "SubJourneys", "UserJourneys"
    }),
    "UserJourney": frozenset({
        "AssuranceLevel", "Authorization", "ClientDefinition", "CryptographicKeys",
        "OrchestrationSteps", "PreserveOriginalAssertion"
    }),
    "UserJourneyBehaviors": frozenset({
        "AzureApplicationInsights", "ContentDefinitionParameters", "JourneyFraming",
        "JourneyInsights", "OnError", "ScriptExecution", "SessionExpiryInSeconds",
        "SessionExpiryType", "SingleSignOn"
    }),
    "UserJourneys": frozenset({"UserJourney"}),
    "ValidationTechnicalProfile": frozenset({"Preconditions"}),
    "ValidationTechnicalProfiles": frozenset({"ValidationTechnicalProfile"}),}
# Added to the schema after 0.3.0.0 (display controls, e.g. email verification with a code).
CHILDREN["DisplayControl"] = frozenset({"InputClaims", "DisplayClaims", "OutputClaims", "Actions"})
CHILDREN["Actions"] = frozenset({"Action"})
CHILDREN["Action"] = frozenset({"ValidationClaimsExchange"})
CHILDREN["ValidationClaimsExchange"] = frozenset({"ValidationClaimsExchangeTechnicalProfile"})
CHILDREN["ValidationClaimsExchangeTechnicalProfile"] = frozenset({"Preconditions"})

#: every element name the schema knows
ELEMENTS: frozenset[str] = frozenset(CHILDREN).union(*CHILDREN.values())

#: attributes the schema requires (``use="required"``), by element, or by (parent, element)
#: where one name means two things (``Item`` of Metadata and of a LocalizedCollection).  A
#: missing one is refused as B2C's schema check does.  Choice: the root's PolicySchemaVersion
#: and PublicPolicyUri, also required by the schema, are not insisted on (nothing here uses them).
REQUIRED: dict[str | tuple[str, str], tuple[str, ...]] = {
    "ClaimType": ("Id",), "ClaimsTransformation": ("Id", "TransformationMethod"),
    "ClaimsExchange": ("Id", "TechnicalProfileReferenceId"),
    ("ClientDefinitions", "ClientDefinition"): ("Id",),
    ("UserJourney", "ClientDefinition"): ("ReferenceId",),
    "ContentDefinition": ("Id",), "DefaultUserJourney": ("ReferenceId",),
    "DisplayControl": ("Id",), "Endpoint": ("Id", "UserJourneyReferenceId"),
    "Enumeration": ("Text", "Value"), "IncludeTechnicalProfile": ("ReferenceId",),
    "InputClaimsTransformation": ("ReferenceId",), "InputParameter": ("Id", "DataType", "Value"),
    "Key": ("Id", "StorageReferenceId"),
    "LocalizedCollection": ("ElementType", "ElementId", "TargetCollection"),
    "LocalizedResources": ("Id",),
    "LocalizedResourcesReference": ("Language", "LocalizedResourcesReferenceId"),
    "LocalizedString": ("ElementType", "StringId"), "Mask": ("Type",),
    "OrchestrationStep": ("Order", "Type"), "OutputClaimsTransformation": ("ReferenceId",),
    "Pattern": ("RegularExpression",), "Precondition": ("Type", "ExecuteActionsIf"),
    "Predicate": ("Id", "Method"), "PredicateValidation": ("Id",), "SingleSignOn": ("Scope",),
    "SubJourney": ("Id", "Type"), "SubjectNamingInfo": ("ClaimType",),
    "TechnicalProfile": ("Id",), "UseTechnicalProfileForSessionManagement": ("ReferenceId",),
    "UserJourney": ("Id",), "ValidationTechnicalProfile": ("ReferenceId",),
    ("InputClaims", "InputClaim"): ("ClaimTypeReferenceId",),
    ("OutputClaims", "OutputClaim"): ("ClaimTypeReferenceId",),
    ("PersistedClaims", "PersistedClaim"): ("ClaimTypeReferenceId",),
    ("Metadata", "Item"): ("Key",), ("LocalizedCollection", "Item"): ("Text", "Value"),
    ("TechnicalProfile", "Protocol"): ("Name",),
    ("DefaultPartnerClaimTypes", "Protocol"): ("Name", "PartnerClaimType"),
}
