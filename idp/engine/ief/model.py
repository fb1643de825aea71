"""The custom-policy model: one parsed file, and the merged policy a chain of files makes.

These frozen dataclasses are the contract between the loader (parse, merge, validate), the
compiler (:mod:`.compile`) and the portal/protocol code that stores and runs ``B2C_1A_``
policies.  Names follow the policy schema (``TrustFrameworkPolicy_0.3.0.0.xsd``) in snake_case,
so ``ClaimTypeReferenceId`` is ``claim_type_reference_id``.  Collections are tuples (order
matters in IEF: claims are shown, steps run and transformations apply in document order) and
dicts keyed by the element's Id; treat the dicts as read-only.  Every definition keeps the merged
XML element it was read from (``element``) for the rare attribute this model does not lift.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: the namespace every policy file's elements live in
NAMESPACE = "http://schemas.microsoft.com/online/cpim/schemas/2013/06"


class PolicyError(Exception):
    """A policy file or chain that cannot be loaded; ``where`` says which element, e.g.
    ``"TechnicalProfile 'login-NonInteractive' in B2C_1A_TrustFrameworkExtensions"``."""

    def __init__(self, message: str, where: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.line = line

    def __str__(self) -> str:
        return f"{self.message} ({self.where})" if self.where else self.message


@dataclass(frozen=True)
class PolicyProblem:
    """One reason an upload is refused (:func:`.validate.validate_upload`).

    ``kind`` lets the portal group them: ``base_missing``, ``undefined``, ``unproduced_claim``,
    ``key_container``, ``unsupported``, ``invalid``.  ``message`` is the full sentence shown.
    """

    kind: str
    message: str
    where: str | None = None

    def __str__(self) -> str:
        return f"{self.message} ({self.where})" if self.where else self.message


@dataclass(frozen=True)
class PolicyFile:
    """One uploaded XML file, parsed but not merged (:func:`.parse.parse_policy`).

    ``root`` is the ``TrustFrameworkPolicy`` element (an ``xml.etree.ElementTree.Element``,
    tags in ``{NAMESPACE}Name`` form; never mutate it: merging works on copies).  ``lines`` maps
    ``id(element)`` to its source line (see :meth:`line_of`), for messages.  ``text`` is the
    file as uploaded (decoded), for download.
    """

    policy_id: str
    tenant_id: str
    base_policy_id: str | None
    root: Any = field(repr=False, compare=False)
    base_tenant_id: str | None = None
    public_policy_uri: str | None = None
    deployment_mode: str | None = None            # Production | Development
    user_journey_recorder_endpoint: str | None = None
    text: str = field(default="", repr=False, compare=False)
    lines: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_relying_party(self) -> bool:
        """True for a relying-party file (the one apps name in ``p=`` / the URL)."""
        return self.root.find(f"{{{NAMESPACE}}}RelyingParty") is not None

    def line_of(self, element) -> int | None:
        """The line an element of :attr:`root` started on, when known."""
        return self.lines.get(id(element))


# -- BuildingBlocks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Restriction:
    """``<Restriction>``: a ``Pattern`` (regular expression and help text) or enumeration
    items (text, value, selected by default)."""

    pattern: str | None = None
    pattern_help_text: str | None = None
    enumeration: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class ClaimType:
    """``<ClaimType Id=...>`` of the ClaimsSchema, after inheritance."""

    id: str
    display_name: str = ""
    #: string, boolean, int, long, date, dateTime, stringCollection, ...
    data_type: str = "string"
    user_help_text: str = ""
    admin_help_text: str = ""
    user_input_type: str | None = None           # TextBox, Password, Readonly, Paragraph, ...
    #: ``<DefaultPartnerClaimTypes><Protocol Name="OpenIdConnect" PartnerClaimType="sub"/>``
    default_partner_claim_types: dict[str, str] = field(default_factory=dict)
    restriction: Restriction | None = None
    mask: tuple[str, str] | None = None          # (Type, value), e.g. ("Simple", "XXX-XXX-")
    predicate_validation_reference_id: str | None = None
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class TransformationClaim:
    """A claim of a claims transformation: the policy's claim and the method's parameter name."""

    claim_type_reference_id: str
    transformation_claim_type: str


@dataclass(frozen=True)
class InputParameter:
    """``<InputParameter Id DataType Value/>`` of a claims transformation."""

    id: str
    data_type: str
    value: str


@dataclass(frozen=True)
class ClaimsTransformation:
    """``<ClaimsTransformation Id TransformationMethod>``."""

    id: str
    method: str
    input_claims: tuple[TransformationClaim, ...] = ()
    input_parameters: tuple[InputParameter, ...] = ()
    output_claims: tuple[TransformationClaim, ...] = ()
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ContentDefinition:
    """``<ContentDefinition Id>``: the page a step shows and its localized resources."""

    id: str
    load_uri: str = ""
    recovery_uri: str = ""
    data_uri: str = ""                            # urn:com:microsoft:aad:b2c:elements:...
    metadata: dict[str, str] = field(default_factory=dict)
    #: (Language, LocalizedResourcesReferenceId) in document order
    localized_resources_references: tuple[tuple[str, str], ...] = ()
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class LocalizedString:
    """``<LocalizedString ElementType ElementId StringId>text``."""

    element_type: str
    string_id: str
    text: str
    element_id: str | None = None


@dataclass(frozen=True)
class LocalizedCollection:
    """``<LocalizedCollection>`` replacing a claim's enumeration: items are (Text, Value)."""

    element_type: str
    element_id: str
    target_collection: str
    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LocalizedResources:
    """``<LocalizedResources Id>``: strings (and collections) for one language."""

    id: str
    strings: tuple[LocalizedString, ...] = ()
    collections: tuple[LocalizedCollection, ...] = ()


