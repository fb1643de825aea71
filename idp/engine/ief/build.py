"""Read a merged ``TrustFrameworkPolicy`` tree (:mod:`.merge`) into a :class:`.model.MergedPolicy`.

Lifts each element into its dataclass and resolves ``IncludeTechnicalProfile``: a profile that
includes another starts from the included one (itself resolved first) and merges its own parts
on top, with the same rules as inheritance (metadata by key, claim lists appended).
"""
from __future__ import annotations

from . import model as m
from .model import NAMESPACE, PolicyError
from .references import canonical_references

_NS = f"{{{NAMESPACE}}}"

def build_policy(root, chain: tuple[str, ...], origins) -> m.MergedPolicy:
    """The model of a merged tree; ``origins`` is :class:`.merge.Origins`.

    :raise PolicyError: an IncludeTechnicalProfile naming no profile, or a cycle of includes.
    """
    canonical_references(root)
    profiles = _technical_profiles(root, origins)
    blocks = _child(root, "BuildingBlocks")
    relying_party = _child(root, "RelyingParty")
    return m.MergedPolicy(
        policy_id=root.get("PolicyId", ""), tenant_id=root.get("TenantId", ""), chain=chain,
        claim_types={e.get("Id"): claim_type(e) for e in _all(blocks, "ClaimsSchema/ClaimType")},
        transformations={e.get("Id"): transformation(e)
                         for e in _all(blocks, "ClaimsTransformations/ClaimsTransformation")},
        content_definitions={e.get("Id"): content_definition(e)
                             for e in _all(blocks, "ContentDefinitions/ContentDefinition")},
        localization=localization(_child(blocks, "Localization")),
        technical_profiles=profiles,
        user_journeys={e.get("Id"): user_journey(e)
                       for e in _all(root, "UserJourneys/UserJourney")},
        relying_party=None if relying_party is None else _relying_party(relying_party),
        root=root, origins=origins)


# -- BuildingBlocks ---------------------------------------------------------------------------

def claim_type(e) -> m.ClaimType:
    restriction = _child(e, "Restriction")
    mask = _child(e, "Mask")
    predicate = _child(e, "PredicateValidationReference")
    return m.ClaimType(
        id=e.get("Id"), display_name=_text(e, "DisplayName"), data_type=_text(e, "DataType"),
        user_help_text=_text(e, "UserHelpText"), admin_help_text=_text(e, "AdminHelpText"),
        user_input_type=_text(e, "UserInputType") or None,
        default_partner_claim_types={p.get("Name"): p.get("PartnerClaimType", "")
                                     for p in _all(e, "DefaultPartnerClaimTypes/Protocol")},
        restriction=None if restriction is None else _restriction(restriction),
        mask=None if mask is None else (mask.get("Type", ""), (mask.text or "").strip()),
        predicate_validation_reference_id=None if predicate is None else predicate.get("Id"),
        element=e)


def _restriction(e) -> m.Restriction:
    pattern = _child(e, "Pattern")
    return m.Restriction(
        pattern=None if pattern is None else pattern.get("RegularExpression"),
        pattern_help_text=None if pattern is None else pattern.get("HelpText"),
        enumeration=tuple((i.get("Text", ""), i.get("Value", ""),
                           _bool(i.get("SelectByDefault"), False))
                          for i in _all(e, "Enumeration")))


def transformation(e) -> m.ClaimsTransformation:
    def claims(path):
        return tuple(m.TransformationClaim(c.get("ClaimTypeReferenceId", ""),
                                           c.get("TransformationClaimType", ""))
                     for c in _all(e, path))
    return m.ClaimsTransformation(
        id=e.get("Id"), method=e.get("TransformationMethod", ""),
        input_claims=claims("InputClaims/InputClaim"),
        input_parameters=tuple(m.InputParameter(p.get("Id", ""), p.get("DataType", "string"),
                                                p.get("Value", ""))
                               for p in _all(e, "InputParameters/InputParameter")),
        output_claims=claims("OutputClaims/OutputClaim"), element=e)


def content_definition(e) -> m.ContentDefinition:
    return m.ContentDefinition(
        id=e.get("Id"), load_uri=_text(e, "LoadUri"), recovery_uri=_text(e, "RecoveryUri"),
        data_uri=_text(e, "DataUri"), metadata=_metadata(e),
        localized_resources_references=tuple(
            (r.get("Language", ""), r.get("LocalizedResourcesReferenceId", ""))
            for r in _all(e, "LocalizedResourcesReferences/LocalizedResourcesReference")),
        element=e)


