"""OData query options and response bodies for the Graph subset (OData v4.01 JSON Format §12,
URL Conventions §5.1): ``$select``, ``$filter``, ``$top``, ``$skiptoken``; collections as
``{"@odata.context", "value", "@odata.nextLink"}``.

Paging is by key: a page ends with an opaque ``$skiptoken`` naming the last id returned, and the
next page starts after it, so rows added meanwhile never shift a page.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote

from flask import request

from ..store.tenant import public_url
from . import filters
from .errors import bad_request

DEFAULT_TOP, MAX_TOP = 100, 999
KNOWN_OPTIONS = ("$select", "$filter", "$top", "$skiptoken")
_TOKEN_PREFIX = "b2clab:after:"


@dataclass(frozen=True)
class Query:
    select: tuple[str, ...] | None  # Graph names, or None for the default set
    filter: Any                     # a checked filter tree, or None
    top: int
    after: str | None               # the last id of the previous page


def base_url() -> str:
    return f"{public_url()}/graph/v1.0"


def read_query(selectable: Mapping[str, str], schema: Mapping[str, filters.Field],
               type_name: str, resource: str) -> Query:
    """The request's query options, checked.  ``selectable`` maps lower-case property names to
    Graph's spelling.

    :raise GraphError: 400 for an unknown option or property, a bad $top or $skiptoken, or a
        $filter outside the subset.
    """
    args = request.args
    for name in args:
        if name.startswith("$") and name not in KNOWN_OPTIONS:
            raise bad_request(f"Query option '{name}' is not supported by this B2C Lab Graph "
                              f"endpoint (supported: {', '.join(KNOWN_OPTIONS)}).")
    return Query(_select(args.get("$select"), selectable, type_name),
                 _filter(args.get("$filter"), schema, type_name, resource),
                 _top(args.get("$top")), _after(args.get("$skiptoken")))


def _select(raw: str | None, selectable: Mapping[str, str], type_name: str):
    if raw is None:
        return None
    names = []
    for part in raw.split(","):
        name = selectable.get(part.strip().lower())
        if name is None:
            raise bad_request(f"Could not find a property named '{part.strip()}' on type "
                              f"'{type_name}'.")
        if name not in names:
            names.append(name)
    return tuple(names)


def _filter(raw: str | None, schema, type_name: str, resource: str):
    if raw is None:
        return None
    try:
        return filters.check(filters.parse(raw), schema, type_name, resource)
    except filters.FilterError as error:
        raise bad_request(str(error)) from None


def _top(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_TOP
    value = int(raw) if raw.strip().isdigit() else -1
    if not 1 <= value <= MAX_TOP:
        raise bad_request(f"Invalid page size specified: '{raw}'. Must be between 1 and "
                          f"{MAX_TOP} inclusive.")
    return value


def skip_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{last_id}".encode()).decode().rstrip("=")


def _after(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_TOKEN_PREFIX) or len(text) == len(_TOKEN_PREFIX):
        raise bad_request("The $skiptoken is not valid: follow the @odata.nextLink URL exactly "
                          "as the previous page gave it.")
    return text[len(_TOKEN_PREFIX):]


def take_page(rows: Iterable, key: Callable[[Any], str], top: int) -> tuple[list, str | None]:
    """The first ``top`` rows and the skip token of the next page (None on the last page)."""
    page = []
    for row in rows:
        if len(page) == top:
            return page, skip_token(key(page[-1]))
        page.append(row)
    return page, None


def _next_link(path: str, token: str) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "$skiptoken"]
    pairs.append(("$skiptoken", token))
    query = "&".join(f"{k}={quote(v, safe=chr(39) + '(),:$/@')}" for k, v in pairs)
    return f"{base_url()}/{path}?{query}"


def context(entity_set: str, select: tuple[str, ...] | None, entity: bool = False) -> str:
    """``@odata.context``: ``.../$metadata#users``, ``#users(id,displayName)``,
    ``#users/$entity``."""
    fragment = entity_set + (f"({','.join(select)})" if select else "")
    return f"{base_url()}/$metadata#{fragment}" + ("/$entity" if entity else "")


def collection(entity_set: str, path: str, select, items: list[dict], token: str | None) -> dict:
    body: dict = {"@odata.context": context(entity_set, select)}
    if token:
        body["@odata.nextLink"] = _next_link(path, token)
    body["value"] = items
    return body


def entity(entity_set: str, select, item: dict) -> dict:
    return {"@odata.context": context(entity_set, select, entity=True), **item}