@dataclass(frozen=True)
class Localization:
    """``<Localization Enabled>`` after inheritance."""

    enabled: bool = True
    default_language: str = "en"
    supported_languages: tuple[str, ...] = ("en",)
    localized_resources: dict[str, LocalizedResources] = field(default_factory=dict)


# -- ClaimsProviders ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyClaim:
    """An ``InputClaim``/``OutputClaim``/``PersistedClaim``/``DisplayClaim`` of a profile.

    A DisplayClaim may name a display control instead of a claim
    (``display_control_reference_id``, with ``claim_type_reference_id`` empty).
    """

    claim_type_reference_id: str
    default_value: str | None = None
    partner_claim_type: str | None = None
    always_use_default_value: bool = False
    required: bool = False
    display_control_reference_id: str | None = None


@dataclass(frozen=True)
class PreconditionDef:
    """``<Precondition Type ExecuteActionsIf>``: ``values`` are the ``<Value>`` texts
    (ClaimsExist: the claim; ClaimEquals: the claim and the value); ``action`` is
    ``SkipThisOrchestrationStep`` (or ``SkipThisValidationTechnicalProfile``)."""

    type: str
    execute_actions_if: bool
    values: tuple[str, ...]
    action: str


@dataclass(frozen=True)
class ValidationTechnicalProfileRef:
    """``<ValidationTechnicalProfile ReferenceId ContinueOnError ContinueOnSuccess>``."""

    reference_id: str
    continue_on_error: bool = False
    continue_on_success: bool = True
    preconditions: tuple[PreconditionDef, ...] = ()


@dataclass(frozen=True)
class TechnicalProfileDef:
    """``<TechnicalProfile Id>`` after inheritance and with ``IncludeTechnicalProfile``
    already resolved (the included profile's parts come first, this one's override/append).

    ``claims_provider`` is the enclosing ClaimsProvider's DisplayName (``claims_provider_domain``
    its Domain); ``protocol_name``/``protocol_handler`` come from ``<Protocol Name Handler>``.
    """

    id: str
    claims_provider: str = ""
    claims_provider_domain: str | None = None
    display_name: str = ""
    description: str = ""
    protocol_name: str = ""                       # Proprietary, OpenIdConnect, None, ...
    protocol_handler: str | None = None           # the .NET type name for Proprietary
    metadata: dict[str, str] = field(default_factory=dict)
    #: ``<Key Id="issuer_secret" StorageReferenceId="B2C_1A_TokenSigningKeyContainer"/>``
    cryptographic_keys: dict[str, str] = field(default_factory=dict)
    input_claims_transformations: tuple[str, ...] = ()
    input_claims: tuple[PolicyClaim, ...] = ()
    display_claims: tuple[PolicyClaim, ...] = ()
    persisted_claims: tuple[PolicyClaim, ...] = ()
    output_claims: tuple[PolicyClaim, ...] = ()
    output_claims_transformations: tuple[str, ...] = ()
    validation_technical_profiles: tuple[ValidationTechnicalProfileRef, ...] = ()
    #: ``UseTechnicalProfileForSessionManagement ReferenceId`` (an SSO session provider)
    use_technical_profile_for_session_management: str | None = None
    include_in_sso: bool | None = None
    enabled_for_user_journeys: str | None = None  # Always, Never, OnClaimsExistence, ...
    #: only on the relying party's profile: ``<SubjectNamingInfo ClaimType>``
    subject_naming_info: str | None = None
    element: Any = field(default=None, repr=False, compare=False)


