"""The self-asserted technical profile: a page that collects claims (unified sign-in page,
local-account sign-up page), with B2C's e-mail verification control and validation profiles.

Pages must work with JavaScript off, so every action is a form button (``action=...``) and the
typed values (never passwords) are echoed back when the page is shown again.

Every text of the page is chosen when the page is built, in the run's language with the flow's
overrides for the page's content definition (:mod:`.languages`); errors travel as StringIds
until then.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from typing import Any, Mapping

from .errors import B2CError
from .journey import Continue, Select, StepContext, Stay, TRANSIENT_CLAIMS
from .languages import PageTexts, page_texts
from .passwords import Complexity, complexity_problem
from .validation_profiles import VALIDATORS, FieldError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CODE_ATTEMPTS = 3
MAX_CODES_SENT = 5
#: page strings the templates use directly (view["text"][...])
TEMPLATE_TEXTS = ("heading", "button_cancel", "select_placeholder", "remember_me", "divider_title", "ver_but_send", "ver_but_verify",
                  "ver_but_resend", "ver_but_edit", "ver_input")
#: problems a ClaimType PatternHelpText override rewords ("the value has the wrong form")
#: ("error_fieldIncorrect" as a field's problem: its value broke the claim's Restriction Pattern)
PATTERN_PROBLEMS = frozenset({"invalid_email", "error_notInteger", "error_notBoolean",
                              "error_fieldIncorrect",
                              "error_passwordTooLong", "error_passwordDigits",
                              "error_passwordLength", "error_passwordClasses"})
Problem = tuple[str, tuple]  # (StringId, its {0}... arguments)
REQUIRED_PROBLEMS = frozenset({"required_field", "requiredField_email", "requiredField_username",
                               "requiredField_password"})


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _verification_claim(ctx: StepContext) -> str | None:
    return next((c.claim for c in ctx.profile.output_claims if c.requires_verification), None)


def texts_for(ctx: StepContext) -> PageTexts:
    """The page's texts in the run's language, with the flow's overrides for this page."""
    return page_texts(ctx.request, ctx.journey.localization,
                      ctx.profile.metadata.get("content_definition", "api.selfasserted"))


def _message(texts: PageTexts, claim: str, problem: Problem) -> str:
    string_id, args = problem
    pattern = texts.pattern_help(claim) if string_id in PATTERN_PROBLEMS else None
    return pattern or texts.text(string_id, *args)


def _verification_view(verification: Mapping[str, Any] | None,
                       texts: PageTexts) -> dict[str, Any] | None:
    if not verification:
        return None
    message_id = verification.get("message_id")
    return {"state": verification["state"], "email": verification["email"],
            "message": texts.text(message_id) if message_id else verification.get("message"),
            "message_kind": verification.get("message_kind"),
            "verified": verification["verified"]}


