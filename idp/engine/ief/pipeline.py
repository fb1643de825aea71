"""Running one custom-policy technical profile over the claims bag.

Every profile runs the IEF pipeline (technical-profile.md, "Technical profile flow"): input
claims transformations, input claims (DefaultValue, AlwaysUseDefaultValue, PartnerClaimType,
claim resolvers), the protocol, output claims (PartnerClaimType, DefaultValue), output claims
transformations.  The protocols: Azure AD (:mod:`.aad`), RESTful (:mod:`.restful`), the
local-account credential check of ``login-NonInteractive`` (against the directory, with smart
lockout), ClaimsTransformation and None.  :mod:`.handlers` puts them on the engine's handler
interface.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import B2CError
from ..journey import StepContext
from ..self_asserted import texts_for
from ..strings import fill
from ..validation_profiles import authenticate_local
from . import restful
from .aad import AadRefused, AadUnsupported, run_aad
from .model import PolicyClaim, TechnicalProfileDef
from .runtime import PolicyRuntime, handler_kind, resolve, resolver_values, typed_value
from .transformations import AssertionFailed, Env, TransformationError, apply_all


class PolicyRunError(B2CError):
    """The policy asked for something that cannot run (a bad parameter, a missing key...):
    B2C's error page, with what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(None, error="server_error", message=message,
                         hint="Fix the custom policy and upload it again.")
        self.page = "error"


class Refused(Exception):
    """A profile refused the claims; ``message`` is for the page (or the app)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_resolvers(ctx: StepContext, runtime: PolicyRuntime) -> dict[str, str]:
    """The claim resolvers' values for this run (the request, the tenant, the language)."""
    return resolver_values(ctx.request, policy_id=runtime.policy_id,
                           tenant_id=getattr(ctx.ports, "tenant_id", ""),
                           tenant_domain=getattr(ctx.ports, "tenant_domain", ""),
                           language=texts_for(ctx).language if "content_definition"
                           in ctx.profile.metadata else "en", now=ctx.now)


def message_for(ctx: StepContext, string_id: str, default: str, *args: Any,
                profiles: tuple[TechnicalProfileDef, ...] = ()) -> str:
    """A refusal's text: the page's localized string, else a metadata item of that name on
    the profiles (``UserMessageIf...``), else B2C Lab's built-in string, else ``default``."""
    texts = texts_for(ctx)
    if string_id in texts.strings:
        return fill(texts.strings[string_id], *args)
    page = ctx.profile.metadata.get("ief")
    for tp in ((page,) if page is not None else ()) + tuple(profiles):
        found = next((v for k, v in tp.metadata.items() if k == string_id), None)
        if found:
            return fill(found, *args)
    try:
        return texts.text(string_id, *args)
    except KeyError:
        return fill(default, *args)


def claim_resolving(tp: TechnicalProfileDef, resolvers: Mapping[str, str]):
    """The resolvers for ``tp``'s claims' default values, or None: B2C resolves ``{OIDC:...}``
    and the like there only when the metadata ``IncludeClaimResolvingInClaimsHandling`` is
    true (otherwise the text stays as written)."""
    flag = next((v for k, v in tp.metadata.items()
                 if k.lower() == "includeclaimresolvinginclaimshandling"), "false")
    return resolvers if flag.strip().lower() == "true" else None


def default_value(claim: PolicyClaim, runtime: PolicyRuntime, resolvers) -> Any:
    """A DefaultValue in its claim's data type (``resolvers`` None: taken as written)."""
    name = runtime.claim(claim.claim_type_reference_id)
    text = claim.default_value if resolvers is None else resolve(claim.default_value,
                                                                 resolvers)
    return typed_value(text, runtime.data_type(name))


def collect_input_claims(tp: TechnicalProfileDef, runtime: PolicyRuntime,
                         bag: Mapping[str, Any], resolvers) -> list[tuple[str, str, Any]]:
    """(claim, partner name, value) of ``tp``'s input claims, in document order; empty ones
    are left out."""
    out = []
    for claim in tp.input_claims:
        name = runtime.claim(claim.claim_type_reference_id)
        value = bag.get(name)
        if claim.default_value is not None and (claim.always_use_default_value
                                                or value in (None, "", [])):
            value = default_value(claim, runtime, resolvers)
        if value not in (None, "", []):
            out.append((name, claim.partner_claim_type or name, value))
    return out


