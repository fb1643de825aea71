"""Language customization of a user flow (b2c-reference §6.5): which language a run's pages
use, and the page texts in that language with the flow's per-page overrides applied.

Resolution, as B2C documents it: with language customization enabled, the first enabled
language named by ``ui_locales``, else the browser's ``Accept-Language`` (by q-value), else the
flow's default language.  With it disabled, B2C Lab shows the flow's default language (English
unless changed) and ignores both: B2C documents ``ui_locales`` and the browser language as
features of an enabled flow, so a flow that never enabled them stays in one language.

The language is a pure function of the stored authorize request and the flow configuration
snapshot of the run, so it stays the same for the whole run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .strings import claim_label, fill, text

#: languages B2C Lab has built-in strings for
SUPPORTED = ("en", "fr", "de", "es", "ja")
#: B2C's 36 user-flow languages (code -> name); the ones outside SUPPORTED are listed greyed
B2C_LANGUAGES: Mapping[str, str] = {
    "bn": "Bangla", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French", "gu": "Gujarati",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "it": "Italian", "ja": "Japanese",
    "kn": "Kannada", "ko": "Korean", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay",
    "nb": "Norwegian Bokmål", "nl": "Dutch", "pa": "Punjabi", "pl": "Polish",
    "pt-br": "Portuguese (Brazil)", "pt-pt": "Portuguese (Portugal)", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sv": "Swedish", "ta": "Tamil", "te": "Telugu",
    "th": "Thai", "tr": "Turkish", "zh-hans": "Chinese (Simplified)",
    "zh-hant": "Chinese (Traditional)",
}
CLAIM_STRING_IDS = ("DisplayName", "UserHelpText", "PatternHelpText")
_Q_RE = re.compile(r"^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$", re.I)  # RFC 9110 §12.4.2


@dataclass(frozen=True)
class LanguageSettings:
    """A flow's Languages page: ``config["languages"]`` of the user flow."""

    enabled: bool = False
    default: str = "en"
    languages: tuple[str, ...] = SUPPORTED
    #: language -> content definition -> LocalizedStrings entries as uploaded
    overrides: Mapping[str, Mapping[str, list]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> "LanguageSettings":
        """Read ``config["languages"]``; unknown codes are dropped, a missing default is en."""
        data = (config or {}).get("languages") or {}
        default = data.get("default") if data.get("default") in SUPPORTED else "en"
        enabled = tuple(c for c in data.get("enabled_languages", SUPPORTED) if c in SUPPORTED)
        return cls(bool(data.get("enabled")), default,
                   enabled if default in enabled else (*enabled, default),
                   data.get("overrides") or {})


def _match(tag: str, languages: tuple[str, ...]) -> str | None:
    """``fr`` for ``fr``, ``FR-ca`` or ``fr-FR`` when ``fr`` is enabled (region fallback)."""
    tag = tag.strip().lower().replace("_", "-")
    if tag in languages:
        return tag
    primary = tag.split("-")[0]
    return primary if primary in languages else None


def accept_language_tags(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (RFC 9110
    §12.5.4); ``q=0``, ``*`` and malformed entries are dropped, equal q keeps header order."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param[:2].lower() == "q=":
                match = _Q_RE.match(param)
                quality = float(match.group(1)) if match else 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(ranked)]


def resolve_language(ui_locales: str | None, accept_language: str | None,
                     settings: LanguageSettings) -> str:
    """The language of a run's pages (see the module docstring for the order)."""
    if not settings.enabled:
        return settings.default
    for tag in re.split(r"[\s,]+", ui_locales or ""):
        if tag and (found := _match(tag, settings.languages)):
            return found
    for tag in accept_language_tags(accept_language):
        if found := _match(tag, settings.languages):
            return found
    return settings.default


@dataclass(frozen=True)
class PageTexts:
    """Every text of one page in one language, the flow's overrides first."""

    language: str = "en"
    strings: Mapping[str, str] = field(default_factory=dict)       # StringId -> value
    claims: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (claim, StringId)

    def text(self, string_id: str, *args: object) -> str:
        """A UxElement or ErrorMessage string, with ``{0}``... filled from ``args``."""
        value = self.strings.get(string_id)
        return fill(text(string_id, self.language) if value is None else value, *args)

    def label(self, claim: str, fixed: str = "", label_id: str = "") -> str:
        """A field's label: a ClaimType DisplayName override, else the flow's own label (Page
        layouts), else the page string ``label_id``, else the built-in attribute's name."""
        return (self.claims.get((claim, "DisplayName")) or fixed
                or (self.text(label_id) if label_id else None)
                or claim_label(claim, self.language) or claim)

    def help(self, claim: str) -> str | None:
        """The field's help text (ClaimType UserHelpText), if the flow set one."""
        return self.claims.get((claim, "UserHelpText"))

    def pattern_help(self, claim: str) -> str | None:
        """What to say when the value has the wrong form (ClaimType PatternHelpText)."""
        return self.claims.get((claim, "PatternHelpText"))


def page_texts(request: Mapping[str, Any], settings: LanguageSettings,
               content_definition: str) -> PageTexts:
    """The texts of the page ``content_definition`` for the run of ``request`` (the stored
    authorize request); entries with ``"Override": false`` are ignored, as in B2C."""
    language = resolve_language(request.get("ui_locales"), request.get("accept_language"),
                                settings)
    entries = settings.overrides.get(language, {}).get(content_definition, ())
    strings, claims = {}, {}
    for entry in entries:
        if entry.get("Override") is not True:
            continue
        if entry.get("ElementType") == "ClaimType":
            claims[(entry.get("ElementId"), entry.get("StringId"))] = entry.get("Value", "")
        else:
            strings[entry.get("StringId")] = entry.get("Value", "")
    return PageTexts(language, strings, claims)
