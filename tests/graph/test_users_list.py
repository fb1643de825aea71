"""``GET /graph/v1.0/users``: ``$filter`` on extension attributes (string, int, bool), on the
sign-in name through ``identities/any(...)`` and on names; ``$select``; ``$top`` paging with an
opaque ``@odata.nextLink``; bad query options refused with a message naming them."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import BASE, TENANT
from tests.graph.test_users import create, error_of


@pytest.fixture
def people(graph, ext) -> dict:
    """Three users: two in company c1 (one admin, level 2), one in c2 (level 7)."""
    return {
        "ann": create(graph, "ann@example.com", "Ann Lee", givenName="Ann",
                      **{ext + "CompanyId": "c1", ext + "IsAdmin": True, ext + "Level": 2}),
        "bob": create(graph, "bob@example.com", "Bob Ray", **{ext + "CompanyId": "c1",
                                                              ext + "IsAdmin": False}),
        "cy": create(graph, "cy@example.com", "Cy O'Hara", **{ext + "CompanyId": "C2",
                                                              ext + "Level": 7}),
    }


def ids(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {u["id"] for u in response.get_json()["value"]}


def test_collection_shape(graph, people):
    body = graph.get("/users").get_json()
    assert body["@odata.context"] == f"{BASE}/graph/v1.0/$metadata#users"
    assert "@odata.nextLink" not in body and len(body["value"]) == 3
    selected = graph.get("/users?$select=displayName,ID").get_json()
    assert selected["@odata.context"].endswith("#users(displayName,id)")
    assert all(set(u) == {"displayName", "id"} for u in selected["value"])


def test_filter_on_extension_attributes(graph, people, ext):
    assert ids(graph.get(f"/users?$filter={ext}CompanyId eq 'c1'")) == {people["ann"],
                                                                        people["bob"]}
    assert ids(graph.get(f"/users?$filter={ext}CompanyId eq 'c2'")) == {people["cy"]}  # any case
    assert ids(graph.get(f"/users?$filter={ext}Level eq 7")) == {people["cy"]}
    assert ids(graph.get(f"/users?$filter={ext}IsAdmin eq true")) == {people["ann"]}
    assert ids(graph.get(f"/users?$filter={ext}IsAdmin eq false")) == {people["bob"]}
    assert ids(graph.get(f"/users?$filter={ext}CompanyId eq 'c1' and {ext}Level eq 2")) == {
        people["ann"]}
    assert ids(graph.get(f"/users?$filter={ext}Level eq 2 or {ext}Level eq 7")) == {
        people["ann"], people["cy"]}
    selected = graph.get(f"/users?$filter={ext}CompanyId eq 'c1'&$select=id,{ext}CompanyId")
    assert [set(u) for u in selected.get_json()["value"]] == [{"id", ext + "CompanyId"}] * 2


def test_filter_on_sign_in_name_and_names(graph, people):
    by_email = ("/users?$filter=identities/any(c:c/issuerAssignedId eq 'BOB@example.com' and "
                f"c/issuer eq '{TENANT}')")
    assert ids(graph.get(by_email)) == {people["bob"]}
    other_issuer = by_email.replace(f"'{TENANT}'", "'facebook.com'")
    assert ids(graph.get(other_issuer)) == set()
    upn = (f"/users?$filter=identities/any(x:x/issuerAssignedId eq '{people['cy']}@{TENANT}' "
           f"and x/issuer eq '{TENANT}')")
    assert ids(graph.get(upn)) == {people["cy"]}
    assert ids(graph.get("/users?$filter=displayName eq 'ann lee'")) == {people["ann"]}
    assert ids(graph.get("/users?$filter=displayName eq 'Cy O''Hara'")) == {people["cy"]}
    assert ids(graph.get("/users?$filter=givenName eq 'Ann'")) == {people["ann"]}
    assert ids(graph.get("/users?$filter=surname eq null")) == set(people.values())
    assert ids(graph.get("/users?$filter=startswith(displayName,'b')")) == {people["bob"]}
    assert ids(graph.get(f"/users?$filter=id eq '{people['ann'].upper()}'")) == {people["ann"]}


def test_paging_with_next_link(graph, app):
    created = {create(graph, f"user{i}@example.com", f"User {i}") for i in range(7)}
    seen, url, pages = [], "/graph/v1.0/users?$top=3&$select=id,displayName", 0
    while url:
        response = graph.client.get(url, headers=graph._headers())
        body = response.get_json()
        assert response.status_code == 200, body
        seen += [u["id"] for u in body["value"]]
        pages += 1
        link = body.get("@odata.nextLink")
        if link:
            assert link.startswith(f"{BASE}/graph/v1.0/users?")
            query = parse_qs(urlsplit(link).query)
            assert query["$top"] == ["3"] and query["$select"] == ["id,displayName"]
            url = link[len(BASE):]
        else:
            url = None
    assert pages == 3 and len(seen) == 7 and set(seen) == created


def test_paging_keeps_the_filter(graph, ext):
    for i in range(5):
        create(graph, f"f{i}@example.com", **{ext + "CompanyId": "even" if i % 2 == 0 else "odd"})
    first = graph.get(f"/users?$filter={ext}CompanyId eq 'even'&$top=2").get_json()
    assert len(first["value"]) == 2
    second = graph.client.get(first["@odata.nextLink"][len(BASE):], headers=graph._headers())
    assert len(second.get_json()["value"]) == 1 and "@odata.nextLink" not in second.get_json()


@pytest.mark.parametrize("query, message", [
    ("$top=0", "Invalid page size specified: '0'. Must be between 1 and 999 inclusive."),
    ("$top=1000", "Must be between 1 and 999"),
    ("$top=abc", "Invalid page size specified: 'abc'"),
    ("$skiptoken=garbage", "The $skiptoken is not valid"),
    ("$orderby=displayName", "Query option '$orderby' is not supported"),
    ("$count=true", "Query option '$count' is not supported"),
    ("$select=id,shoeSize", "Could not find a property named 'shoeSize' on type "
                            "'microsoft.graph.user'."),
    ("$filter=shoeSize eq 1", "Could not find a property named 'shoeSize'"),
    ("$filter=displayName ne 'x'", "the operator 'ne' is not supported"),
    ("$filter=displayName eq 1", "incompatible types"),
    ("$filter=identities/any(c:c/issuerAssignedId eq 'x')",
     "Unsupported or invalid query filter clause specified for property 'identities' of "
     "resource 'User'."),
    ("$filter=displayName eq 'x", "unterminated string literal"),
])
def test_bad_query_options(graph, query, message):
    assert message in error_of(graph.get(f"/users?{query}"), 400, "Request_BadRequest")


def test_extension_filter_of_an_undefined_attribute(graph, ext):
    response = graph.get(f"/users?$filter={ext}Nope eq 'x'")
    assert f"Could not find a property named '{ext}Nope'" in error_of(response, 400,
                                                                      "Request_BadRequest")


def test_unknown_segment_and_method(graph):
    assert "Resource not found for the segment 'groups'" in error_of(
        graph.get("/groups"), 400, "BadRequest")
    assert "method is not allowed" in error_of(graph.client.put(
        "/graph/v1.0/users", json={}, headers=graph._headers()), 405, "Request_BadRequest")
    assert graph.post("/users/x/appRoleAssignments/y").status_code == 405