def build_view(ctx: StepContext, values: Mapping[str, Any], *, errors: Mapping[str, str] = {},
               page_error: str | None = None) -> dict[str, Any]:
    """The page model the templates render: fields, the verification control, buttons, links,
    every text in the run's language (``language``; ``text`` holds the template's strings).
    ``errors`` and ``page_error`` are texts already in that language."""
    meta = ctx.profile.metadata
    texts = texts_for(ctx)
    verification = ctx.state.scratch.get("verification")
    verified_claim = _verification_claim(ctx)
    fields = []
    for ref in ctx.profile.output_claims:
        is_secret = ref.claim in TRANSIENT_CLAIMS
        locked = ref.claim == verified_claim and bool(verification and verification["verified"])
        fields.append({
            "claim": ref.claim, "label": texts.label(ref.claim, ref.label, ref.label_id),
            "help": texts.help(ref.claim), "input_type": ref.input_type,
            "required": ref.required, "readonly": ref.readonly or locked,
            "value": "" if is_secret else str(values.get(ref.claim) or ""),
            "error": errors.get(ref.claim), "verify": ref.claim == verified_claim,
            "choices": list(ref.choices),
            "selected": [v for v in str(values.get(ref.claim) or "").split(",") if v],
        })
    return {
        "contract": meta.get("contract", "selfasserted"),
        "content_definition": meta.get("content_definition", "api.selfasserted"),
        "language": texts.language,
        "heading": texts.text(meta["heading"]) if meta.get("heading") else None,
        "intro": texts.text(meta["intro"]) if meta.get("intro") else None,
        "fields": fields,
        "verification": _verification_view(verification, texts),
        "primary": {"id": meta.get("primary_id", "continue"),
                    "label": texts.text(meta.get("primary_label", "button_continue"))},
        "cancel": bool(meta.get("cancel")),
        # Keep me signed in (Properties > Session behavior), on the sign-in page only
        "kmsi": bool(meta.get("kmsi")), "kmsi_checked": bool(values.get("keepMeSignedIn")),
        "links": [dict(link, label=texts.text(link["label"]),
                       intro=texts.text(link["intro"]) if link.get("intro") else None)
                  for link in meta.get("links", ())],
        # the identity providers' buttons (ClaimsProviderSelection), B2C's ids: FacebookExchange
        "social": [{"exchange": button["exchange"], "kind": button.get("kind", "local"),
                    "label": texts.text(button["label_id"]) if button.get("label_id")
                    else button["label"]} for button in meta.get("social", ())],
        "social_intro": texts.text("social_intro") if meta.get("social") else None,
        "page_error": page_error,
        "text": {string_id: texts.text(string_id) for string_id in TEMPLATE_TEXTS},
    }


def _submitted(ref, form: Mapping[str, Any], bag: Mapping[str, Any]) -> Any:
    """A field's submitted value: passwords as typed, checkboxes joined with commas (as B2C
    stores CheckboxMultiSelect), display-only fields from the bag (never from the form)."""
    if ref.readonly and ref.input_type in ("Readonly", "Paragraph"):
        return bag.get(ref.claim)
    value = form.get(ref.claim)
    if ref.claim in TRANSIENT_CLAIMS:
        return value or ""
    if isinstance(value, (list, tuple)):
        return ",".join(v.strip() for v in value if v.strip())
    return (value or "").strip()


class SelfAsserted:
    interactive = True

    def render(self, ctx: StepContext) -> dict[str, Any]:
        values = dict(ctx.state.bag)
        hint = ctx.request.get("login_hint")
        if hint:
            for ref in ctx.profile.output_claims:
                if ref.claim in ("signInName", "email") and not values.get(ref.claim):
                    values[ref.claim] = hint
        return build_view(ctx, values)

    def auto_select(self, ctx: StepContext) -> str | None:
        """The provider the app's ``domain_hint`` names (``facebook.com``...), if this page
        offers it: B2C then goes straight to that provider (direct sign-in)."""
        hint = (ctx.request.get("domain_hint") or "").strip().lower()
        if not hint:
            return None
        return next((button["exchange"] for button in ctx.profile.metadata.get("social", ())
                     if button.get("domain") == hint), None)

    def submit(self, ctx: StepContext, form: Mapping[str, Any]) -> Continue | Stay | Select:
        action = form.get("action", "continue")
        values = {ref.claim: _submitted(ref, form, ctx.state.bag)
                  for ref in ctx.profile.output_claims}
        if ctx.profile.metadata.get("kmsi"):
            values["keepMeSignedIn"] = form.get("rememberMe") == "on"
        verification = ctx.state.scratch.get("verification")
        if verification and verification["verified"]:
            values[_verification_claim(ctx)] = verification["email"]
        if action == "select":
            return self._select(ctx, form.get("exchange", ""))
        if action == "cancel" and ctx.profile.metadata.get("cancel"):
            raise B2CError("AADB2C90091", error="access_denied")
        if action in ("send_code", "verify_code", "change_email"):
            return Stay(_verification_action(ctx, action, values, form))
        return self._continue(ctx, values)

    def _select(self, ctx: StepContext, exchange: str) -> Select | Stay:
        links = {link["exchange"]: link for link in ctx.profile.metadata.get("links", ())}
        links.update({button["exchange"]: button
                      for button in ctx.profile.metadata.get("social", ())})
        link = links.get(exchange)
        if link is None:
            return Stay(self.render(ctx))
        if link.get("error"):
            raise B2CError(link["error"], error="access_denied")
        return Select(exchange)

    def _continue(self, ctx: StepContext, values: dict[str, Any]) -> Continue | Stay:
        texts = texts_for(ctx)
        problems = _field_problems(ctx, values)
        if problems:
            ids = {string_id for string_id, _args in problems.values()}
            page = ("error_passwordEntryMismatch" if problems.get("reenterPassword", ("",))[0]
                    == "error_passwordEntryMismatch" else "error_fieldIncorrect")
            if ids & REQUIRED_PROBLEMS:
                page = "error_requiredFieldMissing"
            errors = {claim: _message(texts, claim, p) for claim, p in problems.items()}
            return Stay(build_view(ctx, values, errors=errors, page_error=texts.text(page)))
        claims = {k: typed(ctx, k, v) for k, v in values.items() if v not in ("", None)}
        try:
            for profile_id in ctx.profile.validation_profiles:
                profile = ctx.profile_by_id(profile_id)
                validator = VALIDATORS[profile.handler]
                claims.update(validator(ctx, profile, claims))
        except FieldError as error:
            message = texts.text(error.string_id) if error.string_id else error.message
            errors = {error.field: message} if error.field else {}
            return Stay(build_view(ctx, values, errors=errors,
                                   page_error=None if error.field else message))
        if ctx.profile.metadata.get("kmsi") and values.get("keepMeSignedIn"):
            claims["keepMeSignedIn"] = True
        return Continue({k: v for k, v in claims.items() if k not in TRANSIENT_CLAIMS},
                        note="page submitted and validated")