# -- UserJourneys and the relying party --------------------------------------------------------

@dataclass(frozen=True)
class ClaimsProviderSelectionDef:
    """``<ClaimsProviderSelection TargetClaimsExchangeId | ValidationClaimsExchangeId>``."""

    target_claims_exchange_id: str | None = None
    validation_claims_exchange_id: str | None = None


@dataclass(frozen=True)
class ClaimsExchangeDef:
    """``<ClaimsExchange Id TechnicalProfileReferenceId>``."""

    id: str
    technical_profile_reference_id: str


@dataclass(frozen=True)
class OrchestrationStepDef:
    """``<OrchestrationStep Order Type>`` after inheritance (merged by Order)."""

    order: int
    #: ClaimsExchange, CombinedSignInAndSignUp, ClaimsProviderSelection, SendClaims, ...
    type: str
    content_definition_reference_id: str | None = None
    cpim_issuer_technical_profile_reference_id: str | None = None
    claims_provider_selections: tuple[ClaimsProviderSelectionDef, ...] = ()
    claims_exchanges: tuple[ClaimsExchangeDef, ...] = ()
    preconditions: tuple[PreconditionDef, ...] = ()
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class UserJourneyDef:
    """``<UserJourney Id>``: its orchestration steps sorted by Order."""

    id: str
    steps: tuple[OrchestrationStepDef, ...] = ()
    default_cpim_issuer_technical_profile_reference_id: str | None = None
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class UserJourneyBehaviors:
    """``<UserJourneyBehaviors>`` of the relying party (session and SSO settings).

    ``raw`` holds every child element's text by tag, for what is not lifted here.
    """

    single_sign_on_scope: str | None = None       # Suppressed, Tenant, Application, Policy
    keep_alive_in_days: int | None = None
    session_expiry_type: str | None = None        # Rolling | Absolute
    session_expiry_in_seconds: int | None = None
    script_execution: str | None = None           # Allow | Disallow
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RelyingPartyDef:
    """``<RelyingParty>`` of the leaf file: the journey apps run and the token it sends.

    ``technical_profile`` holds the protocol (``protocol_name``, usually OpenIdConnect), its
    ``metadata``, ``input_claims``, ``output_claims`` (with ``partner_claim_type`` and
    ``default_value``) and ``subject_naming_info`` (the claim that becomes ``sub``).
    ``endpoints`` maps an Endpoint Id (``Token``) to its UserJourneyReferenceId.
    """

    default_user_journey: str
    technical_profile: TechnicalProfileDef
    user_journey_behaviors: UserJourneyBehaviors = field(default_factory=UserJourneyBehaviors)
    endpoints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MergedPolicy:
    """A policy with its whole inheritance chain applied (:func:`.merge.merge_chain`).

    ``chain`` lists PolicyIds from the root base to this policy.  ``root`` is the merged
    ``TrustFrameworkPolicy`` element (what "view merged policy" shows).  ``relying_party`` is
    ``None`` only when a base file (no RelyingParty) is merged on its own.
    """

    policy_id: str
    tenant_id: str
    chain: tuple[str, ...]
    claim_types: dict[str, ClaimType]
    transformations: dict[str, ClaimsTransformation]
    content_definitions: dict[str, ContentDefinition]
    localization: Localization | None
    technical_profiles: dict[str, TechnicalProfileDef]
    user_journeys: dict[str, UserJourneyDef]
    relying_party: RelyingPartyDef | None
    root: Any = field(default=None, repr=False, compare=False)
    #: ``id(element)`` of :attr:`root` -> (PolicyId, line) of the file it came from
    origins: dict[int, tuple[str, int | None]] = field(default_factory=dict, repr=False,
                                                        compare=False)

    def where(self, what: str, element) -> str:
        """``what`` with the file (and line) ``element`` came from, for messages:
        ``"TechnicalProfile 'X' in B2C_1A_TrustFrameworkExtensions (line 30)"``."""
        policy_id, line = self.origins.get(id(element), (None, None))
        if policy_id is None:
            return what
        return f"{what} in {policy_id}" + (f" (line {line})" if line else "")
