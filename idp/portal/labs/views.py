"""Labs (instructors): what this tenant already has of each lab, a Solve button to jump to a
lab's end state, and Reset to return the tenant to its seeded start (the same functions as
``flask --app app labs check|solve|reset``)."""
from __future__ import annotations

import click
from flask import flash, redirect, render_template, request, url_for

from labs.readme import all_labs

from ... import labs_admin
from ...extensions import db
from ..common import audit_change
from . import bp


@bp.get("/")
def index():
    progress = [(lab, labs_admin.check(lab)) for lab in all_labs()]
    return render_template("portal/labs/index.html", progress=progress)


@bp.post("/<number>/solve")
def solve(number: str):
    labs = {lab.number: lab for lab in all_labs()}
    lab = labs.get(number)
    if lab is None:
        flash(f"There is no lab {number}.", "error")
        return redirect(url_for(".index"), 303)
    try:
        labs_admin.solve(lab)
    except click.ClickException as problem:  # e.g. lab 07's starter pack folder is absent
        db.session.rollback()
        flash(f"Lab {lab.number} was not solved: {problem.message}", "error")
        return redirect(url_for(".index"), 303)
    audit_change("Solve lab", category="Directory", lab=lab.number)
    db.session.commit()
    flash(f"Lab {lab.number} solved: the tenant is where the lab ends.", "success")
    return redirect(url_for(".index"), 303)


@bp.post("/reset")
def reset():
    if request.form.get("confirm") != "yes":
        return render_template("portal/labs/reset.html")
    labs_admin.reset()
    audit_change("Reset tenant to the seeded start", category="Directory")
    db.session.commit()
    flash("The tenant is back at its seeded start. Admin accounts were kept.", "success")
    return redirect(url_for(".index"), 303)