INT_RE = re.compile(r"^[+-]?\d{1,10}$")
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


def typed(ctx: StepContext, claim: str, value: Any) -> Any:
    """The value as its attribute's data type (Int -> int, Boolean -> bool)."""
    ref = next((r for r in ctx.profile.output_claims if r.claim == claim), None)
    if ref is None or not isinstance(value, str):
        return value
    if ref.data_type == "Int":
        return int(value)
    if ref.data_type == "Boolean":
        return BOOLEANS[value.lower()]
    return value


def _type_error(ref, value: str) -> str | None:
    if ref.data_type == "Int" and not INT_RE.match(value):
        return "error_notInteger"
    if ref.data_type == "Boolean" and value.lower() not in BOOLEANS:
        return "error_notBoolean"
    return _input_error(ref, value)


def _input_error(ref, value: str) -> str | None:
    """Choices must be offered ones; a DateTimeDropdown value must be a real date; a value
    must match its claim's pattern (.NET's Regex.IsMatch: a search, anchored by the pattern)."""
    if ref.pattern and not _matches(ref.pattern, value):
        return "error_fieldIncorrect"
    if ref.choices and ref.input_type in ("DropdownSingleSelect", "RadioSingleSelect"):
        return None if value in ref.choices else "error_notAChoice"
    if ref.choices and ref.input_type == "CheckboxMultiSelect":
        return None if set(value.split(",")) <= set(ref.choices) else "error_notAChoice"
    if ref.input_type == "DateTimeDropdown":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return "error_notADate"
    return None


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:  # a .NET-only construct: the upload validator names it; never a 500
        return True


