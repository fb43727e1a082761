"""Exports for an inspector or a court: a case's evidence pack (HTML, JSON) and event logs (CSV, XES)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

import engine

from .context import current_engine

bp = Blueprint("evidence", __name__, url_prefix="/compliance")


@bp.get("/exports")
@login_required
def exports():  # type: ignore[no-untyped-def]
    """The filters of an event log and the case reference of an evidence pack; a found case opens its pack."""
    eng, user_id = current_engine(), current_user.view.id
    employers = eng.overseen_employers(user_id=user_id)
    reference = request.args.get("reference", "").strip()
    if reference:
        try:
            return redirect(url_for("evidence.pack", case_id=eng.overseen_case(reference, user_id=user_id).id))
        except engine.NotFound:
            return render_template("compliance/exports.html", employers=employers, reference=reference,
                                   procedures=_process_ids(), not_found=True), 404
    return render_template("compliance/exports.html", employers=employers, reference="",
                           procedures=_process_ids(), not_found=False)


@bp.get("/cases/<int:case_id>/evidence")
@login_required
def pack(case_id: int):  # type: ignore[no-untyped-def]
    """The evidence pack as one self-contained, printable HTML document (``download=1``: as a file)."""
    eng = current_engine()
    evidence = eng.evidence_pack(case_id, user_id=current_user.view.id, store=anchor_store())
    _, digest = eng.evidence_json(evidence)
    page = render_template("compliance/evidence.html", pack=evidence, digest=digest)
    headers = {"Content-Disposition": _attachment(evidence, "html")} if request.args.get("download") else {}
    return page, 200, headers


@bp.get("/cases/<int:case_id>/evidence.json")
@login_required
def pack_json(case_id: int):  # type: ignore[no-untyped-def]
    """The evidence pack as a JSON file."""
    eng = current_engine()
    evidence = eng.evidence_pack(case_id, user_id=current_user.view.id, store=anchor_store())
    text, digest = eng.evidence_json(evidence)
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": _attachment(evidence, "json"), "X-Content-SHA256": digest})


@bp.get("/event-log.csv")
@login_required
def log_csv():  # type: ignore[no-untyped-def]
    """The event log of the completed tasks in scope, as CSV."""
    eng = current_engine()
    events = eng.event_log(user_id=current_user.view.id, **_filters())
    return Response(eng.event_log_csv(events), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="event-log.csv"'})


@bp.get("/event-log.xes")
@login_required
def log_xes():  # type: ignore[no-untyped-def]
    """The event log of the completed tasks in scope, as IEEE XES."""
    eng = current_engine()
    events = eng.event_log(user_id=current_user.view.id, **_filters(), export_format="xes")
    return Response(eng.event_log_xes(events), mimetype="application/xml",
                    headers={"Content-Disposition": 'attachment; filename="event-log.xes"'})


def anchor_store() -> engine.AnchorStore | None:
    """The audit checkpoints' folder and key (``REINTEGRA_AUDIT_ANCHOR_DIR`` and ``_KEY``), when both are set."""
    folder, key = current_app.config.get("AUDIT_ANCHOR_DIR"), current_app.config.get("AUDIT_ANCHOR_KEY")
    return engine.AnchorStore(Path(str(folder)), str(key).encode()) if folder and key else None


def _filters() -> dict:
    """The event-log filters of the query string; 400 for an unknown procedure, a bad date or an empty period."""
    procedure = request.args.get("procedure") or None
    organisation = (request.args.get("organisation") or "").strip() or None
    if procedure is not None and procedure not in _process_ids():
        abort(400)
    if organisation is not None and len(organisation) > 200:
        abort(400)
    date_from, date_to = _date("from"), _date("to")
    if date_from and date_to and date_from > date_to:
        abort(400)
    return {"process_id": procedure, "organisation": organisation, "date_from": date_from, "date_to": date_to}


def _date(name: str) -> date | None:
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def _process_ids() -> list[str]:
    return sorted({v.process_id for v in current_engine().definitions()})


def _attachment(evidence: engine.EvidencePack, extension: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", evidence.case.reference)
    return f'attachment; filename="evidence-{name}.{extension}"'
