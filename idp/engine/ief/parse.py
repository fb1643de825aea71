"""Read one uploaded policy file safely into a :class:`.model.PolicyFile`.

Policy XML comes from workshop attendees, so it is parsed with ``defusedxml``: no DOCTYPE at
all (that refuses external entities, XXE, and entity expansion such as "billion laughs" before
anything is expanded) and at most :data:`MAX_BYTES`, B2C's own limit per policy file.  Then
the checks B2C makes before it looks at references: the root element and its namespace,
``PolicyId`` and ``TenantId``, the tenant the file is uploaded to, the base policy, every
element allowed where it stands (:mod:`.schema`), and each Id defined once per file.
Every failure is a :class:`.model.PolicyError` naming the element and, when known, its line.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .model import NAMESPACE, PolicyError, PolicyFile
from .schema import CHILDREN, ELEMENTS, REQUIRED

#: B2C's limit for one policy file ("Custom policy file size: 1024 KB", service limits page)
MAX_BYTES = 1024 * 1024
_NS = f"{{{NAMESPACE}}}"
#: "This identifier must be prefixed by B2C_1A_" (TrustFrameworkPolicy reference); refused,
#: never prefixed silently
_POLICY_ID = re.compile(r"B2C_1A_[A-Za-z0-9_.-]{1,100}\Z", re.IGNORECASE)
#: the elements whose Id must be unique within one file, under their container
_UNIQUE = {"ClaimsSchema": "ClaimType", "ClaimsTransformations": "ClaimsTransformation",
           "ContentDefinitions": "ContentDefinition", "UserJourneys": "UserJourney",
           "SubJourneys": "SubJourney", "Localization": "LocalizedResources",
           "DisplayControls": "DisplayControl", "Predicates": "Predicate",
           "PredicateValidations": "PredicateValidation"}


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that notes the line each element starts on (expat knows it then)."""

    def __init__(self):
        super().__init__()
        self.expat = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def parse_policy(data: bytes | str, tenant: str | Collection[str] | None = None) -> PolicyFile:
    """Parse one policy file.

    ``tenant`` is the tenant it is uploaded to (its domain, or several accepted names such as
    the domain and the tenant id); ``None`` skips that check.  Returns the :class:`PolicyFile`;
    :raise PolicyError: for anything B2C would refuse at this stage.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_BYTES:
        raise PolicyError(f"The file is {len(raw) // 1024:,} KB; a policy file may be at most "
                          f"{MAX_BYTES // 1024:,} KB. Split it into a base and an extension.")
    text = data if isinstance(data, str) else _decode(raw)
    root, lines = _parse_xml(raw)
    policy = _read_header(root, text, lines)
    if tenant is not None:
        _check_tenant(policy, tenant)
    _check_elements(root, lines)
    _check_unique_ids(policy)
    return policy


_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def _decode(raw: bytes) -> str:
    """The file as text, for download: by its byte-order mark, else UTF-8, else the encoding
    its XML declaration names (as the parser reads it)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        declared = _DECLARED.match(raw.removeprefix(b"\xef\xbb\xbf"))
        encodings = ["utf-8-sig"] + ([declared.group(1).decode()] if declared else [])
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise PolicyError("The file is not UTF-8 text. Save the policy as UTF-8 and upload it again.")


def _parse_xml(raw: bytes):
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(raw)
        root = parser.close()
    except DefusedXmlException:
        raise PolicyError("The file declares a DOCTYPE (a DTD or entities). Policy files may "
                          "not: entities can read files or expand without bound (XXE, billion "
                          "laughs). Remove the <!DOCTYPE ...> declaration.") from None
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        raise PolicyError(f"The file is not well-formed XML: {reason} at line {line}, column "
                          f"{column + 1}. Upload a TrustFrameworkPolicy XML file.",
                          line=line) from None
    return root, builder.lines


