"""Inheritance: merge a chain of policy files (Base -> ... -> relying party) into one policy.

B2C applies each child file on top of its base, element by element, matching by Id: a child
element with a new Id is added; one with an Id the base already has overrides or extends it.
This module does the same on XML (so the merged policy can be shown as XML, "view merged
policy") and :mod:`.build` reads the result into a :class:`.model.MergedPolicy`.

The rules, by element (B2C's documented behaviour; where it is not documented the choice is
named at the rule):

- ``ClaimType``, ``ClaimsTransformation``, ``ContentDefinition``, ``LocalizedResources``,
  ``UserJourney``, ``SubJourney``, ``DisplayControl``, ``Predicate``, ``PredicateValidation``,
  ``ClientDefinition``: matched by Id; the child's attributes override; each child element
  replaces the base's element of the same name, except the lists below, which merge.
- ``TechnicalProfile``: matched by Id across all claims providers (Ids are policy-wide);
  ``Metadata`` merged by ``Key``; ``CryptographicKeys`` by ``Id``; input, output, persisted and
  display claims appended, a claim already listed (same ClaimTypeReferenceId) replaced in place;
  claims transformations and validation technical profiles appended by ReferenceId; any other
  element (DisplayName, Protocol, UseTechnicalProfileForSessionManagement...) replaced.
- ``ClaimsTransformation``: its input and output claims merge by TransformationClaimType
  (the method's parameter), its InputParameters by Id.
- ``ClaimsProvider``: matched by Domain, else DisplayName; its profiles merge as above.
- ``OrchestrationStep``: matched by Order within its journey; a child step replaces the base's.
- ``Localization``: ``SupportedLanguages`` and ``LocalizedResourcesReferences`` follow their
  ``MergeBehavior`` (Append, Prepend, ReplaceAll); ``LocalizedString`` matched by
  (ElementType, ElementId, StringId); ``Item`` of Metadata by Key.
- ``RelyingParty``: the leaf's replaces the base's, its TechnicalProfile merged as above.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from xml.etree import ElementTree as ET

from .model import NAMESPACE, MergedPolicy, PolicyError, PolicyFile

_NS = f"{{{NAMESPACE}}}"

#: the schema's order of sections, so a section a child adds lands where B2C puts it
_ORDER = {
    "TrustFrameworkPolicy": ("BasePolicy", "PolicyConstraints", "Contacts", "DocumentReferences",
                             "BuildingBlocks", "ClaimsProviders", "UserJourneys", "SubJourneys",
                             "RelyingParty"),
    "BuildingBlocks": ("ClaimsSchema", "Predicates", "PredicateValidations", "InputValidations",
                       "ClaimsTransformations", "ClientDefinitions", "ContentDefinitions",
                       "DisplayControls", "Localization"),
}
#: keyed collections: container -> (item tag, key attribute)
_KEYED = {
    "ClaimsSchema": ("ClaimType", "Id"), "ClaimsTransformations": ("ClaimsTransformation", "Id"),
    "ContentDefinitions": ("ContentDefinition", "Id"), "UserJourneys": ("UserJourney", "Id"),
    "SubJourneys": ("SubJourney", "Id"), "DisplayControls": ("DisplayControl", "Id"),
    "Predicates": ("Predicate", "Id"), "PredicateValidations": ("PredicateValidation", "Id"),
    "InputValidations": ("InputValidation", "Id"), "ClientDefinitions": ("ClientDefinition", "Id"),
    "OrchestrationSteps": ("OrchestrationStep", "Order"), "Metadata": ("Item", "Key"),
    "CryptographicKeys": ("Key", "Id"), "Endpoints": ("Endpoint", "Id"),
    "InputClaims": ("InputClaim", "ClaimTypeReferenceId"),
    "OutputClaims": ("OutputClaim", "ClaimTypeReferenceId"),
    "PersistedClaims": ("PersistedClaim", "ClaimTypeReferenceId"),
    "DisplayClaims": ("DisplayClaim", "ClaimTypeReferenceId"),
    "InputClaimsTransformations": ("InputClaimsTransformation", "ReferenceId"),
    "OutputClaimsTransformations": ("OutputClaimsTransformation", "ReferenceId"),
    "ValidationTechnicalProfiles": ("ValidationTechnicalProfile", "ReferenceId"),
    "LocalizedStrings": ("LocalizedString", ("ElementType", "ElementId", "StringId")),
    "LocalizedCollections": ("LocalizedCollection", ("ElementType", "ElementId",
                                                      "TargetCollection")),
}
#: keyed collections whose key depends on where they are: a claims transformation's claims
#: are its method's parameters, so they merge by TransformationClaimType (choice: B2C does not
#: document how a child's ClaimsTransformation with an existing Id merges)
_KEYED_IN = {
    ("ClaimsTransformation", "InputClaims"): ("InputClaim", "TransformationClaimType"),
    ("ClaimsTransformation", "OutputClaims"): ("OutputClaim", "TransformationClaimType"),
    ("ClaimsTransformation", "InputParameters"): ("InputParameter", "Id"),
}
#: containers whose list follows a MergeBehavior attribute (default: Append, as in the pack)
_BEHAVIOUR = {"SupportedLanguages": "SupportedLanguage",
              "LocalizedResourcesReferences": "LocalizedResourcesReference"}
#: elements matched by Id whose children merge element by element
_MERGED_BY_ID = {"ClaimType", "ClaimsTransformation", "ContentDefinition", "UserJourney",
                 "SubJourney", "DisplayControl", "Predicate", "PredicateValidation",
                 "InputValidation", "ClientDefinition", "TechnicalProfile", "Localization",
                 "LocalizedResources", "RelyingParty", "BuildingBlocks", "Endpoint",
                 "ValidationTechnicalProfile", "UserJourneyBehaviors", "ClaimsProviders"}
#: a DisplayClaim naming a display control is keyed by it (it has no ClaimTypeReferenceId)
_ALT_KEY = {"DisplayClaim": "DisplayControlReferenceId"}


class Origins(dict):
    """``id(element)`` of the merged tree -> (PolicyId, line) of the file it came from."""

    def mark(self, element, policy: PolicyFile | None, source) -> None:
        """Note where each element of ``element`` (a copy of ``source``) came from: the file
        ``policy``, or, with ``None``, wherever ``source`` itself came from."""
        for copied, original in zip(element.iter(), source.iter()):
            self[id(copied)] = (self.get(id(original), (None, None)) if policy is None
                                else (policy.policy_id, policy.line_of(original)))


def resolve_chain(files: Mapping[str, PolicyFile], policy_id: str) -> list[PolicyFile]:
    """The files from the root base to ``policy_id`` (``files`` keyed by PolicyId, compared
    without regard to case, as B2C does).

    :raise PolicyError: naming the missing policy or base, or the cycle.
    """
    by_id = {key.lower(): value for key, value in files.items()}
    chain: list[PolicyFile] = []
    current = by_id.get(policy_id.lower())
    if current is None:
        raise PolicyError(f"Policy '{policy_id}' has not been uploaded.", where=policy_id)
    while True:
        if any(p.policy_id.lower() == current.policy_id.lower() for p in chain):
            cycle = " -> ".join([p.policy_id for p in chain] + [current.policy_id])
            raise PolicyError(f"The base policies form a cycle: {cycle}. A policy cannot "
                              "inherit from itself, directly or through its bases.",
                              where=f"BasePolicy of {chain[-1].policy_id}")
        chain.append(current)
        if not current.base_policy_id:
            break
        base = by_id.get(current.base_policy_id.lower())
        if base is None:
            raise PolicyError(f"Policy '{current.policy_id}' inherits from base policy "
                              f"'{current.base_policy_id}', which has not been uploaded. Upload "
                              f"'{current.base_policy_id}' first (Base, Localization, "
                              "Extensions, then the relying party).",
                              where=f"BasePolicy of {current.policy_id}")
        current = base
    return chain[::-1]


def merge_tree(files: Mapping[str, PolicyFile], policy_id: str):
    """Merge the chain into one ``TrustFrameworkPolicy`` element.

    Returns ``(root, chain, origins)``; the files' own trees are never changed.
    :raise PolicyError: as :func:`resolve_chain`.
    """
    chain = resolve_chain(files, policy_id)
    origins = Origins()
    root = copy.deepcopy(chain[0].root)
    origins.mark(root, chain[0], chain[0].root)
    for child in chain[1:]:
        _merge_children(root, child.root, child, origins)
    leaf = chain[-1]
    root.attrib = dict(leaf.root.attrib)
    base = root.find(f"{_NS}BasePolicy")
    if base is not None:   # the merged policy stands alone
        root.remove(base)
    return root, tuple(p.policy_id for p in chain), origins


def merge_chain(files: Mapping[str, PolicyFile], policy_id: str) -> MergedPolicy:
    """The policy ``policy_id`` with its inheritance chain applied, as the model.

    :raise PolicyError: a missing policy or base, a cycle, an IncludeTechnicalProfile that
        names no profile or includes itself.
    """
    from .build import build_policy   # build reads the merged tree this module makes
    root, chain, origins = merge_tree(files, policy_id)
    return build_policy(root, chain, origins)


def merged_xml(files: Mapping[str, PolicyFile], policy_id: str) -> str:
    """The merged policy as indented XML text (the portal's "view merged policy").

    An element that comes from another file than the element around it is preceded by a
    comment naming that file and line (``<!-- from B2C_1A_TrustFrameworkExtensions, line 26
    -->``), so a learner sees what each file of the chain contributed.
    :raise PolicyError: as :func:`resolve_chain`.
    """
    root, chain, origins = merge_tree(files, policy_id)
    for parent in list(root.iter()):
        source = origins.get(id(parent), (None, None))[0]
        for index in range(len(parent) - 1, -1, -1):
            policy, line = origins.get(id(parent[index]), (None, None))
            if policy and policy != source:
                at = f", line {line}" if line else ""
                parent.insert(index, ET.Comment(f" from {policy}{at} "))
    root.insert(0, ET.Comment(f" merged from {' -> '.join(chain)} "))
    ET.register_namespace("", NAMESPACE)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def merge_include(included, profile, origins: Origins):
    """``IncludeTechnicalProfile``: a copy of the ``included`` profile with ``profile``'s own
    attributes and parts merged on top, by the inheritance rules."""
    base = _copy(included, None, origins)
    base.attrib.update(profile.attrib)
    origins[id(base)] = origins.get(id(profile), (None, None))
    own = ET.Element(profile.tag)   # the profile's parts, without the include itself
    own.extend(e for e in profile if _local(e.tag) != "IncludeTechnicalProfile")
    _merge_children(base, own, None, origins)
    return base


def _merge_children(target, source, policy: PolicyFile, origins: Origins,
                    keyed: tuple | None = None) -> None:
    """Merge the children of ``source`` (a child file's element) into ``target``; ``keyed``
    overrides :data:`_KEYED` for the item tag and key (see :data:`_KEYED_IN`)."""
    tag = _local(target.tag)
    if tag == "ClaimsProviders":
        return _merge_claims_providers(target, source, policy, origins)
    if keyed or tag in _KEYED:
        return _merge_keyed(target, source, policy, origins, keyed or _KEYED[tag])
    if tag in _BEHAVIOUR:
        return _merge_by_behaviour(target, source, policy, origins)
    for element in source:
        if not isinstance(element.tag, str):
            continue
        existing = _counterpart(target, element)
        keyed = _KEYED_IN.get((tag, _local(element.tag)))
        if existing is not None and keyed:
            _merge_children(existing, element, policy, origins, keyed)
        elif existing is not None and (_local(element.tag) in _MERGED_BY_ID
                                     or _local(element.tag) in _KEYED
                                     or _local(element.tag) in _BEHAVIOUR
                                     or _local(element.tag) in _ORDER):
            _update_attributes(existing, element)
            _merge_children(existing, element, policy, origins)
        elif existing is not None:       # a single-valued element: the child's wins
            _replace(target, existing, element, policy, origins)
        else:
            _insert(target, element, policy, origins)


def _merge_keyed(target, source, policy: PolicyFile, origins: Origins, keyed) -> None:
    item, key = keyed
    index = {_key(e, key): e for e in target if _local(e.tag) == item}
    for element in source:
        if not isinstance(element.tag, str):
            continue
        existing = index.get(_key(element, key))
        if existing is None:
            index[_key(element, key)] = _insert(target, element, policy, origins)
        elif item in _MERGED_BY_ID:
            _update_attributes(existing, element)
            _merge_children(existing, element, policy, origins)
        else:   # a claim, a metadata item, a step: the child's replaces it in place
            index[_key(element, key)] = _replace(target, existing, element, policy, origins)
    if item == "OrchestrationStep":   # steps run by Order, whatever file added them
        steps = sorted(target, key=_order)
        target[:] = steps


def _merge_by_behaviour(target, source, policy: PolicyFile, origins: Origins) -> None:
    behaviour = source.get("MergeBehavior", "Append")
    new = [e for e in source if isinstance(e.tag, str)]
    copies = [_copy(e, policy, origins) for e in new]
    attrib = {k: v for k, v in source.attrib.items() if k != "MergeBehavior"}
    target.attrib.update(attrib)
    if behaviour == "ReplaceAll":
        target[:] = copies
    elif behaviour == "Prepend":
        target[:] = copies + list(target)
    elif behaviour == "Append":
        target.extend(copies)
    else:
        raise PolicyError(f"MergeBehavior '{behaviour}' is not one of Append, Prepend, "
                          "ReplaceAll.", where=_local(source.tag))


def _merge_claims_providers(target, source, policy: PolicyFile, origins: Origins) -> None:
    """Profiles merge by Id wherever they are; a new profile joins its provider (matched by
    Domain, else DisplayName) or a new one."""
    profiles = {p.get("Id").lower(): p for p in target.iter(f"{_NS}TechnicalProfile")
                if p.get("Id") is not None}
    for provider in source.findall(f"{_NS}ClaimsProvider"):
        home = _matching_provider(target, provider)
        if home is None:
            home = _insert(target, ET.Element(provider.tag), policy, origins)
        for element in provider:
            if not isinstance(element.tag, str) or _local(element.tag) == "TechnicalProfiles":
                continue
            existing = home.find(element.tag)
            if existing is None:
                _insert(home, element, policy, origins)
            elif (existing.text or "").strip() != (element.text or "").strip():
                _replace(home, existing, element, policy, origins)
        container = home.find(f"{_NS}TechnicalProfiles")
        if container is None:
            container = _insert(home, ET.Element(f"{_NS}TechnicalProfiles"), policy, origins)
        for profile in provider.findall(f"{_NS}TechnicalProfiles/{_NS}TechnicalProfile"):
            existing = profiles.get((profile.get("Id") or "").lower())
            if existing is None:
                profiles[(profile.get("Id") or "").lower()] = _insert(container, profile, policy,
                                                                     origins)
            else:
                _update_attributes(existing, profile)
                _merge_children(existing, profile, policy, origins)


def _update_attributes(existing, element) -> None:
    """The child's attributes override the base's, except the Id: it matched without regard to
    case, and the base's spelling stays the one every reference and claim uses."""
    existing.attrib.update({k: v for k, v in element.attrib.items() if k != "Id"})


def _counterpart(target, element):
    """The base's element a child element overrides: same tag, and same Id when it has one
    (``LocalizedResources`` and the like sit side by side under one parent)."""
    if element.get("Id") is None:
        return target.find(element.tag)
    wanted = element.get("Id").lower()
    return next((e for e in target.findall(element.tag) if (e.get("Id") or "").lower() == wanted),
                None)


def _matching_provider(target, provider):
    for attribute in ("Domain", "DisplayName"):
        wanted = (provider.findtext(f"{_NS}{attribute}") or "").strip()
        if not wanted:
            continue
        for candidate in target.findall(f"{_NS}ClaimsProvider"):
            if (candidate.findtext(f"{_NS}{attribute}") or "").strip().lower() == wanted.lower():
                return candidate
    return None


def _insert(target, element, policy: PolicyFile, origins: Origins):
    """Append a copy of ``element``, keeping the schema's section order where it has one."""
    copied = _copy(element, policy, origins)
    order = _ORDER.get(_local(target.tag))
    if order and _local(copied.tag) in order:
        rank = order.index(_local(copied.tag))
        for position, existing in enumerate(target):
            if _local(existing.tag) in order and order.index(_local(existing.tag)) > rank:
                target.insert(position, copied)
                return copied
    target.append(copied)
    return copied


def _replace(target, existing, element, policy: PolicyFile, origins: Origins):
    copied = _copy(element, policy, origins)
    target[list(target).index(existing)] = copied
    return copied


def _copy(element, policy: PolicyFile, origins: Origins):
    copied = copy.deepcopy(element)
    origins.mark(copied, policy, element)
    return copied


#: keys that are Ids or references to Ids, which B2C matches without regard to case
_ID_KEYS = ("Id", "ClaimTypeReferenceId", "ReferenceId")


def _key(element, key):
    if isinstance(key, tuple):
        return tuple(element.get(k) for k in key)
    value = element.get(key)
    if value is None and _local(element.tag) in _ALT_KEY:
        return ("control", element.get(_ALT_KEY[_local(element.tag)]))
    return value.lower() if value is not None and key in _ID_KEYS else value


def _order(step) -> int:
    try:
        return int(step.get("Order", ""))
    except ValueError:
        raise PolicyError(f"OrchestrationStep Order '{step.get('Order')}' is not a number.",
                          where="OrchestrationStep") from None


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
