"""Policy keys: the list, Add, a key's page and Delete.

Audit: category "KeyManagement" and the activities "Create policy key" / "Delete policy key"
are our choice (B2C's own names for these records are unverified).  Records name the
container, its usage, type and kid: never the material.
"""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for

from ...extensions import db
from ...models import KEY_USAGES
from ...store import policy_keys
from ...store.policy_keys import PolicyKeyError
from ..common import audit_change
from . import bp
from .forms import PolicyKeyForm

CATEGORY = "KeyManagement"
TYPE_LABELS = {"RSA": "RSA", "secret": "Secret"}


@bp.get("/")
def index():
    return render_template("portal/policy_keys/index.html", keys=policy_keys.all_keys(),
                           type_labels=TYPE_LABELS, ief_tab="policy_keys")


@bp.route("/new", methods=["GET", "POST"])
def create():
    if request.method == "GET":  # the Getting started page links here with the name filled in
        form = PolicyKeyForm(data={"name": request.args.get("name", ""),
                                   "key_usage": request.args.get("key_usage", "sig")})
    else:
        form = PolicyKeyForm()
    if form.validate_on_submit():
        try:
            if form.option.data == "Manual":
                made = policy_keys.add_secret(form.name.data, form.secret.data,
                                              form.key_usage.data)
            else:
                made = policy_keys.generate_rsa(form.name.data, form.key_usage.data)
        except PolicyKeyError as problem:  # another admin took the name just now
            form.name.errors.append(str(problem))
        else:
            _audit("Create policy key", made)
            db.session.commit()
            flash(f"Policy key '{made.name}' created. Reference it in a custom policy as "
                  f'<Key StorageReferenceId="{made.name}" />.', "success")
            return redirect(url_for(".show", name=made.name), 303)
    return render_template("portal/policy_keys/create.html", form=form, ief_tab="policy_keys"), \
        200 if request.method == "GET" else 400


@bp.get("/<name>/")
def show(name: str):
    key = _key_or_404(name)
    public_jwk = problem = None
    if key.key_type == "RSA":
        try:
            public_jwk = json.dumps(policy_keys.public_jwks(key.name)["keys"][0], indent=2)
        except PolicyKeyError as unreadable:
            problem = str(unreadable)
    return render_template(
        "portal/policy_keys/show.html", key=key, type_labels=TYPE_LABELS, ief_tab="policy_keys",
        public_jwk=public_jwk, problem=problem,
        policies=policy_keys.policies_referencing(key.name))


@bp.get("/<name>/delete")
def confirm_delete(name: str):
    key = _key_or_404(name)
    return render_template("portal/policy_keys/delete.html", key=key, ief_tab="policy_keys",
                           policies=policy_keys.policies_referencing(key.name))


@bp.post("/<name>/delete")
def delete(name: str):
    key = _key_or_404(name)
    policies = policy_keys.policies_referencing(key.name)
    if request.form.get("confirm") != "yes":
        return render_template("portal/policy_keys/delete.html", key=key, policies=policies,
                               ief_tab="policy_keys"), 409
    policy_keys.delete(key.name)
    _audit("Delete policy key", key, referencedBy=", ".join(policies) or None)
    db.session.commit()
    flash(f"Policy key '{key.name}' deleted."
          + (f" {', '.join(policies)} still reference{'s' if len(policies) == 1 else ''} it: "
             "they fail until a container of that name exists again." if policies else ""),
          "success")
    return redirect(url_for(".index"), 303)


def _key_or_404(name: str) -> policy_keys.KeyInfo:
    key = policy_keys.info(name)
    if key is None:
        abort(404)
    return key


def _audit(activity: str, key: policy_keys.KeyInfo, **details) -> None:
    audit_change(activity, category=CATEGORY, keySetName=key.name,
                 keyUsage=KEY_USAGES.get(key.key_usage), keyType=TYPE_LABELS[key.key_type],
                 kid=key.kid, **details)
