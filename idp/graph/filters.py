"""OData ``$filter`` for the Graph subset (OData v4.01 URL Conventions §5.1.1): a small, strict
parser, a type check against a resource's filterable properties, and an evaluator.  Plain
Python: no Flask, no database, no ``eval``.

Understood: ``prop eq literal``, ``startswith(prop, 'text')``,
``collection/any(x: x/a eq 'v' and x/b eq 'w')``, ``and``, ``or`` and parentheses.  Literals:
``'text'`` (``''`` is a quote), integers, ``true``, ``false``, ``null`` and unquoted GUIDs
(``resourceId eq 8fa6...``).  Anything else raises :class:`FilterError` naming the part.
String comparisons ignore case, as the directory's do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

UNSUPPORTED_OPERATORS = ("ne", "gt", "ge", "lt", "le", "in", "has", "not", "add", "sub")
UNSUPPORTED_FUNCTIONS = ("endswith", "contains", "substringof", "tolower", "toupper", "trim",
                         "length", "indexof", "concat", "substring")
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<guid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-]))
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<name>[A-Za-z_]\w*(?:/[A-Za-z_]\w*)*)
  | (?P<punct>[(),:])
""", re.VERBOSE)


class FilterError(ValueError):
    """A ``$filter`` the lab cannot run; the message names the offending part."""


class Guid(str):
    """An unquoted GUID literal (``Edm.Guid``)."""


@dataclass(frozen=True)
class Compare:
    prop: str
    value: Any


@dataclass(frozen=True)
class StartsWith:
    prop: str
    value: str


@dataclass(frozen=True)
class AnyOf:
    collection: str
    var: str
    body: Any


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Field:
    """A filterable property: its Graph name and EDM type; a collection lists its items'."""

    name: str
    edm: str                                    # Edm.String | Edm.Int32 | Edm.Boolean | ...
    startswith: bool = False
    items: Mapping[str, "Field"] | None = None  # a collection's item properties, by lower name
    required: tuple[str, ...] = ()              # item properties an any() must compare
    hint: str = ""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def _unsupported(part: str) -> FilterError:
    return FilterError(f"Unsupported query: {part} is not supported in $filter here.")


def _tokens(text: str) -> list[_Token]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos] == "'":
                raise FilterError(f"Syntax error: unterminated string literal at position {pos} "
                                  f"in '{text}'.")
            raise FilterError(f"Syntax error: character '{text[pos]}' is not valid at position "
                              f"{pos} in '{text}'.")
        if match.lastgroup != "ws":
            out.append(_Token(match.lastgroup, match.group(), pos))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.tokens, self.i = text, _tokens(text), 0

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.i + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str = "") -> _Token:
        token = self.peek()
        if token is None:
            raise FilterError(f"Syntax error: '{self.text}' ends too early"
                              + (f" (expected '{expected}')." if expected else "."))
        if expected and token.text != expected:
            raise FilterError(f"Syntax error: expected '{expected}' at position {token.pos} "
                              f"but found '{token.text}' in '{self.text}'.")
        self.i += 1
        return token

    def parse(self):
        if not self.tokens:
            raise FilterError("Invalid filter clause: the $filter is empty.")
        node = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise FilterError(f"Syntax error: unexpected '{extra.text}' at position {extra.pos} "
                              f"in '{self.text}'.")
        return node

    def _chain(self, word: str, operand, node_type):
        items = [operand()]
        while (token := self.peek()) is not None and token.text == word:
            self.i += 1
            items.append(operand())
        return items[0] if len(items) == 1 else node_type(tuple(items))

    def or_expr(self):
        return self._chain("or", self.and_expr, Or)

    def and_expr(self):
        return self._chain("and", self.primary, And)

    def primary(self):
        token = self.take()
        if token.text == "(":
            node = self.or_expr()
            self.take(")")
            return node
        if token.kind != "name":
            raise FilterError(f"Syntax error: expected a property name at position {token.pos} "
                              f"but found '{token.text}' in '{self.text}'.")
        if token.text in UNSUPPORTED_OPERATORS:
            raise _unsupported(f"the operator '{token.text}'")
        following = self.peek()
        if following is not None and following.text == "(":
            return self.call(token)
        return self.comparison(token.text)

    def call(self, token: _Token):
        path, _, last = token.text.rpartition("/")
        self.take("(")
        if path and last == "any":
            var = self.take()
            if var.kind != "name" or "/" in var.text:
                raise FilterError(f"Syntax error: expected a lambda variable at position "
                                  f"{var.pos} in '{self.text}'.")
            self.take(":")
            body = self.or_expr()
            self.take(")")
            return AnyOf(path, var.text, body)
        if path and last == "all":
            raise _unsupported("the lambda operator 'all'")
        if token.text == "startswith":
            prop = self.take()
            self.take(",")
            value = self.literal()
            self.take(")")
            if prop.kind != "name" or not isinstance(value, str) or isinstance(value, Guid):
                raise FilterError("Invalid filter clause: use startswith(property, 'text').")
            return StartsWith(prop.text, value)
        if token.text in UNSUPPORTED_FUNCTIONS:
            raise _unsupported(f"the function '{token.text}'")
        raise FilterError(f"Invalid filter clause: unknown function '{token.text}'.")

    def comparison(self, prop: str):
        operator = self.take()
        if operator.text in UNSUPPORTED_OPERATORS:
            raise _unsupported(f"the operator '{operator.text}'")
        if operator.text != "eq":
            raise FilterError(f"Syntax error: expected an operator such as 'eq' after '{prop}' "
                              f"but found '{operator.text}' in '{self.text}'.")
        return Compare(prop, self.literal())

    def literal(self):
        token = self.take()
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "guid":
            return Guid(token.text.lower())
        if token.kind == "number":
            if "." in token.text:
                raise _unsupported(f"the decimal literal {token.text}")
            return int(token.text)
        if token.text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.text]
        raise FilterError(f"Syntax error: expected a value ('quoted text', a number, true, "
                          f"false, null or a GUID) at position {token.pos} but found "
                          f"'{token.text}' in '{self.text}'.")


