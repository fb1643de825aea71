"""Graph's ``user`` resource over ``DirectoryUser``: the properties the lab serves, their
``$select``/``$filter`` names and types, and a user as Graph shows it.

Without ``$select`` Graph v1.0 returns its default property set (``businessPhones`` ...
``userPrincipalName``, ``id``); ``identities``, ``accountEnabled``, ``createdDateTime``, the
address properties and extension attributes come only when selected, as in Azure.  Custom
attributes go by their Graph name ``extension_<b2c-extensions-app id without dashes>_<Name>``;
the directory stores them under the claims-bag name ``extension_<Name>``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..extensions import db
from ..models import DirectoryUser, UserAttribute
from ..store.attributes import extensions_app_id
from .filters import Field

TYPE_NAME, RESOURCE = "microsoft.graph.user", "User"
DEFAULT_SELECT = ("businessPhones", "displayName", "givenName", "jobTitle", "mail",
                  "mobilePhone", "officeLocation", "preferredLanguage", "surname",
                  "userPrincipalName", "id")
#: DirectoryUser columns by Graph name.
COLUMNS = {"displayName": "display_name", "givenName": "given_name", "surname": "surname",
           "accountEnabled": "account_enabled"}
#: writable string properties and their maximum length (Graph's limits).
STRINGS = {"displayName": 256, "givenName": 64, "surname": 64, "jobTitle": 128,
           "streetAddress": 1024, "city": 128, "state": 128, "postalCode": 40, "country": 64}
#: the other properties a user has here (read-only, or always empty in B2C Lab).
OTHER = ("id", "accountEnabled", "createdDateTime", "identities", "userPrincipalName", "mail",
         "otherMails", "businessPhones", "mobilePhone", "officeLocation", "preferredLanguage",
         "passwordPolicies", "creationType")
FILTERABLE = ("displayName", "givenName", "surname", "jobTitle", "city", "state", "country",
              "postalCode", "userPrincipalName", "id")
STARTSWITH = ("displayName", "givenName", "surname", "userPrincipalName")
EDM = {"String": "Edm.String", "Int": "Edm.Int32", "Boolean": "Edm.Boolean"}
IDENTITY_ITEMS = {"issuer": Field("issuer", "Edm.String"),
                  "issuerassignedid": Field("issuerAssignedId", "Edm.String"),
                  "signintype": Field("signInType", "Edm.String")}
IDENTITIES_HINT = ("Graph finds a sign-in name with identities/any(c:c/issuerAssignedId eq "
                   "'jane@example.com' and c/issuer eq '{domain}').")


@dataclass(frozen=True)
class Extension:
    graph_name: str   # extension_<appIdNoDashes>_<Name>
    claim: str        # extension_<Name> (the directory's key)
    data_type: str    # String | Int | Boolean


@dataclass
class UserSchema:
    """The tenant's user resource: built-ins plus its custom attributes."""

    domain: str
    extensions: dict[str, Extension] = field(default_factory=dict)  # by lower Graph name

    @property
    def selectable(self) -> dict[str, str]:
        names = [*STRINGS, *OTHER, *(e.graph_name for e in self.extensions.values())]
        return {n.lower(): n for n in names}

    @property
    def filterable(self) -> dict[str, Field]:
        fields = {n.lower(): Field(n, "Edm.String", n in STARTSWITH) for n in FILTERABLE}
        fields["accountenabled"] = Field("accountEnabled", "Edm.Boolean")
        fields["identities"] = Field(
            "identities", "Collection", items=IDENTITY_ITEMS,
            required=("issuer", "issuerAssignedId"),
            hint=IDENTITIES_HINT.format(domain=self.domain))
        for key, ext in self.extensions.items():
            fields[key] = Field(ext.graph_name, EDM[ext.data_type],
                                startswith=ext.data_type == "String")
        return fields


def user_schema(domain: str) -> UserSchema:
    prefix = f"extension_{extensions_app_id().replace('-', '')}_"
    rows = db.session.execute(db.select(UserAttribute).order_by(UserAttribute.name)).scalars()
    extensions = {(prefix + r.name).lower(): Extension(prefix + r.name, f"extension_{r.name}",
                                                       r.data_type) for r in rows}
    return UserSchema(domain, extensions)


def _iso(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def user_principal_name(user: DirectoryUser, domain: str) -> str:
    """B2C gives every account a ``<guid>@<tenant>.onmicrosoft.com`` UPN; the lab uses the
    object id as the GUID."""
    return f"{user.object_id}@{domain}"


def identities(user: DirectoryUser, domain: str) -> list[dict]:
    """The sign-in identities, then the ``userPrincipalName`` one every B2C account has."""
    rows = [{"signInType": i.sign_in_type, "issuer": i.issuer,
             "issuerAssignedId": i.issuer_assigned_id} for i in user.identities]
    return rows + [{"signInType": "userPrincipalName", "issuer": domain,
                    "issuerAssignedId": user_principal_name(user, domain)}]


def graph_record(user: DirectoryUser, schema: UserSchema) -> dict[str, Any]:
    """Every property the user has, by Graph name (extension attributes only when set)."""
    attributes = user.attributes or {}
    local = any(i.sign_in_type in ("emailAddress", "userName") for i in user.identities)
    record: dict[str, Any] = {
        "id": user.object_id, "displayName": user.display_name, "givenName": user.given_name,
        "surname": user.surname, "accountEnabled": user.account_enabled,
        "createdDateTime": _iso(user.created_at), "identities": identities(user, schema.domain),
        "userPrincipalName": user_principal_name(user, schema.domain), "mail": None,
        "otherMails": list(attributes.get("otherMails") or []), "businessPhones": [],
        "mobilePhone": None, "officeLocation": None, "preferredLanguage": None,
        "passwordPolicies": attributes.get("passwordPolicies"),
        "creationType": "LocalAccount" if local else None}
    for name in STRINGS:
        if name not in COLUMNS:
            record[name] = attributes.get(name)
    for ext in schema.extensions.values():
        if attributes.get(ext.claim) is not None:
            record[ext.graph_name] = attributes[ext.claim]
    return record


def shape(record: dict[str, Any], select: tuple[str, ...] | None) -> dict[str, Any]:
    """The user as Graph answers: the selected properties (the default set without
    ``$select``); an unset built-in is null, an unset extension attribute is left out."""
    names = select or DEFAULT_SELECT
    return {n: record.get(n) for n in names
            if n in record or not n.startswith("extension_")}
