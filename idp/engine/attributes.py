"""The catalogue of user attributes: built-ins as B2C lists them (b2c-reference §5.4) and custom
attributes, each with the names it goes by (claims bag / Graph, token claim, page element).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AttributeDef:
    """One user attribute.

    ``claim`` is its name in the claims bag, which is also its Graph property and API-connector
    key for built-ins; ``token_claim`` its name in tokens (None: never in a token).
    """

    claim: str
    label: str
    data_type: str = "String"          # String, Boolean, Int, StringCollection, DateTime
    token_claim: str | None = None
    collectable: bool = True
    returnable: bool = True
    input_type: str = "TextBox"
    max_length: int | None = None
    custom: bool = False
    description: str = ""

    def graph_name(self, extensions_app_id: str) -> str:
        """Name in Graph and in API-connector requests: custom attributes carry the
        b2c-extensions-app id without dashes (``extension_<appId>_Name``)."""
        if self.custom:
            return f"extension_{extensions_app_id.replace('-', '')}_{self.claim[len('extension_'):]}"
        return self.claim


BUILT_IN: tuple[AttributeDef, ...] = (
    AttributeDef("city", "City", token_claim="city", max_length=128),
    AttributeDef("country", "Country/Region", token_claim="country"),
    AttributeDef("displayName", "Display Name", token_claim="name", max_length=256),
    AttributeDef("email", "Email Address", returnable=False, input_type="EmailBox"),
    AttributeDef("emails", "Email Addresses", "StringCollection", token_claim="emails",
                 collectable=False),
    AttributeDef("givenName", "Given Name", token_claim="given_name", max_length=64),
    AttributeDef("identityProvider", "Identity Provider", token_claim="idp", collectable=False),
    AttributeDef("identityProviderAccessToken", "Identity Provider Access Token",
                 token_claim="idp_access_token", collectable=False),
    AttributeDef("jobTitle", "Job Title", token_claim="jobTitle", max_length=128),
    # b2c-reference marks this claim name unverified; we emit the Graph property name.
    AttributeDef("legalAgeGroupClassification", "Legal Age Group Classification",
                 token_claim="legalAgeGroupClassification", collectable=False),
    AttributeDef("postalCode", "Postal Code", token_claim="postalCode", max_length=40),
    AttributeDef("state", "State/Province", token_claim="state", max_length=128),
    AttributeDef("streetAddress", "Street Address", token_claim="streetAddress",
                 max_length=1024),
    AttributeDef("surname", "Surname", token_claim="family_name", max_length=64),
    AttributeDef("newUser", "User is new", "Boolean", token_claim="newUser", collectable=False),
    AttributeDef("objectId", "User's Object ID", token_claim="oid", collectable=False),
)

BUILT_IN_BY_CLAIM = {a.claim: a for a in BUILT_IN}


def custom_attribute(name: str, data_type: str = "String", description: str = "") -> AttributeDef:
    """A custom attribute ``name`` as the tenant defines it (User attributes > Add)."""
    claim = f"extension_{name}"
    return AttributeDef(claim, name, data_type, token_claim=claim, custom=True,
                        description=description)


def catalogue(custom: tuple[AttributeDef, ...] = ()) -> dict[str, AttributeDef]:
    """Every attribute the tenant knows, by bag claim name."""
    return {**BUILT_IN_BY_CLAIM, **{a.claim: a for a in custom}}
