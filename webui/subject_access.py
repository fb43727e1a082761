"""GDPR art. 15: a worker downloads everything held about them; an overseer downloads it for a worker.

The download is a ZIP with the data as JSON (``subject-export.json``) and as a readable page
(``subject-export.html``) in the reader's language, and the cases' letters and files under ``documents/``.
Overseers also see which closed cases are due for pseudonymisation (``/compliance/retention``).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

import engine

from .context import current_engine

bp = Blueprint("subject_access", __name__)


@bp.post("/account/export")
@login_required
def own_export():  # type: ignore[no-untyped-def]
    """Everything Reintegra holds about me, as a ZIP (JSON and a readable page)."""
    return _download(current_engine().subject_exports.subject_export(user_id=current_user.view.id))


@bp.get("/compliance/subject-export")
@login_required
def form():  # type: ignore[no-untyped-def]
    """Ask for a worker's data by their account or one of their cases' references."""
    current_engine().require_compliance_access(current_user.view.id)
    return render_template("compliance/subject_export.html", values={}, not_found=False)


@bp.post("/compliance/subject-export")
@login_required
def export_for_worker():  # type: ignore[no-untyped-def]
    """A worker's data for the overseer who asks, as a ZIP; 404 when no case they oversee matches."""
    eng, user_id = current_engine(), current_user.view.id
    eng.require_compliance_access(user_id)
    account, reference = request.form.get("employee_account", "").strip(), request.form.get("reference", "").strip()
    try:
        if reference:
            case_id = eng.overseen_case(reference, user_id=user_id).id
            export = eng.subject_exports.subject_export(user_id=user_id, case_id=case_id)
        elif account:
            export = eng.subject_exports.subject_export(user_id=user_id, employee_account=account)
        else:
            raise engine.NotFound("name a worker or a case")
    except engine.NotFound:
        return render_template("compliance/subject_export.html", values=request.form, not_found=True), 404
    return _download(export)


@bp.get("/compliance/retention")
@login_required
def retention():  # type: ignore[no-untyped-def]
    """The closed cases I oversee, when each is due for pseudonymisation, the due ones first."""
    eng = current_engine()
    schedule = eng.retention.retention_schedule(user_id=current_user.view.id)
    return render_template("compliance/retention.html", schedule=schedule, years=eng.retention.retention_years())


def _download(export: engine.SubjectExport) -> Response:
    data = json.loads(json.dumps(export.as_json(), default=_plain, sort_keys=True))
    page = render_template("account/subject_export.html", export=data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-export.json", json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))
        archive.writestr("subject-export.html", page)
        for path, content in export.files:
            archive.writestr(path, content)
    name = f"subject-export-{export.generated_at.date().isoformat()}.zip"
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)
