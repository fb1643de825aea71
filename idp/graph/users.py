"""``/users`` (Microsoft Graph v1.0 "List users", "Get user", "Create user", "Update user",
"Delete user"): reads need ``User.Read.All`` or ``User.ReadWrite.All``, writes
``User.ReadWrite.All``."""
from __future__ import annotations

from flask import request

from ..extensions import db
from ..store.tenant import current_tenant
from . import bp
from .auth import require
from .errors import not_found
from .odata import collection, entity, read_query, take_page
from .permissions import READ_USERS, WRITE_USERS
from .user_body import read_user_body
from .user_query import find_user, matching_users
from .user_schema import RESOURCE, TYPE_NAME, UserSchema, graph_record, shape, user_schema
from .user_writes import create_user, remove_user, update_user


def _schema() -> UserSchema:
    return user_schema(current_tenant().domain)


def _user(schema: UserSchema, object_id: str):
    """:raise GraphError: 404 when no user has this id (or user principal name)."""
    user = find_user(object_id, schema.domain)
    if user is None:
        raise not_found(object_id)
    return user


@bp.get("/users")
@require(*READ_USERS)
def list_users():
    schema = _schema()
    query = read_query(schema.selectable, schema.filterable, TYPE_NAME, RESOURCE)
    page, token = take_page(matching_users(query, schema), lambda row: row[0], query.top)
    return collection("users", "users", query.select,
                      [shape(record, query.select) for _id, record in page], token)


@bp.get("/users/<object_id>")
@require(*READ_USERS)
def get_user(object_id: str):
    schema = _schema()
    query = read_query(schema.selectable, {}, TYPE_NAME, RESOURCE)
    record = graph_record(_user(schema, object_id), schema)
    return entity("users", query.select, shape(record, query.select))


@bp.post("/users")
@require(*WRITE_USERS)
def create():
    schema = _schema()
    changes = read_user_body(request.get_json(silent=True), schema, creating=True)
    user = create_user(changes, schema)
    db.session.commit()
    record = graph_record(user, schema)
    return entity("users", None, shape(record, None) | {"identities": record["identities"]}), 201


@bp.patch("/users/<object_id>")
@require(*WRITE_USERS)
def update(object_id: str):
    schema = _schema()
    user = _user(schema, object_id)
    update_user(user, read_user_body(request.get_json(silent=True), schema, creating=False),
                schema)
    db.session.commit()
    return "", 204


@bp.delete("/users/<object_id>")
@require(*WRITE_USERS)
def delete(object_id: str):
    schema = _schema()
    remove_user(_user(schema, object_id), schema)
    db.session.commit()
    return "", 204