def localization(e) -> m.Localization | None:
    if e is None:
        return None
    languages = _child(e, "SupportedLanguages")
    supported = tuple((s.text or "").strip() for s in _all(languages, "SupportedLanguage"))
    default = languages.get("DefaultLanguage") if languages is not None else None
    return m.Localization(
        enabled=_bool(e.get("Enabled"), True),
        default_language=default or (supported[0] if supported else "en"),
        supported_languages=supported or ("en",),
        localized_resources={r.get("Id"): _localized_resources(r)
                             for r in _all(e, "LocalizedResources")})


def _localized_resources(e) -> m.LocalizedResources:
    return m.LocalizedResources(
        id=e.get("Id"),
        strings=tuple(m.LocalizedString(s.get("ElementType", ""), s.get("StringId", ""),
                                        s.text or "", s.get("ElementId"))
                      for s in _all(e, "LocalizedStrings/LocalizedString")),
        collections=tuple(m.LocalizedCollection(
            c.get("ElementType", ""), c.get("ElementId", ""), c.get("TargetCollection", ""),
            tuple((i.get("Text", ""), i.get("Value", "")) for i in _all(c, "Item")))
            for c in _all(e, "LocalizedCollections/LocalizedCollection")))


# -- technical profiles -----------------------------------------------------------------------

def _technical_profiles(root, origins) -> dict[str, m.TechnicalProfileDef]:
    elements, providers = {}, {}
    for provider in _all(root, "ClaimsProviders/ClaimsProvider"):
        for profile in _all(provider, "TechnicalProfiles/TechnicalProfile"):
            elements[profile.get("Id")] = profile
            providers[profile.get("Id")] = provider
    resolved: dict[str, object] = {}
    for ident in elements:
        _resolve_include(ident, elements, resolved, origins, ())
    return {ident: technical_profile(resolved[ident], providers[ident]) for ident in elements}


def _resolve_include(ident, elements, resolved, origins, trail):
    """The profile's element with its IncludeTechnicalProfile merged in (recursively)."""
    if ident in resolved:
        return resolved[ident]
    element = elements[ident]
    include = _child(element, "IncludeTechnicalProfile")
    if include is None:
        resolved[ident] = element
        return element
    target = include.get("ReferenceId", "")
    where = _where(f"TechnicalProfile '{ident}'", element, origins)
    if target in trail + (ident,):
        cycle = " -> ".join(trail + (ident, target))
        raise PolicyError(f"IncludeTechnicalProfile forms a cycle: {cycle}.", where=where)
    if target not in elements:
        raise PolicyError(f"TechnicalProfile '{ident}' includes TechnicalProfile '{target}', "
                          "which neither the policy nor any of its base policies defines.",
                          where=where)
    from .merge import merge_include   # the inheritance rules, reused for includes
    included = _resolve_include(target, elements, resolved, origins, trail + (ident,))
    resolved[ident] = merge_include(included, element, origins)
    return resolved[ident]


def technical_profile(e, provider=None) -> m.TechnicalProfileDef:
    protocol = _child(e, "Protocol")
    session = _child(e, "UseTechnicalProfileForSessionManagement")
    include_in_sso = _child(e, "IncludeInSso")
    subject = _child(e, "SubjectNamingInfo")
    return m.TechnicalProfileDef(
        id=e.get("Id", ""),
        claims_provider="" if provider is None else _text(provider, "DisplayName"),
        claims_provider_domain=None if provider is None else _text(provider, "Domain") or None,
        display_name=_text(e, "DisplayName"), description=_text(e, "Description"),
        protocol_name="" if protocol is None else protocol.get("Name", ""),
        protocol_handler=None if protocol is None else protocol.get("Handler"),
        metadata=_metadata(e),
        cryptographic_keys={k.get("Id"): k.get("StorageReferenceId", "")
                            for k in _all(e, "CryptographicKeys/Key")},
        input_claims_transformations=_refs(e, "InputClaimsTransformations/"
                                              "InputClaimsTransformation"),
        input_claims=_claims(e, "InputClaims/InputClaim"),
        display_claims=_claims(e, "DisplayClaims/DisplayClaim"),
        persisted_claims=_claims(e, "PersistedClaims/PersistedClaim"),
        output_claims=_claims(e, "OutputClaims/OutputClaim"),
        output_claims_transformations=_refs(e, "OutputClaimsTransformations/"
                                               "OutputClaimsTransformation"),
        validation_technical_profiles=tuple(
            m.ValidationTechnicalProfileRef(
                v.get("ReferenceId", ""), _bool(v.get("ContinueOnError"), False),
                _bool(v.get("ContinueOnSuccess"), True), _preconditions(v))
            for v in _all(e, "ValidationTechnicalProfiles/ValidationTechnicalProfile")),
        use_technical_profile_for_session_management=None if session is None
        else session.get("ReferenceId"),
        include_in_sso=None if include_in_sso is None else _bool(include_in_sso.text, True),
        enabled_for_user_journeys=_text(e, "EnabledForUserJourneys") or None,
        subject_naming_info=None if subject is None else subject.get("ClaimType"),
        element=e)


