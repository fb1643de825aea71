"""The RESTful technical profile (``Web.TPEngine.Providers.RestfulProvider``): the request it
makes and what its answer means (Azure AD B2C custom policy reference, "Define a RESTful
technical profile").

- ``ServiceUrl``; ``SendClaimsIn`` ``Body`` (JSON, POST, the default), ``Form`` (POST),
  ``Header`` and ``QueryString`` (GET); input claims sent under their ``PartnerClaimType``.
- ``AuthenticationType`` ``None``, ``Basic`` (keys ``BasicAuthenticationUsername`` and
  ``BasicAuthenticationPassword``), ``Bearer`` (key ``BearerAuthenticationToken``, or the claim
  ``UseClaimAsBearerToken`` names), ``ApiKeyHeader`` (each key's Id is the header name).  The
  keys are policy key containers, read through the ``policy_keys`` port.
- A 2xx answer's JSON object gives the output claims (paths into it with
  ``ResolveJsonPathsInJsonTokens``).  A 4xx answer with the error contract
  (``version``, ``status``, ``userMessage``) refuses: a validation profile shows ``userMessage``
  on the page (with the developer's fields when ``DebugMode`` is true).  Anything else fails,
  with B2C's words (``AADB2C90075``, or the RESTful error messages' defaults).
- Timeout 10 s and one retry, as B2C documents for custom policies since 2025
  (b2c-reference §1.6); ``timeout_seconds`` in the metadata is B2C Lab's own, for tests.

The HTTP call itself is the ``rest`` port's (``idp/store``): the engine does no I/O.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..connectors import HTTP_REASONS
from .model import TechnicalProfileDef

HANDLER = "Web.TPEngine.Providers.RestfulProvider"
TIMEOUT_SECONDS = 10
RETRIES = 1
#: SendClaimsIn -> HTTP method (the reference's table)
SEND_CLAIMS_IN = {"body": "POST", "form": "POST", "header": "GET", "querystring": "GET"}
AUTHENTICATION_TYPES = ("none", "basic", "bearer", "apikeyheader")
#: the RESTful error messages' string ids and default texts (localization reference)
MESSAGES = {
    "DefaultUserMessageIfRequestFailed":
        "Failed to establish connection to restful service end point. Restful service URL: {0}",
    "UserMessageIfRequestTimeout":
        "Failed to establish connection to restful service end point within timeout limit {0} "
        "seconds. Restful service URL: {1}",
}
DEBUG_FIELDS = ("code", "requestId", "developerMessage", "moreInfo")


@dataclass(frozen=True)
class RestRequest:
    """What the ``rest`` port sends; ``headers`` include the authentication."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    json: dict | None = None
    form: tuple[tuple[str, str], ...] | None = None
    query: tuple[tuple[str, str], ...] = ()
    timeout: float = TIMEOUT_SECONDS
    retries: int = RETRIES
    #: what the run trace shows of the request: the claims sent, never the credentials
    shown: Any = None