def _read_header(root, text: str, lines: dict[int, int]) -> PolicyFile:
    if root.tag != f"{_NS}TrustFrameworkPolicy":
        namespace, local = _split(root.tag)
        if local == "TrustFrameworkPolicy":
            raise PolicyError(f"The root element TrustFrameworkPolicy is in namespace "
                              f"'{namespace or '(none)'}'; policy files use "
                              f"xmlns=\"{NAMESPACE}\".", where="TrustFrameworkPolicy", line=1)
        raise PolicyError(f"The root element is <{local}>; a custom policy file has "
                          "<TrustFrameworkPolicy> as its root element.", line=1)
    policy_id = (root.get("PolicyId") or "").strip()
    tenant_id = (root.get("TenantId") or "").strip()
    for name, value in (("PolicyId", policy_id), ("TenantId", tenant_id)):
        if not value:
            raise PolicyError(f"The TrustFrameworkPolicy element has no {name} attribute; every "
                              f"policy file needs one.", where="TrustFrameworkPolicy", line=1)
    if not _POLICY_ID.match(policy_id):
        raise PolicyError(f"PolicyId '{policy_id}' is not a custom policy id: it must start "
                          "with B2C_1A_ followed by letters, digits, '_', '-' or '.'.",
                          where="TrustFrameworkPolicy")
    _check_attribute(root, "DeploymentMode", ("Production", "Development"))
    _check_attribute(root, "UserJourneyRecorderEndpoint",
                     ("urn:journeyrecorder:applicationinsights",))
    base_id = base_tenant = None
    base = root.find(f"{_NS}BasePolicy")
    if base is not None:
        base_id = (base.findtext(f"{_NS}PolicyId") or "").strip()
        base_tenant = (base.findtext(f"{_NS}TenantId") or "").strip()
        for name, value in (("PolicyId", base_id), ("TenantId", base_tenant)):
            if not value:
                raise PolicyError(f"BasePolicy has no {name}; name the policy this one "
                                  f"inherits from.", where=f"BasePolicy of {policy_id}",
                                  line=lines.get(id(base)))
    return PolicyFile(policy_id=policy_id, tenant_id=tenant_id, base_policy_id=base_id,
                      root=root, base_tenant_id=base_tenant,
                      public_policy_uri=root.get("PublicPolicyUri"),
                      deployment_mode=root.get("DeploymentMode"),
                      user_journey_recorder_endpoint=root.get("UserJourneyRecorderEndpoint"),
                      text=text, lines=lines)


def _check_attribute(root, name: str, allowed: tuple[str, ...]) -> None:
    """The TrustFrameworkPolicy reference lists the only values these attributes take."""
    value = root.get(name)
    if value is not None and value not in allowed:
        raise PolicyError(f"{name} '{value}' is not one of {', '.join(allowed)}.",
                          where="TrustFrameworkPolicy", line=1)


def _check_tenant(policy: PolicyFile, tenant: str | Collection[str]) -> None:
    """B2C refuses a file written for another tenant (the starter pack's
    ``yourtenant.onmicrosoft.com`` left in place is the classic case).  The first sentence is
    B2C's, as quoted in MicrosoftDocs/azure-docs issue #30477; the second says what to do."""
    accepted = {tenant.lower()} if isinstance(tenant, str) else {t.lower() for t in tenant}
    ours = tenant if isinstance(tenant, str) else sorted(tenant)[0]
    for where, value in (("TrustFrameworkPolicy TenantId", policy.tenant_id),
                         ("BasePolicy TenantId", policy.base_tenant_id)):
        if value is not None and value.lower() not in accepted:
            raise PolicyError(f"TenantId in the policy xml '{value}' is not same as the one in "
                              f"login tenant '{ours}'. Replace '{value}' with '{ours}' "
                              "everywhere in the file.", where=where)


