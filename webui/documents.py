"""A case's letters and files: the list on the case file, uploads, and downloads that are always attachments."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from .context import current_engine, local_target
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