class RestConfigError(Exception):
    """The profile cannot make a request (no ServiceUrl, an unknown AuthenticationType, a key
    missing...): ``message`` names the profile and what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RestRefused(Exception):
    """The API answered with the error contract: ``user_message`` is for the page."""

    def __init__(self, user_message: str, status: int, debug: Mapping[str, Any]) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.status = status
        self.debug = dict(debug)


class RestFailed(Exception):
    """No usable answer.  ``string_id`` (a RESTful error message id) and ``args`` when B2C
    words it with one, else ``code``/``reason`` for B2C's AADB2C90075; ``message`` in English."""

    def __init__(self, message: str, *, string_id: str | None = None, args: tuple = (),
                 code: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.string_id = string_id
        self.args_ = args
        self.code = code
        self.reason = reason


@dataclass
class RestCall:
    """The record of one call, for the run's trace (never the credentials)."""

    profile: str
    method: str
    url: str
    sent: Any
    status: int | None = None
    response: Any = None
    latency_ms: int = 0
    attempts: int = 0
    error: str | None = None
    verdict: str = ""
    extra: dict = field(default_factory=dict)

    def as_trace(self) -> dict:
        return {"step": f"RESTful {self.profile}", "request": self.sent, "method": self.method,
                "url": self.url, "status": self.status, "response": self.response,
                "latency_ms": self.latency_ms, "attempts": self.attempts, "error": self.error,
                "verdict": self.verdict, "explanation": self.extra.get("explanation", "")}


def _meta(profile: TechnicalProfileDef, key: str, default: str = "") -> str:
    """A metadata item, its key matched without regard to case (B2C's keys are)."""
    for name, value in profile.metadata.items():
        if name.lower() == key.lower():
            return value.strip()
    return default


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _secret(secret: Callable[[str], str], container: str, where: str) -> str:
    """The policy key's secret; the port raises LookupError with its reason."""
    try:
        return secret(container)
    except LookupError as missing:
        reason = missing.args[0] if missing.args else "it does not exist"
        raise RestConfigError(f"The {where} needs the policy key '{container}': "
                              f"{reason}") from None


def _authentication(profile: TechnicalProfileDef, secret: Callable[[str], str],
                    claims: dict[str, Any]) -> list[tuple[str, str]]:
    kind = _meta(profile, "AuthenticationType", "None").lower()
    keys = profile.cryptographic_keys
    where = f"RESTful technical profile '{profile.id}'"

    def key(key_id: str) -> str:
        container = next((v for k, v in keys.items() if k.lower() == key_id.lower()), None)
        if container is None:
            raise RestConfigError(f"The {where} uses AuthenticationType "
                                  f"{_meta(profile, 'AuthenticationType')} but has no "
                                  f"CryptographicKeys Key Id=\"{key_id}\".")
        return _secret(secret, container, where)

    if kind == "none":
        return []
    if kind == "basic":
        pair = f"{key('BasicAuthenticationUsername')}:{key('BasicAuthenticationPassword')}"
        return [("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())]
    if kind == "bearer":
        claim = _meta(profile, "UseClaimAsBearerToken")
        token = claims.pop(claim, None) if claim else key("BearerAuthenticationToken")
        if not token:
            raise RestConfigError(f"The {where} takes its bearer token from the claim "
                                  f"'{claim}', which has no value.")
        return [("Authorization", f"Bearer {token}")]
    if kind == "apikeyheader":
        if not keys:
            raise RestConfigError(f"The {where} uses AuthenticationType ApiKeyHeader but has "
                                  "no CryptographicKeys: each Key's Id is the header to send.")
        return [(name, _secret(secret, container, where)) for name, container in keys.items()]
    raise RestConfigError(f"AuthenticationType '{_meta(profile, 'AuthenticationType')}' of "
                          f"the {where} is not supported by this emulator yet (it runs None, "
                          f"Basic, Bearer and ApiKeyHeader).")


def build_request(profile: TechnicalProfileDef, claims: Mapping[str, Any],
                  secret: Callable[[str], str]) -> RestRequest:
    """The request for ``claims`` (already under their partner names, empty ones left out).

    :raise RestConfigError: the profile cannot make one.  ``secret(container)`` reads a policy
    key and raises RestConfigError when the container is missing.
    """
    url = _meta(profile, "ServiceUrl")
    if not url.lower().startswith(("http://", "https://")):
        raise RestConfigError(f"The RESTful technical profile '{profile.id}' needs the "
                              "metadata item ServiceUrl: an absolute http:// or https:// URL.")
    send_in = _meta(profile, "SendClaimsIn", "Body")
    method = SEND_CLAIMS_IN.get(send_in.lower())
    if method is None:
        raise RestConfigError(f"SendClaimsIn '{send_in}' of the RESTful technical profile "
                              f"'{profile.id}' is not supported by this emulator yet (it runs "
                              "Body, Form, Header and QueryString).")
    values = dict(claims)
    headers = _authentication(profile, secret, values)
    timeout = float(_meta(profile, "timeout_seconds", str(TIMEOUT_SECONDS)))
    pairs = tuple((name, _text(value)) for name, value in values.items())
    kind = send_in.lower()
    if kind == "body":
        payload_claim = _meta(profile, "ClaimUsedForRequestPayload")
        body = values.get(payload_claim) if payload_claim else values
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                raise RestConfigError(f"The claim '{payload_claim}' (ClaimUsedForRequestPayload "
                                      f"of '{profile.id}') does not hold JSON.") from None
        return RestRequest(method, url, tuple(headers), json=body, timeout=timeout, shown=body)
    shown = dict(pairs)
    if kind == "form":
        return RestRequest(method, url, tuple(headers), form=pairs, timeout=timeout,
                           shown=shown)
    if kind == "header":
        return RestRequest(method, url, tuple(headers) + pairs, timeout=timeout, shown=shown)
    return RestRequest(method, url, tuple(headers), query=pairs, timeout=timeout, shown=shown)


def _shown(body: str) -> Any:
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return (body or "")[:2000]


def read_response(profile: TechnicalProfileDef, request: RestRequest, response,
                  call: RestCall) -> dict[str, Any]:
    """The answer's claims (a JSON object) for a 2xx answer.

    :raise RestRefused: the error contract (a 4xx with ``version``, ``status`` and
        ``userMessage``); :raise RestFailed: anything else.
    """
    call.status, call.latency_ms, call.attempts = (response.status, response.latency_ms,
                                                   response.attempts)
    call.response, call.error = _shown(response.body), response.error
    if response.error:
        call.verdict = "failed"
        if "no answer" in response.error:
            raise RestFailed(MESSAGES["UserMessageIfRequestTimeout"].format(
                f"{request.timeout:g}", request.url), string_id="UserMessageIfRequestTimeout",
                args=(f"{request.timeout:g}", request.url))
        raise RestFailed(MESSAGES["DefaultUserMessageIfRequestFailed"].format(request.url),
                         string_id="DefaultUserMessageIfRequestFailed", args=(request.url,))
    data = call.response
    status = response.status
    if 200 <= status < 300:
        if isinstance(data, dict):
            call.verdict = "continue"
            return data
        if not response.body.strip():
            call.verdict = "continue"
            return {}
        call.verdict = "failed"
        raise RestFailed("The REST API answered 2xx with a body that is not a JSON object.",
                         code="OK", reason="the response body is not a JSON object")
    if 400 <= status < 500 and isinstance(data, dict) and data.get("userMessage") \
            and "version" in data and "status" in data:
        call.verdict = "refused"
        raise RestRefused(str(data["userMessage"]), status,
                          {k: data[k] for k in DEBUG_FIELDS if data.get(k)})
    call.verdict = "failed"
    code, reason = HTTP_REASONS.get(status, (str(status), f"HTTP {status}"))
    raise RestFailed(f"The REST API answered HTTP {status} without the error contract "
                     "(version, status, userMessage).", code=code, reason=reason)


_STEP_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def json_path(data: Any, path: str) -> Any:
    """``a.b[0].c`` in a JSON answer, or None."""
    for name, index in _STEP_RE.findall(path):
        if name:
            data = data.get(name) if isinstance(data, dict) else None
        else:
            data = data[int(index)] if isinstance(data, list) and int(index) < len(data) \
                else None
        if data is None:
            return None
    return data


def with_json_paths(profile: TechnicalProfileDef, answer: dict[str, Any]) -> dict[str, Any]:
    """With ``ResolveJsonPathsInJsonTokens`` true, an output claim's PartnerClaimType may be a
    path into the answer (``user.loyalty.id``, ``roles[0]``)."""
    if _meta(profile, "ResolveJsonPathsInJsonTokens").lower() != "true":
        return answer
    resolved = dict(answer)
    for claim in profile.output_claims:
        path = claim.partner_claim_type or claim.claim_type_reference_id
        if path not in resolved and ("." in path or "[" in path):
            resolved[path] = json_path(answer, path)
    return resolved


def debug_message(profile: TechnicalProfileDef, refused: RestRefused) -> str:
    """``userMessage``, with the developer's fields appended when ``DebugMode`` is true."""
    if _meta(profile, "DebugMode").lower() != "true" or not refused.debug:
        return refused.user_message
    details = "; ".join(f"{k}: {v}" for k, v in refused.debug.items())
    return f"{refused.user_message} ({details})"
