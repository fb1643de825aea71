"""Page layouts of a user flow (b2c-reference §6.1-§6.3): which Page layouts row a page belongs
to, which template (Ocean Blue, Slate Gray, Classic) or custom page it is drawn with, and the
custom page URI with its ``{Culture:RFC5646}`` placeholder filled in.

Plain data in, plain data out: the portal's Page layouts tab and the runtime share
:data:`PAGE_TYPES`, so a row the portal shows is a row the runtime honours.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

#: Page layouts row (B2C's label) -> what identifies its pages: B2C's content definition ids,
#: or, where two rows share one content definition, the technical profile that shows the page
#: (both password reset pages use ``api.localaccountpasswordreset``).  B2C has no content
#: definition for the API connector's block page; ``ShowBlockPage`` stands for it
#: (:func:`is_block_page`).
PAGE_TYPES: dict[str, tuple[str, ...]] = {
    "Unified sign up or sign in page": ("api.signuporsignin",),
    "Local account sign up page": ("api.localaccountsignup",),
    "Social account sign up page": ("api.selfasserted",),
    "Profile edit page": ("api.selfasserted.profileupdate",),
    "Forgot password page": ("api.localaccountpasswordreset",),
    "Change password page": ("LocalAccountWritePasswordUsingObjectId",),
    "Multifactor authentication page": ("api.phonefactor",),
    "Blocked page due to API connector ShowBlockPage action": ("ShowBlockPage",),
    "Error page": ("api.error",),
}
ERROR_PAGE = "Error page"
BLOCK_PAGE = "Blocked page due to API connector ShowBlockPage action"

#: the rows each flow type's Page layouts tab lists (B2C lists only the pages the flow shows).
ROWS_BY_FLOW_TYPE: dict[str, tuple[str, ...]] = {
    "signUpOrSignIn": ("Unified sign up or sign in page", "Local account sign up page",
                       "Social account sign up page", "Forgot password page", "Change password page",
                       "Multifactor authentication page", BLOCK_PAGE, ERROR_PAGE),
    "signUp": ("Local account sign up page", "Social account sign up page",
               "Multifactor authentication page", BLOCK_PAGE, ERROR_PAGE),
    "signIn": ("Unified sign up or sign in page", "Multifactor authentication page",
               ERROR_PAGE),
    "profileUpdate": ("Unified sign up or sign in page", "Profile edit page",
                      "Multifactor authentication page", ERROR_PAGE),
    "passwordReset": ("Forgot password page", "Change password page",
                      "Multifactor authentication page", ERROR_PAGE),
    "resourceOwner": (),
}

#: portal template name -> B2C's ``pageFlavor`` value (page layout >= 2.1.1).
TEMPLATES: dict[str, str] = {"Ocean Blue": "oceanBlue", "Slate Gray": "slateGray",
                             "Classic": "classic"}
DEFAULT_TEMPLATE = "Ocean Blue"
CULTURE = "{Culture:RFC5646}"
MAX_URI_LENGTH = 2048


@dataclass(frozen=True)
class PageLayout:
    """How one page is drawn: a built-in template (``flavor``) or a custom page."""

    row: str
    flavor: str
    custom_page_uri: str | None = None


def is_block_page(view: Mapping[str, Any]) -> bool:
    """An API connector's block page: a self-asserted view with a ``message`` and no fields
    (other pages, such as MFA's, may carry a ``message`` beside their fields)."""
    return (view.get("contract") == "selfasserted" and bool(view.get("message"))
            and "fields" not in view)


def page_type(view: Mapping[str, Any], profile_id: str | None = None) -> str | None:
    """The Page layouts row of a page, from its technical profile, its being a block page or
    its content definition (in that order); None for a page no row covers."""
    keys = (profile_id, "ShowBlockPage" if is_block_page(view) else None,
            view.get("content_definition"))
    for key in keys:
        for row, selectors in PAGE_TYPES.items():
            if key and key in selectors:
                return row
    return None


def flavor_from_query(value: str | None) -> str | None:
    """``pageFlavor=classic|oceanBlue|slateGray`` (any case) -> the flavor, else None."""
    wanted = (value or "").strip().lower()
    return next((f for f in TEMPLATES.values() if f.lower() == wanted), None) if wanted else None


def uses_custom_page(layout: Mapping[str, Any]) -> bool:
    """A row uses its custom page when "Use custom page content" is Yes and it has a URI.  A
    row written without the switch (an imported tenant) uses its URI if it has one."""
    uri = (layout.get("custom_page_uri") or "").strip()
    return bool(uri) and bool(layout.get("use_custom_page", True))


def resolve_layout(config: Mapping[str, Any], row: str | None,
                   page_flavor: str | None = None) -> PageLayout:
    """The layout of ``row`` in a flow's configuration.

    A custom page wins; otherwise ``pageFlavor`` in the query, then the row's template, then
    Ocean Blue.  A page no row covers is drawn with the Ocean Blue template.
    """
    saved = (config.get("page_layouts") or {}).get(row or "", {})
    if not isinstance(saved, Mapping):
        saved = {}
    if uses_custom_page(saved):
        return PageLayout(row or "", TEMPLATES[DEFAULT_TEMPLATE],
                          saved["custom_page_uri"].strip())
    flavor = flavor_from_query(page_flavor) or TEMPLATES.get(saved.get("template"),
                                                             TEMPLATES[DEFAULT_TEMPLATE])
    return PageLayout(row or "", flavor)


def custom_page_url(uri: str, language: str) -> str:
    """The URI to fetch: ``{Culture:RFC5646}`` replaced by the page language (``en``,
    ``pt-br``...), as B2C does for user flows."""
    return uri.replace(CULTURE, language)


def custom_page_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be a Custom page URI, or None.  Only absolute http(s) URIs: the page
    is fetched by the server, and any other scheme (file:, ftp:...) must never be read."""
    if not uri:
        return "Enter the Custom page URI, or set Use custom page content to No."
    if len(uri) > MAX_URI_LENGTH:
        return f"The Custom page URI can be at most {MAX_URI_LENGTH} characters."
    parts = urlsplit(custom_page_url(uri, "en"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ("The Custom page URI must be an absolute http:// or https:// URL, such as "
                "http://localhost:5000/rp/static/custom/unified.html.")
    return None
