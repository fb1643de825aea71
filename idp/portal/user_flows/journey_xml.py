"""A compiled user flow written as the Identity Experience Framework would write it: the
UserJourney, each TechnicalProfile and the RelyingParty, in the starter pack's element names,
so a learner can put a user flow beside ``TrustFrameworkBase.xml``.

These are readings for comparison, not an exportable policy: claim types, content definitions
and keys are not written.  Values are XML-escaped here (and HTML-escaped again by the page).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping
from xml.sax.saxutils import escape, quoteattr

from ...engine.journey import ClaimRef, Journey, Precondition, TechnicalProfile

#: API connector authentication type -> the RESTful technical profile's AuthenticationType
REST_AUTH = {"basic": "Basic", "certificate": "ClientCertificate", "apikey": "ApiKeyHeader",
             "bearer": "Bearer", "none": "None"}
#: directory handlers -> their AzureActiveDirectoryProvider metadata (as in the starter pack)
DIRECTORY_METADATA = {
    "DirectoryRead": (("Operation", "Read"), ("RaiseErrorIfClaimsPrincipalDoesNotExist", "true")),
    "DirectoryWrite": (("Operation", "Write"),
                       ("RaiseErrorIfClaimsPrincipalAlreadyExists", "true")),
    "DirectoryUpdate": (("Operation", "Write"),),
    "DirectoryWritePassword": (("Operation", "Write"),
                               ("RaiseErrorIfClaimsPrincipalDoesNotExist", "true")),
    "AccountDiscovery": (("Operation", "Read"),
                         ("RaiseErrorIfClaimsPrincipalDoesNotExist", "true")),
    # the starter pack's TrustFrameworkExtensions sets these (placeholders replaced on upload)
    "LocalCredentialValidation": (("client_id", "ProxyIdentityExperienceFrameworkAppId"),
                                  ("IdTokenAudience", "IdentityExperienceFrameworkAppId")),
}


def _attrs(**values: Any) -> str:
    return "".join(f" {k}={quoteattr(str(v))}" for k, v in values.items() if v not in (None, ""))


def _tag(name: str, indent: int, **values: Any) -> str:
    return " " * indent + f"<{name}{_attrs(**values)} />"


def precondition(p: Precondition, indent: int = 0) -> str:
    pad = " " * indent
    values = "".join(f"{pad}  <Value>{escape(v)}</Value>\n" for v in p.values)
    return (f"{pad}<Precondition Type={quoteattr(p.kind)} ExecuteActionsIf="
            f"\"{'true' if p.execute_action_if_true else 'false'}\">\n{values}"
            f"{pad}  <Action>SkipThisOrchestrationStep</Action>\n{pad}</Precondition>")


def partner_claim(ref: ClaimRef) -> str | None:
    """A verified e-mail is ``PartnerClaimType="Verified.Email"`` in the starter pack."""
    if ref.requires_verification and ref.claim == "email":
        return "Verified.Email"
    return ref.partner_claim


def metadata_items(profile: TechnicalProfile,
                   connectors: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The technical profile's ``<Metadata>`` items, as a custom policy would set them."""
    meta = profile.metadata
    items: list[tuple[str, str]] = list(DIRECTORY_METADATA.get(profile.handler, ()))
    if meta.get("content_definition"):
        items.append(("ContentDefinitionReferenceId", meta["content_definition"]))
    if meta.get("contract") == "unifiedssp":
        email = any(r.claim == "signInName" and r.input_type == "EmailBox"
                    for r in profile.output_claims)
        items.append(("setting.operatingMode", "Email" if email else "Username"))
    for link in meta.get("links") or ():
        if link.get("id") == "createAccount":
            items.append(("SignUpTarget", link["exchange"]))
        elif link.get("id") == "forgotPassword" and not link.get("error"):
            items.append(("setting.forgotPasswordLinkOverride", link["exchange"]))
    if meta.get("kmsi"):
        items.append(("setting.enableRememberMe", "True"))
    if profile.handler.startswith("RestApi"):
        connector = connectors.get(meta.get("connector_id")) or {}
        items += [("ServiceUrl", connector.get("endpoint_url") or "(connector not found)"),
                  ("AuthenticationType", REST_AUTH.get(connector.get("auth_type"), "None")),
                  ("SendClaimsIn", "Body")]
    return items


def _claims(element: str, refs, indent: int) -> list[str]:
    if not refs:
        return []
    pad = " " * indent
    lines = [f"{pad}<{element}s>"]
    for ref in refs:
        if isinstance(ref, str):
            lines.append(_tag(element, indent + 2, ClaimTypeReferenceId=ref))
        else:
            lines.append(_tag(element, indent + 2, ClaimTypeReferenceId=ref.claim,
                              PartnerClaimType=partner_claim(ref),
                              Required="true" if ref.required and element == "OutputClaim"
                              and not ref.readonly else None))
    return lines + [f"{pad}</{element}s>"]