def _field_problems(ctx: StepContext, values: Mapping[str, Any]) -> dict[str, Problem]:
    """What is wrong with each submitted field, as (StringId, arguments)."""
    errors: dict[str, Problem] = {}
    complexity = Complexity.from_setting(ctx.profile.metadata.get("password_complexity"))
    verify_claim = _verification_claim(ctx)
    required = ctx.profile.metadata.get("required_messages", {})
    for ref in ctx.profile.output_claims:
        if ref.input_type in ("Readonly", "Paragraph"):
            continue  # shown, not submitted
        value = values.get(ref.claim) or ""
        if not value:
            if ref.required:
                errors[ref.claim] = (required.get(ref.claim, "required_field"), ())
            continue
        type_error = _type_error(ref, value)
        if type_error:
            errors[ref.claim] = (type_error, ())
        elif ref.input_type == "EmailBox" and not EMAIL_RE.match(value):
            errors[ref.claim] = ("invalid_email", ())
        elif ref.claim == "newPassword":
            problem = complexity_problem(value, complexity)
            if problem:
                errors[ref.claim] = problem
        elif ref.claim == "reenterPassword" and value != values.get("newPassword"):
            errors[ref.claim] = ("error_passwordEntryMismatch", ())
        max_length = ctx.profile.metadata.get("max_lengths", {}).get(ref.claim)
        if max_length and len(value) > max_length:
            errors[ref.claim] = ("error_maxLength", (max_length,))
    verification = ctx.state.scratch.get("verification")
    if verify_claim and not errors.get(verify_claim) and not (verification
                                                              and verification["verified"]):
        errors[verify_claim] = ("ver_required", ())
    return errors


def _verification_action(ctx: StepContext, action: str, values: dict[str, Any],
                         form: Mapping[str, Any]) -> dict[str, Any]:
    claim = _verification_claim(ctx)
    scratch = ctx.state.scratch
    email = values.get(claim) or ""
    texts = texts_for(ctx)
    if action == "change_email":
        scratch.pop("verification", None)
        return build_view(ctx, values)
    if action == "send_code":
        if not EMAIL_RE.match(email):
            return build_view(ctx, values, errors={
                claim: _message(texts, claim, ("invalid_email", ()))})
        page_error = _send_code(ctx, email)
    else:
        page_error = _check_code(ctx, (form.get("verificationCode") or "").strip())
    return build_view(ctx, values, page_error=texts.text(page_error) if page_error else None)


def _send_code(ctx: StepContext, email: str) -> str | None:
    """Send a code; returns the StringId of the page error, if any."""
    scratch = ctx.state.scratch
    sent = scratch.get("codes_sent", 0)
    if sent >= MAX_CODES_SENT:
        return "ver_fail_throttled"
    code = f"{secrets.randbelow(10**6):06d}"
    scratch["codes_sent"] = sent + 1
    scratch["verification"] = {
        "state": "sent", "email": email, "digest": _digest(code), "attempts": 0,
        "expires": ctx.now + ctx.profile.metadata.get("code_lifetime", 300),
        "verified": False, "message_id": "ver_info_msg", "message_kind": "info",
    }
    tenant = ctx.ports.tenant_name
    texts = texts_for(ctx)  # the e-mail speaks the page's language, as B2C's does
    ctx.ports.mailer.send(email, texts.text("email_verification_subject", tenant),
                          texts.text("email_verification_body", tenant, code, email), code=code)
    ctx.event("Send verification email", email=email)
    return None


def _check_code(ctx: StepContext, code: str) -> str | None:
    """Check a code; returns the StringId of the page error, if any."""
    pending = ctx.state.scratch.get("verification")
    if not pending or pending["state"] != "sent":
        return "ver_intro_msg"
    if ctx.now > pending["expires"]:
        pending.update(message_id="ver_fail_code_expired", message_kind="error")
        return None
    if not hmac.compare_digest(_digest(code), pending["digest"]):
        pending["attempts"] += 1
        ctx.event("Verify email address", result="failure", email=pending["email"])
        if pending["attempts"] >= MAX_CODE_ATTEMPTS:
            ctx.state.scratch.pop("verification")
            return "ver_fail_retry"
        pending.update(message_id="ver_fail_code", message_kind="error")
        return None
    pending.update(state="verified", verified=True, message_id="ver_success_msg",
                   message_kind="info")
    ctx.event("Verify email address", email=pending["email"])
    return None


class SelfAssertedSocial(SelfAsserted):
    """``SelfAsserted-Social``, the social account sign-up page: skipped when the flow collects
    no attribute (the account is then written by the next step, as in the starter pack)."""

    def skip(self, ctx: StepContext) -> str | None:
        if not ctx.profile.output_claims:
            return "the user flow collects no attribute: nothing to ask"
        return None