def parse(text: str):
    """The syntax tree of ``text``.  :raise FilterError: on anything outside the subset."""
    return _Parser(text).parse()


def _edm(value: Any) -> str:
    if isinstance(value, Guid):
        return "Edm.Guid"
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, int):
        return "Edm.Int32" if -2**31 <= value < 2**31 else "Edm.Int64"
    return "Edm.String"


def _field(prop: str, schema: Mapping[str, Field], type_name: str) -> Field:
    found = schema.get(prop.lower())
    if found is None:
        raise FilterError(f"Could not find a property named '{prop}' on type '{type_name}'.")
    return found


def check(node, schema: Mapping[str, Field], type_name: str, resource: str, var: str = ""):
    """``node`` with property names in Graph's spelling, after checking each property exists,
    is filterable that way, and meets a literal of its type.

    :raise FilterError: with OData's message for an unknown property or a type mismatch.
    """
    if isinstance(node, (And, Or)):
        return type(node)(tuple(check(n, schema, type_name, resource, var) for n in node.items))
    if isinstance(node, AnyOf):
        if var:
            raise _unsupported("a lambda inside a lambda")
        field = _field(node.collection, schema, type_name)
        if field.items is None:
            raise _unsupported(f"any() on '{field.name}' (not a collection)")
        body = check(node.body, field.items, type_name, resource, node.var)
        compared = [c.prop for c in (body.items if isinstance(body, And) else (body,))
                    if isinstance(c, Compare)]
        if len(compared) != len(getattr(body, "items", (body,))) or \
                sorted(compared) != sorted(field.required):
            raise FilterError(f"Unsupported or invalid query filter clause specified for "
                              f"property '{field.name}' of resource '{resource}'. {field.hint}"
                              .strip())
        return AnyOf(field.name, node.var, body)
    prop = node.prop
    if var:
        prefix, _, prop = prop.partition("/")
        if prefix != var or not prop:
            raise FilterError(f"Invalid filter clause: inside the lambda, name properties as "
                              f"'{var}/<property>' (found '{node.prop}').")
    field = _field(prop, schema, type_name)
    if field.items is not None:
        raise FilterError(f"Invalid filter clause: '{field.name}' is a collection: use "
                          f"{field.name}/any(...). {field.hint}".strip())
    if isinstance(node, StartsWith):
        if not field.startswith:
            raise _unsupported(f"startswith on '{field.name}'")
        return StartsWith(field.name, node.value)
    literal = _edm(node.value)
    if node.value is not None and literal != field.edm and not (
            field.edm == "Edm.Int32" and literal == "Edm.Int64"):
        raise FilterError(f"A binary operator with incompatible types was detected. Found "
                          f"operand types '{field.edm}' and '{literal}' for operator kind "
                          f"'Equal'.")
    return Compare(field.name, node.value)


def _equal(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual in (None, "", [])
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual.casefold() == expected.casefold()
    return isinstance(actual, int) and actual == expected


def evaluate(node, record: Mapping[str, Any]) -> bool:
    """True when ``record`` (Graph property name -> value; a collection is a list of such
    mappings) satisfies the checked ``node``."""
    if isinstance(node, And):
        return all(evaluate(n, record) for n in node.items)
    if isinstance(node, Or):
        return any(evaluate(n, record) for n in node.items)
    if isinstance(node, AnyOf):
        return any(evaluate(node.body, item) for item in record.get(node.collection) or ())
    actual = record.get(node.prop)
    if isinstance(node, StartsWith):
        return isinstance(actual, str) and actual.casefold().startswith(node.value.casefold())
    return _equal(actual, node.value)


def conjuncts(node) -> tuple:
    """The terms every match must satisfy (``a and b`` -> ``(a, b)``; an ``or`` is one term):
    what a caller may push down to the database before :func:`evaluate` decides."""
    return node.items if isinstance(node, And) else (node,)