def _check_elements(root, lines: dict[int, int]) -> None:
    """Every element must be one the schema allows in its parent (as B2C's XSD check)."""
    problems = []
    for parent in root.iter():
        allowed = CHILDREN.get(_local(parent.tag), frozenset())
        for child in parent:
            if not isinstance(child.tag, str):   # comments and processing instructions
                continue
            local = _local(child.tag)
            line = lines.get(id(child))
            if not child.tag.startswith(_NS):
                namespace = _split(child.tag)[0]
                place = f"namespace '{namespace}'" if namespace else "no namespace"
                problems.append((line, f"element '{local}' at line {line} is in {place}; "
                                 f"policy elements are in {NAMESPACE}"))
            elif local not in allowed:
                unknown = "" if local in ELEMENTS else \
                    " (no element of the policy schema has this name)"
                expected = ", ".join(sorted(allowed)) or "text only, no elements"
                problems.append((line, f"the element '{_local(parent.tag)}' has invalid child "
                                 f"element '{local}' at line {line}{unknown}; expected: "
                                 f"{expected}"))
            else:
                problems += _attribute_problems(_local(parent.tag), local, child, line)
    if problems:
        problems = [text for _, text in sorted(problems, key=lambda p: p[0] or 0)]
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more"
                                           if len(problems) > 5 else "")
        raise PolicyError(f"The policy does not match the TrustFrameworkPolicy schema: {shown}.",
                          line=lines.get(id(root)))


def _attribute_problems(parent: str, local: str, element, line) -> list[tuple[int, str]]:
    required = REQUIRED.get((parent, local)) or REQUIRED.get(local, ())
    problems = [(line, f"the element '{local}' at line {line} has no {name} attribute, which "
                       "it requires") for name in required if not element.get(name)]
    if local == "OrchestrationStep" and element.get("Order") and \
            not element.get("Order").isdigit():
        problems.append((line, f"the OrchestrationStep at line {line} has Order "
                               f"'{element.get('Order')}'; Order is a whole number (1, 2, ...)"))
    return problems


def _check_unique_ids(policy: PolicyFile) -> None:
    root, seen_profiles = policy.root, {}
    for container, item in _UNIQUE.items():
        for parent in root.iter(f"{_NS}{container}"):
            _no_duplicates(policy, parent.findall(f"{_NS}{item}"), item, "Id")
    for journey in root.iter(f"{_NS}OrchestrationSteps"):
        _no_duplicates(policy, journey.findall(f"{_NS}OrchestrationStep"), "OrchestrationStep",
                       "Order")
    for profile in root.findall(f"{_NS}ClaimsProviders/{_NS}ClaimsProvider/"
                                f"{_NS}TechnicalProfiles/{_NS}TechnicalProfile"):
        ident = profile.get("Id", "")
        if ident.lower() in seen_profiles:   # Ids compare without regard to case, as in B2C
            raise PolicyError(f"TechnicalProfile '{ident}' is defined twice in "
                              f"{policy.policy_id} (lines {seen_profiles[ident.lower()]} and "
                              f"{policy.line_of(profile)}); define it once, or put the "
                              "override in a policy that inherits from this one.",
                              where=f"TechnicalProfile '{ident}'", line=policy.line_of(profile))
        seen_profiles[ident.lower()] = policy.line_of(profile)


def _no_duplicates(policy: PolicyFile, elements, item: str, attribute: str) -> None:
    seen: dict[str, int | None] = {}
    for element in elements:
        key = element.get(attribute)
        if key is None:
            raise PolicyError(f"A {item} in {policy.policy_id} has no {attribute} attribute.",
                              where=item, line=policy.line_of(element))
        if key.lower() in seen:   # Ids compare without regard to case, as in B2C
            raise PolicyError(f"{item} with {attribute} '{key}' appears twice in "
                              f"{policy.policy_id} (lines {seen[key.lower()]} and "
                              f"{policy.line_of(element)}).", where=f"{item} '{key}'",
                              line=policy.line_of(element))
        seen[key.lower()] = policy.line_of(element)


def _split(tag: str) -> tuple[str, str]:
    """``{namespace}Local`` -> (namespace, Local); no namespace -> ("", tag)."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
