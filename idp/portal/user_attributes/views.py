"""User attributes: the built-ins with their data types, and custom attributes with the three
names each goes by (Graph/API, token, page class)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ...engine.attributes import BUILT_IN
from ...extensions import db
from ...models import UserAttribute, UserFlow
from ...store.attributes import custom_attributes, extensions_app_id
from ..common import audit_change, get_or_404
from . import bp
from .forms import UserAttributeForm


@bp.get("/")
def index():
    return render_template("portal/user_attributes/index.html", built_in=BUILT_IN,
                           custom=custom_attributes(), rows=_rows(),
                           extensions_app_id=extensions_app_id())


def _rows() -> dict[str, UserAttribute]:
    return {f"extension_{r.name}": r for r in db.session.execute(db.select(UserAttribute))
            .scalars()}


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = UserAttributeForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.execute(db.select(UserAttribute).filter_by(name_key=name.lower())).first():
            form.name.errors.append(f"A custom attribute named '{name}' already exists.")
        else:
            db.session.add(UserAttribute(name=name, name_key=name.lower(),
                                         data_type=form.data_type.data,
                                         description=form.description.data.strip()))
            audit_change("Create user attribute", attribute=name, data_type=form.data_type.data)
            db.session.commit()
            flash(f"Custom attribute '{name}' created. Select it in a user flow's User "
                  "attributes to collect it, or in Application claims to return it.", "success")
            return redirect(url_for(".index"), 303)
    return render_template("portal/user_attributes/create.html", form=form)


def flows_using(claim: str) -> list[UserFlow]:
    flows = db.session.execute(db.select(UserFlow).order_by(UserFlow.name)).scalars()
    return [f for f in flows
            if claim in f.config.get("application_claims", [])
            or any(a.get("claim") == claim for a in f.config.get("user_attributes", []))]


def _remove_everywhere(claim: str, flows: list[UserFlow]) -> None:
    for flow in flows:
        config = dict(flow.config)
        config["application_claims"] = [c for c in config.get("application_claims", [])
                                         if c != claim]
        config["user_attributes"] = [a for a in config.get("user_attributes", [])
                                     if a.get("claim") != claim]
        flow.config = config


@bp.post("/<int:attribute_id>/delete")
def delete(attribute_id: int):
    """Refused while user flows use the attribute, unless confirmed: then removed from them."""
    row = get_or_404(UserAttribute, attribute_id)
    claim = f"extension_{row.name}"
    flows = flows_using(claim)
    if flows and request.form.get("confirm") != "yes":
        return render_template("portal/user_attributes/delete.html", row=row, flows=flows), 409
    _remove_everywhere(claim, flows)
    db.session.delete(row)
    audit_change("Delete user attribute", attribute=row.name,
                 removed_from=", ".join(f.name for f in flows) or None)
    db.session.commit()
    flash(f"Custom attribute '{row.name}' deleted"
          + (f" and removed from {', '.join(f.name for f in flows)}." if flows else "."),
          "success")
    return redirect(url_for(".index"), 303)
