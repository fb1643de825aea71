"""Graph ``/users`` (identities come with ``$select``, as in Graph): a user who signed up with
a social provider shows its ``federated`` identity next to the local one, and
``identities/any(...)`` finds the user by it."""
from __future__ import annotations

from urllib.parse import quote

from idp.extensions import db
from idp.models import DirectoryUser, UserIdentity

TENANT = "contoso.onmicrosoft.com"


def add_user(app) -> str:
    with app.app_context():
        user = DirectoryUser(display_name="Ada Both", identities=[
            UserIdentity(sign_in_type="emailAddress", issuer=TENANT,
                         issuer_assigned_id="ada@example.com",
                         issuer_assigned_id_key="ada@example.com"),
            UserIdentity(sign_in_type="federated", issuer="facebook.com",
                         issuer_assigned_id="10158123", issuer_assigned_id_key="10158123")])
        db.session.add(user)
        db.session.commit()
        return user.object_id


def test_get_user_returns_federated_identities(graph, app):
    object_id = add_user(app)
    body = graph.get(f"/users/{object_id}?$select=displayName,identities").get_json()
    assert body["identities"][:2] == [
        {"signInType": "emailAddress", "issuer": TENANT, "issuerAssignedId": "ada@example.com"},
        {"signInType": "federated", "issuer": "facebook.com", "issuerAssignedId": "10158123"}]
    assert body["identities"][2]["signInType"] == "userPrincipalName"


def test_filter_finds_a_user_by_federated_identity(graph, app):
    object_id = add_user(app)
    term = "identities/any(c:c/issuerAssignedId eq '10158123' and c/issuer eq 'facebook.com')"
    found = graph.get(f"/users?$filter={quote(term)}").get_json()["value"]
    assert [u["id"] for u in found] == [object_id]
    other = "identities/any(c:c/issuerAssignedId eq '10158123' and c/issuer eq 'google.com')"
    assert graph.get(f"/users?$filter={quote(other)}").get_json()["value"] == []
