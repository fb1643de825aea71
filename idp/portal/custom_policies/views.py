"""Custom policies: the list, Upload custom policy, and each policy's pane (Run now, Download,
View merged policy, Delete).

An upload is refused as a whole, with every problem and where it is; nothing is stored then.
A delete is refused while another policy names this one as its base (B2C would leave the
children broken; naming them teaches the chain).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...engine.ief.model import PolicyError
from ...extensions import db
from ...store import custom_policies
from ...store.tenant import current_tenant, public_url
from ..user_flows.views import run_page_context
from . import bp
from .forms import TOO_BIG, CustomPolicyUploadForm

#: multipart framing around the file (the check runs before the body is read)
FORM_OVERHEAD = 16 * 1024


@bp.get("/")
def index():
    return render_template("portal/custom_policies/index.html", ief_tab="custom_policies",
                           policies=custom_policies.all_policies())


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    from ...engine.ief.parse import MAX_BYTES

    if request.method == "GET":
        return _upload_page(CustomPolicyUploadForm())
    # Checked before the body is parsed (the app has no MAX_CONTENT_LENGTH of its own).
    if (request.content_length or 0) > MAX_BYTES + FORM_OVERHEAD:
        return _upload_page(CustomPolicyUploadForm(formdata=None),
                            refused=custom_policies.UploadRefused(TOO_BIG, []), status=413)
    form = CustomPolicyUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, status=400)
    data = form.file.data.read(MAX_BYTES + 1)
    try:
        row = custom_policies.upload(data, overwrite=form.overwrite.data, tenant=current_tenant(),
                                     admin=current_user.username)
    except custom_policies.UploadRefused as refused:
        db.session.rollback()
        return _upload_page(form, refused=refused, filename=form.file.data.filename, status=400)
    db.session.commit()
    flash(f"Policy '{row.policy_id}' uploaded.", "success")
    return redirect(url_for(".show", policy_id=row.policy_id), 303)


def _upload_page(form, refused=None, filename=None, status=200):
    return render_template("portal/custom_policies/upload.html", ief_tab="custom_policies",
                           form=form, refused=refused, filename=filename), status


def _policy_or_404(policy_id: str):
    row = custom_policies.find(policy_id)
    if row is None:
        abort(404)
    return row


@bp.get("/<policy_id>/")
def show(policy_id: str):
    """The policy's pane: Run now (relying-party policies only), Download, View merged
    policy, Delete, and its place in the chain."""
    row = _policy_or_404(policy_id)
    runnable = custom_policies.is_relying_party(row)
    tenant = current_tenant()
    context = run_page_context(row.policy_id) if runnable else {}
    return render_template(
        "portal/custom_policies/show.html", ief_tab="custom_policies", policy=row,
        runnable=runnable, children=custom_policies.children_of(row.policy_id),
        metadata_url=(f"{public_url()}/{tenant.domain}/{row.policy_id}"
                      "/v2.0/.well-known/openid-configuration"), **context)


@bp.get("/<policy_id>/download")
def download(policy_id: str):
    row = _policy_or_404(policy_id)
    response = current_app.response_class(custom_policies.download(row.policy_id),
                                          mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{row.policy_id}.xml"'
    return response


@bp.get("/<policy_id>/merged")
def merged(policy_id: str):
    row = _policy_or_404(policy_id)
    try:
        xml, problem = custom_policies.merged_xml(row.policy_id), None
    except PolicyError as error:
        xml, problem = None, error
    return render_template("portal/custom_policies/merged.html", ief_tab="custom_policies",
                           policy=row, xml=xml, problem=problem), 200 if problem is None else 409


@bp.post("/<policy_id>/delete")
def delete(policy_id: str):
    row = _policy_or_404(policy_id)
    children = custom_policies.children_of(row.policy_id)
    if children or request.form.get("confirm") != "yes":
        return render_template("portal/custom_policies/delete.html", ief_tab="custom_policies",
                               policy=row, children=children), 409 if children else 200
    name = custom_policies.delete(row.policy_id, admin=current_user.username)
    db.session.commit()
    flash(f"Policy '{name}' deleted.", "success")
    return redirect(url_for(".index"), 303)
