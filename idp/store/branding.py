"""Company branding (b2c-reference §6.4): banner logo, background image and background colour,
kept in ``Tenant.settings["branding"]`` so that every worker serves the same images (no files on
disk).  Images are stored base64-encoded with their content type and SHA-256; the SHA names the
version in the URLs, so browsers may cache an image until it changes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from flask import url_for

from ..models import Tenant

SETTING = "branding"
#: URL kind -> (stored key, portal label, largest upload in bytes)
IMAGES: dict[str, tuple[str, str, int]] = {
    "banner-logo": ("banner_logo", "Banner logo", 300 * 1024),
    "background-image": ("background_image", "Background image", 1024 * 1024),
}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
#: magic bytes -> content type; the only image types served (an SVG can carry scripts).
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
CONTENT_TYPES = frozenset(kind for _magic, kind in SIGNATURES)


def sniff_image(data: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` from the file's first bytes, or None for anything else
    (whatever its name or the browser's declared type says)."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def branding(tenant: Tenant) -> dict[str, Any]:
    value = (tenant.settings or {}).get(SETTING)
    return value if isinstance(value, dict) else {}


def stored_image(data: bytes, content_type: str, filename: str) -> dict[str, Any]:
    return {"content_type": content_type, "filename": filename[:200], "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "data": base64.b64encode(data).decode("ascii")}


def image(tenant: Tenant, kind: str) -> tuple[bytes, str, str] | None:
    """(bytes, content type, version) of a branding image, or None when there is none.  The
    bytes are sniffed again: a tenant import may have written anything into the settings."""
    key = IMAGES[kind][0] if kind in IMAGES else None
    stored = branding(tenant).get(key) if key else None
    if not isinstance(stored, dict):
        return None
    try:
        data = base64.b64decode(stored.get("data", ""), validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None
    content_type = sniff_image(data)
    if content_type is None:
        return None
    return data, content_type, hashlib.sha256(data).hexdigest()


def background_color(tenant: Tenant) -> str | None:
    color = branding(tenant).get("background_color")
    return color.lower() if isinstance(color, str) and COLOR_RE.match(color) else None


def colors_css(tenant: Tenant) -> str:
    """The stylesheet that applies the background colour on the branded templates."""
    color = background_color(tenant)
    return f"body.b2c-page.branded {{ background: {color}; }}\n" if color else ""


def branding_urls(tenant: Tenant) -> dict[str, str | None]:
    """URLs of the banner logo, background image and colour stylesheet (None: not set)."""
    urls: dict[str, str | None] = {}
    for kind, name in (("banner-logo", "logo_url"), ("background-image", "background_url")):
        # The stored SHA names the version: no need to decode a 1 MB image on every page.
        stored = branding(tenant).get(IMAGES[kind][0])
        version = stored.get("sha256") if isinstance(stored, dict) else None
        urls[name] = (url_for("flows.branding", kind=kind, v=str(version)[:16])
                      if version and stored.get("content_type") in CONTENT_TYPES else None)
    color = background_color(tenant)
    urls["css_url"] = (url_for("flows.branding", kind="colors.css", v=color.lstrip("#"))
                       if color else None)
    return urls