def map_output_claims(tp: TechnicalProfileDef, runtime: PolicyRuntime,
                      answer: Mapping[str, Any], resolvers) -> dict[str, Any]:
    """The output claims from a protocol's answer (by PartnerClaimType, else by claim),
    DefaultValue filling what it left empty (or always, with AlwaysUseDefaultValue)."""
    out: dict[str, Any] = {}
    for claim in tp.output_claims:
        name = runtime.claim(claim.claim_type_reference_id)
        value = answer.get(claim.partner_claim_type or claim.claim_type_reference_id)
        if value is None and not claim.partner_claim_type:
            value = answer.get(name)
        if claim.default_value is not None and (claim.always_use_default_value
                                                or value in (None, "", [])):
            value = default_value(claim, runtime, resolvers)
        if value is not None:
            out[name] = typed_value(value, runtime.data_type(name))
    return out


def transform(ctx, runtime, ids, bag, resolvers, notes) -> dict[str, Any]:
    """Run the claims transformations ``ids`` over ``bag``; an assertion's refusal becomes
    :class:`Refused` (in the page's words), a policy mistake :class:`PolicyRunError`."""
    env = Env(ctx.now, lambda text: resolve(text, resolvers))
    try:
        return apply_all(ids, runtime.transformations, bag, env, notes)
    except TransformationError as error:
        raise PolicyRunError(error.message) from None
    except AssertionFailed as failed:
        raise Refused(message_for(ctx, failed.string_id, failed.message)) from None


def disabled_reason(tp: TechnicalProfileDef, runtime: PolicyRuntime,
                    bag: Mapping[str, Any]) -> str | None:
    """Why ``EnabledForUserJourneys`` skips ``tp`` (Never/false; OnClaimsExistence of the
    metadata's ClaimTypeOnWhichToEnable; OnItemExistence/AbsenceInStringCollectionClaim of
    ClaimValueOnWhichToEnable in it), or None when it runs."""
    value = (tp.enabled_for_user_journeys or "Always").strip()
    mode = value.lower()
    if mode in ("always", "true"):
        return None
    if mode in ("never", "false"):
        return f"EnabledForUserJourneys is {value}"
    meta = {k.lower(): v.strip() for k, v in tp.metadata.items()}
    if not meta.get("claimtypeonwhichtoenable"):
        raise PolicyRunError(f"Technical profile '{tp.id}' is EnabledForUserJourneys {value} "
                             "but has no metadata item ClaimTypeOnWhichToEnable.")
    claim = runtime.claim(meta["claimtypeonwhichtoenable"])
    present = bag.get(claim) not in (None, "", [])
    if mode == "onclaimsexistence":
        return None if present else f"EnabledForUserJourneys OnClaimsExistence: {claim} " \
                                    "does not exist"
    item = meta.get("claimvalueonwhichtoenable", "")
    has = item in (bag.get(claim) or [])
    if mode == "onitemexistenceinstringcollectionclaim":
        return None if has else f"EnabledForUserJourneys: '{item}' is not in {claim}"
    if mode == "onitemabsenceinstringcollectionclaim":
        return None if not has else f"EnabledForUserJourneys: '{item}' is in {claim}"
    raise PolicyRunError(f"EnabledForUserJourneys '{value}' of technical profile '{tp.id}' is "
                         "not supported by this emulator yet.")