def technical_profile(profile: TechnicalProfile, protocol: str, handler: str | None,
                      metadata: list[tuple[str, str]]) -> str:
    lines = [f"<TechnicalProfile Id={quoteattr(profile.id)}>"]
    if profile.display_name:
        lines.append(f"  <DisplayName>{escape(profile.display_name)}</DisplayName>")
    if protocol:
        lines.append(_tag("Protocol", 2, Name=protocol, Handler=handler))
    if profile.handler == "JwtIssuer":
        lines.append("  <OutputTokenFormat>JWT</OutputTokenFormat>")
    if metadata:
        lines += ["  <Metadata>"] + [f"    <Item Key={quoteattr(k)}>{escape(str(v))}</Item>"
                                     for k, v in metadata] + ["  </Metadata>"]
    lines += _claims("InputClaim", profile.input_claims, 2)
    lines += _claims("OutputClaim", profile.output_claims, 2)
    lines += _claims("PersistedClaim", list(profile.metadata.get("persisted_claims") or ()), 2)
    if profile.validation_profiles:
        lines += ["  <ValidationTechnicalProfiles>"] + [
            _tag("ValidationTechnicalProfile", 4, ReferenceId=v)
            for v in profile.validation_profiles] + ["  </ValidationTechnicalProfiles>"]
    if profile.sso_skippable:
        lines.append(_tag("UseTechnicalProfileForSessionManagement", 2, ReferenceId="SM-AAD"))
    return "\n".join(lines + ["</TechnicalProfile>"])


def _selections(journey: Journey, step) -> list[str]:
    """Starter-pack style: the sign-in exchange validates on the page; other links target
    the exchange the next step runs (the sign-up link is the profile's SignUpTarget)."""
    if step.type != "CombinedSignInAndSignUp":
        return [_tag("ClaimsProviderSelection", 8, TargetClaimsExchangeId=s)
                for s in step.selections]
    profile = journey.profiles[step.exchanges[0][1]]
    sign_up = {link.get("exchange") for link in profile.metadata.get("links") or ()
               if link.get("id") == "createAccount"}
    return ([_tag("ClaimsProviderSelection", 8, TargetClaimsExchangeId=s)
             for s in step.selections if s not in sign_up]
            + [_tag("ClaimsProviderSelection", 8, ValidationClaimsExchangeId=step.exchanges[0][0])])


def user_journey(journey: Journey,
                 content_definition: Callable[[Journey, Any], str | None]) -> str:
    lines = [f"<UserJourney Id={quoteattr(journey.id)}>", "  <OrchestrationSteps>"]
    for step in journey.steps:
        if step.type == "SendClaims":
            issuer = step.exchanges[0][1] if step.exchanges else "JwtIssuer"
            lines.append(_tag("OrchestrationStep", 4, Order=step.order, Type=step.type,
                              CpimIssuerTechnicalProfileReferenceId=issuer))
            continue
        lines.append(f"    <OrchestrationStep{_attrs(Order=step.order, Type=step.type)}"
                     f"{_attrs(ContentDefinitionReferenceId=content_definition(journey, step))}>")
        if step.preconditions:
            lines += ["      <Preconditions>"] + [precondition(p, 8) for p in
                                                  step.preconditions] + ["      </Preconditions>"]
        selections = _selections(journey, step)
        if selections:
            lines += ["      <ClaimsProviderSelections>"] + selections + [
                "      </ClaimsProviderSelections>"]
        lines += ["      <ClaimsExchanges>"] + [
            _tag("ClaimsExchange", 8, Id=exchange, TechnicalProfileReferenceId=profile)
            for exchange, profile in step.exchanges] + ["      </ClaimsExchanges>",
                                                        "    </OrchestrationStep>"]
    lines += ["  </OrchestrationSteps>", _tag("ClientDefinition", 2, ReferenceId="DefaultWeb"),
              "</UserJourney>"]
    return "\n".join(lines)


def relying_party(journey: Journey) -> str:
    subject = journey.relying_party.subject_claim
    lines = ["<RelyingParty>", _tag("DefaultUserJourney", 2, ReferenceId=journey.id),
             '  <TechnicalProfile Id="PolicyProfile">',
             "    <DisplayName>PolicyProfile</DisplayName>",
             _tag("Protocol", 4, Name="OpenIdConnect"), "    <OutputClaims>",
             _tag("OutputClaim", 6, ClaimTypeReferenceId=subject, PartnerClaimType="sub")]
    for claim, token_claim in journey.relying_party.output_claims:
        lines.append(_tag("OutputClaim", 6, ClaimTypeReferenceId=claim,
                          PartnerClaimType=token_claim if token_claim != claim else None))
    lines += ["    </OutputClaims>", _tag("SubjectNamingInfo", 4, ClaimType="sub"),
              "  </TechnicalProfile>", "</RelyingParty>"]
    return "\n".join(lines)
