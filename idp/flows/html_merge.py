"""Merging the engine's page fragment into a custom page's ``<div id="api">`` (b2c-reference
§6.3), with the standard library's tolerant ``html.parser``: the custom page is re-written token
by token, never string-searched.

What B2C does, and so what this does: ``<form>``, ``<iframe>`` and ``<frame>`` elements are
removed (a ``<form>`` loses its tags but keeps its content, so an ``#api`` inside one survives);
``<script>`` elements, ``on*`` attributes and ``javascript:`` URLs (as a browser would
parse them) are removed unless the flow enables JavaScript;
``<html lang>`` is the page language; ``<img data-tenant-branding-logo="true">`` and
``data-tenant-branding-background="true"`` get the company branding images.  Plain Python: no
Flask, so it is tested on strings alone.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

#: elements B2C does not allow in a custom page: removed with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"iframe", "frame"})
#: removed, content kept (the ``<div id="api">`` may sit inside a designer's ``<form>``).
DROPPED_TAG_ONLY = frozenset({"form"})
#: never kept: a <base href> would send the engine's relative URLs elsewhere.
ALWAYS_DROPPED = frozenset({"base"})
#: what a browser's URL parser ignores (WHATWG URL): tabs and newlines anywhere
URL_IGNORED = re.compile(r"[\t\n\r]")


class NoApiElement(ValueError):
    """The custom page has no ``<div id="api">``."""


@dataclass
class Merged:
    """The merged page and what its Content-Security-Policy must allow."""

    html: str
    #: ``'sha256-...'`` sources of the inline <script> and <style> elements that were kept.
    script_hashes: list[str] = field(default_factory=list)
    style_hashes: list[str] = field(default_factory=list)


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _start(tag: str, attrs: list[tuple[str, str | None]], close: bool = False) -> str:
    parts = [tag] + [name if value is None else f'{name}="{escape(value, quote=True)}"'
                     for name, value in attrs]
    return "<" + " ".join(parts) + (" />" if close else ">")


def _runs_script(value: str | None) -> bool:
    """Whether a browser could take ``value`` as a ``javascript:`` URL, in any attribute (an
    SVG ``<animate values="...">`` can set an href too): the URL parser drops tabs and newlines
    and trims control characters and spaces, and ``values`` is a ``;``-separated list."""
    cleaned = URL_IGNORED.sub("", value or "").lower()
    return any(part.strip("\x00- ").startswith("javascript:") for part in cleaned.split(";"))


class _Merger(HTMLParser):
    def __init__(self, fragment: str, *, allow_scripts: bool, language: str,
                 branding: dict[str, str | None], page_name: str) -> None:
        super().__init__(convert_charrefs=False)
        self.fragment, self.allow_scripts, self.language = fragment, allow_scripts, language
        self.branding, self.page_name = branding, page_name
        self.out: list[str] = []
        self.skip: str | None = None      # element being dropped with its content
        self.api_depth = 0                # > 0 while inside #api (its old content is dropped)
        self.api_found = False
        self.raw_owner: str | None = None  # script/style whose text is being collected
        self.raw_text: list[str] = []
        self.result = Merged("")

    # -- tags -----------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, close=False)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, close=True)

    def _open(self, tag, attrs, close):
        if self.skip or tag in ALWAYS_DROPPED or tag in DROPPED_TAG_ONLY:
            return
        if self.api_depth:
            self.api_depth += tag == "div" and not close
            return
        if tag in DROPPED_WITH_CONTENT or (tag == "script" and not self.allow_scripts):
            self.skip = None if close or tag == "frame" else tag
            return
        attrs = self._attributes(tag, attrs)
        if tag == "div" and dict(attrs).get("id") == "api" and not self.api_found:
            self.api_found = True
            if self.page_name and "data-name" not in dict(attrs):
                attrs.append(("data-name", self.page_name))
            self.out.append(_start(tag, attrs) + self.fragment)
            if close:
                self.out.append("</div>")
            else:
                self.api_depth = 1
            return
        self.out.append(_start(tag, attrs, close))
        if tag in ("script", "style") and not close:
            self.raw_owner, self.raw_text = tag, []

    def _attributes(self, tag, attrs):
        kept = []
        for name, value in attrs:
            lowered = name.lower()
            if not self.allow_scripts and (lowered.startswith("on") or _runs_script(value) or (
                    lowered == "attributename"  # SVG <set>/<animate> of an on* attribute
                    and (value or "").strip().lower().startswith("on"))):
                continue
            kept.append((name, value))
        if tag == "html":
            kept = [(n, v) for n, v in kept if n.lower() != "lang"] + [("lang", self.language)]
        if tag == "img":
            kept = self._branding_image(dict(kept), kept)
        return kept

    def _branding_image(self, named, kept):
        for hook, key in (("data-tenant-branding-logo", "logo_url"),
                          ("data-tenant-branding-background", "background_url")):
            if (named.get(hook) or "").lower() == "true":
                kept = [(n, v) for n, v in kept if n.lower() not in ("src", "hidden")]
                url = self.branding.get(key)
                kept.append(("src", url) if url else ("hidden", None))
        return kept

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip:
                self.skip = None
            return
        if tag in DROPPED_TAG_ONLY or tag in ALWAYS_DROPPED or tag in DROPPED_WITH_CONTENT:
            return
        if self.api_depth:
            self.api_depth -= tag == "div"
            if not self.api_depth:
                self.out.append("</div>")
            return
        if tag == "script" and not self.allow_scripts:
            return
        if tag == self.raw_owner:
            text = "".join(self.raw_text)
            if text.strip():
                hashes = (self.result.script_hashes if tag == "script"
                          else self.result.style_hashes)
                hashes.append(csp_hash(text))
            self.raw_owner = None
        self.out.append(f"</{tag}>")

    # -- text -----------------------------------------------------------------------------
    def _text(self, text: str) -> None:
        if self.skip or self.api_depth:
            return
        if self.raw_owner:
            self.raw_text.append(text)
        self.out.append(text)

    def handle_data(self, data):
        self._text(data)

    def handle_entityref(self, name):
        self._text(f"&{name};")

    def handle_charref(self, name):
        self._text(f"&#{name};")

    def handle_decl(self, decl):
        self._text(f"<!{decl}>")
    # comments, processing instructions and CDATA sections are dropped (handlers not defined)


def merge_custom_page(page: str, fragment: str, *, allow_scripts: bool, language: str = "en",
                      branding: dict[str, str | None] | None = None,
                      page_name: str = "") -> Merged:
    """The custom page ``page`` with ``fragment`` as the content of its ``<div id="api">``.

    :raise NoApiElement: when the page has no ``<div id="api">``.
    """
    merger = _Merger(fragment, allow_scripts=allow_scripts, language=language,
                     branding=branding or {}, page_name=page_name)
    merger.feed(page)
    merger.close()
    if not merger.api_found:
        raise NoApiElement("no <div id=\"api\">")
    merger.result.html = "".join(merger.out)
    return merger.result