def _claims(e, path) -> tuple[m.PolicyClaim, ...]:
    return tuple(m.PolicyClaim(
        c.get("ClaimTypeReferenceId", ""), c.get("DefaultValue"), c.get("PartnerClaimType"),
        _bool(c.get("AlwaysUseDefaultValue"), False), _bool(c.get("Required"), False),
        c.get("DisplayControlReferenceId")) for c in _all(e, path))


# -- journeys and the relying party -----------------------------------------------------------

def user_journey(e) -> m.UserJourneyDef:
    steps = sorted((_step(s) for s in _all(e, "OrchestrationSteps/OrchestrationStep")),
                   key=lambda s: s.order)
    return m.UserJourneyDef(
        id=e.get("Id"), steps=tuple(steps),
        default_cpim_issuer_technical_profile_reference_id=e.get(
            "DefaultCpimIssuerTechnicalProfileReferenceId"), element=e)


def _step(e) -> m.OrchestrationStepDef:
    return m.OrchestrationStepDef(
        order=_int(e.get("Order"), 0), type=e.get("Type", ""),
        content_definition_reference_id=e.get("ContentDefinitionReferenceId"),
        cpim_issuer_technical_profile_reference_id=e.get(
            "CpimIssuerTechnicalProfileReferenceId"),
        claims_provider_selections=tuple(
            m.ClaimsProviderSelectionDef(s.get("TargetClaimsExchangeId"),
                                         s.get("ValidationClaimsExchangeId"))
            for s in _all(e, "ClaimsProviderSelections/ClaimsProviderSelection")),
        claims_exchanges=tuple(m.ClaimsExchangeDef(x.get("Id", ""),
                                                   x.get("TechnicalProfileReferenceId", ""))
                               for x in _all(e, "ClaimsExchanges/ClaimsExchange")),
        preconditions=_preconditions(e), element=e)


def _preconditions(e) -> tuple[m.PreconditionDef, ...]:
    return tuple(m.PreconditionDef(
        p.get("Type", ""), _bool(p.get("ExecuteActionsIf"), True),
        tuple((v.text or "").strip() for v in _all(p, "Value")), _text(p, "Action"))
        for p in _all(e, "Preconditions/Precondition"))


def _relying_party(e) -> m.RelyingPartyDef:
    behaviours = _child(e, "UserJourneyBehaviors")
    journey = _child(e, "DefaultUserJourney")
    profile = _child(e, "TechnicalProfile")
    return m.RelyingPartyDef(
        default_user_journey="" if journey is None else journey.get("ReferenceId", ""),
        technical_profile=technical_profile(profile if profile is not None
                                            else _blank("TechnicalProfile")),
        user_journey_behaviors=_behaviours(behaviours),
        endpoints={p.get("Id"): p.get("UserJourneyReferenceId", "")
                   for p in _all(e, "Endpoints/Endpoint")})


def _behaviours(e) -> m.UserJourneyBehaviors:
    if e is None:
        return m.UserJourneyBehaviors()
    sso = _child(e, "SingleSignOn")
    raw = {c.tag.rpartition("}")[2]: (c.text or "").strip() for c in e if isinstance(c.tag, str)}
    return m.UserJourneyBehaviors(
        single_sign_on_scope=None if sso is None else sso.get("Scope"),
        keep_alive_in_days=None if sso is None else _int(sso.get("KeepAliveInDays"), None),
        session_expiry_type=raw.get("SessionExpiryType") or None,
        session_expiry_in_seconds=_int(raw.get("SessionExpiryInSeconds"), None),
        script_execution=raw.get("ScriptExecution") or None, raw=raw)


# -- helpers ----------------------------------------------------------------------------------

def _child(e, tag):
    return None if e is None else e.find(f"{_NS}{tag}")


def _all(e, path):
    if e is None:
        return []
    return e.findall("/".join(f"{_NS}{part}" for part in path.split("/")))


def _text(e, tag) -> str:
    child = _child(e, tag)
    return "" if child is None else (child.text or "").strip()


def _metadata(e) -> dict[str, str]:
    return {i.get("Key"): (i.text or "").strip() for i in _all(e, "Metadata/Item")}


def _refs(e, path) -> tuple[str, ...]:
    return tuple(r.get("ReferenceId", "") for r in _all(e, path))


def _bool(value, default: bool) -> bool:
    return default if value is None else value.strip().lower() == "true"


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _blank(tag):
    from xml.etree.ElementTree import Element
    return Element(f"{_NS}{tag}")


def _where(what: str, element, origins) -> str:
    policy_id, line = origins.get(id(element), (None, None))
    if policy_id is None:
        return what
    return f"{what} in {policy_id}" + (f" (line {line})" if line else "")
