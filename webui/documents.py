"""A case's letters and files: the list on the case file, uploads, and downloads that are always attachments."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage, MultiDict

import engine

from . import formfields
from .context import current_engine, language, local_target
from .inputs import whole_number
from .problem_texts import message_text

bp = Blueprint("documents", __name__)

DOWNLOAD_POLICY = "default-src 'none'; sandbox"
"""A downloaded document runs nothing, even when a browser is talked into showing it."""


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
@login_required
def download(case_id: int, document_id: int):  # type: ignore[no-untyped-def]
    """Send a document the reader may read, as an attachment (never shown inline); 404 otherwise."""
    return attachment(*current_engine().case_documents.download(case_id, document_id, user_id=current_user.view.id))


def attachment(document: engine.StoredDocument, content: bytes) -> Response:
    """A document's bytes as a download that is never shown inline and runs nothing (the web pages and the API)."""
    response = Response(content, mimetype=document.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=document.filename)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.post("/cases/<int:case_id>/documents")
@login_required
def upload(case_id: int):  # type: ignore[no-untyped-def]
    """Keep an uploaded file with the case, or with one of its tasks; a refusal says why at the form."""
    back = local_target(request.form.get("next"), url_for("cases.file", case_id=case_id) + "#files")
    sent = request.files.get("file")
    try:
        document = current_engine().case_documents.upload(
            case_id, filename=sent.filename or "" if sent else "", content=sent.read() if sent else b"",
            classification=request.form.get("classification", ""), title=request.form.get("title", ""),
            work_item_id=whole_number(request.form.get("work_item_id")), user_id=current_user.view.id)
    except engine.InvalidInput as refused:
        for message in [m for messages in refused.fields.values() for m in messages] or [refused.message]:
            flash(_("The file was not kept: %(reason)s", reason=message_text(message)), "error")
        return redirect(back)
    flash(_("“%(title)s” was added to the case.", title=document.title), "info")
    return redirect(back)


def attach(task: engine.Task, files: MultiDict[str, FileStorage]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Upload the file posted for each document field of the task's form (``<field>-file``) at the task, with the
    field's class and label; the field then names the new document. Returns those values and, per field, why a
    file was refused (said at the field)."""
    attached: dict[str, str] = {}
    refused: dict[str, list[str]] = {}
    for field in (f for f in formfields.fields(task.schema, language()) if f.widget == "document"):
        sent = files.get(f"{field.name}-file")
        if sent is None or not sent.filename:
            continue
        try:
            document = current_engine().case_documents.upload(
                task.case.id, filename=sent.filename, content=sent.read(), classification=field.classification,
                title=field.label, work_item_id=task.item.id, user_id=current_user.view.id)
        except engine.InvalidInput as refusal:
            reasons = [m for messages in refusal.fields.values() for m in messages] or [refusal.message]
            refused[field.name] = [_("The file was not kept: %(reason)s", reason=message_text(r)) for r in reasons]
            continue
        attached[field.name] = str(document.id)
    return attached, refused