def run_profile(ctx: StepContext, tp: TechnicalProfileDef, runtime: PolicyRuntime,
                bag: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
    """Run ``tp`` over ``bag``; return the claims it adds or changes.

    :raise Refused: a refusal for the page (assertion, REST 4xx contract, directory...);
    :raise PolicyRunError: what the policy got wrong; :raise FieldError: the credential check.
    """
    resolvers = run_resolvers(ctx, runtime)
    working = dict(bag)
    produced = transform(ctx, runtime, tp.input_claims_transformations, working, resolvers,
                          notes)
    working.update(produced)
    claim_resolvers = claim_resolving(tp, resolvers)
    inputs = collect_input_claims(tp, runtime, working, claim_resolvers)
    kind = handler_kind(tp)
    answer = _protocol(ctx, kind, tp, runtime, inputs, working, claim_resolvers, notes)
    if kind in ("IefClaimsTransformation", "IefNone"):
        answer = {**{runtime.claim(c.claim_type_reference_id): working.get(
            runtime.claim(c.claim_type_reference_id)) for c in tp.output_claims}, **answer}
    result = map_output_claims(tp, runtime, answer, claim_resolvers)
    working.update(result)
    result.update(transform(ctx, runtime, tp.output_claims_transformations, working,
                             resolvers, notes))
    return {**produced, **result}


def _protocol(ctx, kind, tp, runtime, inputs, working, resolvers, notes) -> dict[str, Any]:
    if kind == "IefAad":
        persisted = []
        for claim in tp.persisted_claims:
            name = runtime.claim(claim.claim_type_reference_id)
            value = working.get(name)
            if claim.default_value is not None and (claim.always_use_default_value
                                                    or value in (None, "", [])):
                value = default_value(claim, runtime, resolvers)
            if value not in (None, "", []):
                persisted.append((claim.partner_claim_type or name, value))
        try:
            answer = run_aad(tp, [(partner, value) for _n, partner, value in inputs],
                             persisted, ctx.ports.directory)
        except AadRefused as refused:
            raise Refused(message_for(ctx, refused.string_id, refused.message,
                                      profiles=(tp,))) from None
        except AadUnsupported as unsupported:
            raise PolicyRunError(str(unsupported)) from None
        if answer.get("newClaimsPrincipalCreated"):
            ctx.event("A self-service sign-up request was completed",
                      user=answer.get("objectId"))
        return answer
    if kind == "IefRestful":
        return _restful(ctx, tp, {partner: value for _n, partner, value in inputs})
    if kind == "IefLocalCredential":
        return _local_credential(ctx, tp, runtime, inputs)
    if kind in ("IefClaimsTransformation", "IefNone"):
        return {}
    raise PolicyRunError(f"Technical profile '{tp.id}' ({tp.protocol_handler or tp.protocol_name})"
                         " cannot run here: it is not supported by this emulator yet.")


def _restful(ctx: StepContext, tp: TechnicalProfileDef, claims: dict) -> dict[str, Any]:
    try:
        request = restful.build_request(tp, claims, ctx.ports.policy_keys.secret)
    except restful.RestConfigError as error:
        raise PolicyRunError(error.message) from None
    call = restful.RestCall(tp.id, request.method, request.url, request.shown)
    try:
        return restful.with_json_paths(
            tp, restful.read_response(tp, request, ctx.ports.rest.send(request), call))
    except restful.RestRefused as refused:
        raise Refused(restful.debug_message(tp, refused)) from None
    except restful.RestFailed as failed:
        if failed.string_id:
            raise Refused(message_for(ctx, failed.string_id, restful.MESSAGES[failed.string_id],
                                      *failed.args_, profiles=(tp,))) from None
        order = ctx.journey.steps[ctx.state.step].order
        raise B2CError("AADB2C90075", tp.id, order, failed.code, failed.reason,
                       error="server_error", hint=failed.message) from None
    finally:
        ctx.calls.append(call.as_trace())
        ctx.event("A RESTful technical profile was called",
                  result="success" if call.verdict == "continue" else "failure",
                  profile=tp.id, numberOfAttempts=call.attempts)


def _local_credential(ctx, tp, runtime, inputs) -> dict[str, Any]:
    """``login-NonInteractive``: the password checked here against the directory (B2C asks
    login.microsoftonline.com), with smart lockout; answers as that endpoint's id token."""
    values = {partner: value for _n, partner, value in inputs}
    name = str(values.get("username") or values.get("signInName") or "")
    directory = ctx.ports.directory
    sign_in_type = ("emailAddress" if directory.find_local_account("emailAddress", name)
                    else "userName")
    object_id = authenticate_local(directory, ctx.ports.lockout, sign_in_type, name,
                                   str(values.get("password") or ""), ctx.now, ctx.event)
    user = directory.read_user(object_id) if hasattr(directory, "read_user") else {}
    return {"oid": object_id, "tid": getattr(ctx.ports, "tenant_id", ""),
            "given_name": user.get("givenName"), "family_name": user.get("surname"),
            "name": user.get("displayName"), "upn": user.get("userPrincipalName"),
            "email": user.get("signInNames.emailAddress")}
