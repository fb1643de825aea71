"""References between the elements of a policy: which attribute (or text) names which kind of
element, and the spelling every reference takes.

B2C matches Ids without regard to case, so a reference is resolved case-insensitively and then
rewritten to the spelling of the Id it names (:func:`canonical_references`); :mod:`.validate`
reports the ones that name nothing.
"""
from __future__ import annotations

from .model import NAMESPACE

_NS = f"{{{NAMESPACE}}}"

#: (element, attribute) -> the kind of element the attribute's value names
REFERENCES = {
    ("InputClaim", "ClaimTypeReferenceId"): "ClaimType",
    ("OutputClaim", "ClaimTypeReferenceId"): "ClaimType",
    ("PersistedClaim", "ClaimTypeReferenceId"): "ClaimType",
    ("DisplayClaim", "ClaimTypeReferenceId"): "ClaimType",
    ("DisplayClaim", "DisplayControlReferenceId"): "DisplayControl",
    ("InputClaimsTransformation", "ReferenceId"): "ClaimsTransformation",
    ("OutputClaimsTransformation", "ReferenceId"): "ClaimsTransformation",
    ("ValidationTechnicalProfile", "ReferenceId"): "TechnicalProfile",
    ("UseTechnicalProfileForSessionManagement", "ReferenceId"): "TechnicalProfile",
    ("IncludeTechnicalProfile", "ReferenceId"): "TechnicalProfile",
    ("ClaimsExchange", "TechnicalProfileReferenceId"): "TechnicalProfile",
    ("OrchestrationStep", "CpimIssuerTechnicalProfileReferenceId"): "TechnicalProfile",
    ("UserJourney", "DefaultCpimIssuerTechnicalProfileReferenceId"): "TechnicalProfile",
    ("OrchestrationStep", "ContentDefinitionReferenceId"): "ContentDefinition",
    ("LocalizedResourcesReference", "LocalizedResourcesReferenceId"): "LocalizedResources",
    ("DefaultUserJourney", "ReferenceId"): "UserJourney",
    ("Endpoint", "UserJourneyReferenceId"): "UserJourney",
    ("ClientDefinition", "ReferenceId"): "ClientDefinition",
    ("PredicateValidationReference", "Id"): "PredicateValidation",
    ("InputValidationReference", "Id"): "InputValidation",
    ("PredicateReference", "Id"): "Predicate",
}
#: elements whose Id names them (and that other elements refer to)
NAMED = ("ClaimType", "ClaimsTransformation", "ContentDefinition", "TechnicalProfile",
         "UserJourney", "SubJourney", "LocalizedResources", "DisplayControl", "Predicate",
         "PredicateValidation", "InputValidation", "ClientDefinition")


def canonical_references(root) -> None:
    """Spell every reference as its target's Id is spelt.

    B2C matches Ids without regard to case: the starter pack's base defines ClaimType
    ``surname`` and outputs ``surName``, and works.  Rewriting the references (in the merged
    copy) lets everything downstream, claims bag included, use one spelling.
    """
    ids = {kind: {} for kind in NAMED}
    for kind in NAMED:
        for element in root.iter(f"{_NS}{kind}"):
            if element.get("Id") is not None:
                ids[kind].setdefault(element.get("Id").lower(), element.get("Id"))
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        for (owner, attribute), kind in REFERENCES.items():
            value = element.get(attribute) if owner == tag else None
            if value is not None and value.lower() in ids[kind]:
                element.set(attribute, ids[kind][value.lower()])
        for kind, holder, attribute in text_references(element, tag):
            value = reference_value(holder, attribute)
            if value.lower() in ids[kind]:
                if attribute:
                    holder.set(attribute, ids[kind][value.lower()])
                else:
                    holder.text = ids[kind][value.lower()]


def text_references(element, tag):
    """References held elsewhere than :data:`REFERENCES`, as (kind, element holding it,
    attribute or ``None`` for its text): a profile's ContentDefinitionReferenceId metadata, the
    claim a precondition tests (its first Value), the claim a LocalizedString or
    LocalizedCollection names (ElementId)."""
    if tag == "Item" and element.get("Key") == "ContentDefinitionReferenceId":
        return [("ContentDefinition", element, None)]
    if tag == "Precondition" and element.get("Type") in ("ClaimsExist", "ClaimEquals"):
        first = element.find(f"{_NS}Value")
        return [] if first is None else [("ClaimType", first, None)]
    if tag in ("LocalizedString", "LocalizedCollection") and \
            element.get("ElementType") == "ClaimType" and element.get("ElementId"):
        return [("ClaimType", element, "ElementId")]
    return []


def reference_value(holder, attribute) -> str:
    return (holder.get(attribute) or "") if attribute else (holder.text or "").strip()
