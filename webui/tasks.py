"""Case workers' inbox and task pages: the work items of my roles, riskiest first, and their forms."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

import engine

from . import documents, formfields, page_links
from .context import current_engine, language, local_target
from .inputs import whole_number
from .labels import ROLE_NAMES, element_name

bp = Blueprint("tasks", __name__)

FILTERS = ("role", "process_id", "claimed", "urgency")
KEPT = ("q", "role", "process_id", "claimed", "urgency", "sort", "limit")
"""What the inbox's address keeps from page to page: the search, the filters and the order."""
NOT_TYPED = frozenset({"csrf_token", "save_draft", "confirmed", "add_row"})
"""Posted fields that are no part of what the person typed into the form."""


@bp.get("/")
@login_required
def inbox():  # type: ignore[no-untyped-def]
    """List the ready work items of every role I hold, by legal risk unless another order is chosen, a page at a
    time; a search keeps those of the cases found by reference, worker or employer."""
    chosen = {key: request.args.get(key) or None for key in FILTERS}
    sort, query = request.args.get("sort") or "risk", request.args.get("q", "").strip()
    page = current_engine().inbox_page(current_user.view.id, **chosen, sort=sort, query=query or None,
                                       cursor=request.args.get("cursor") or None,
                                       limit=whole_number(request.args.get("limit")) or engine.PER_PAGE)
    return render_template("tasks/inbox.html", page=page, items=page.rows, chosen=chosen, sort=sort, query=query,
                           procedures=current_engine().procedures(), values=request.args,
                           link=page_links.with_cursor("tasks.inbox", KEPT))


@bp.get("/tasks/<int:item_id>")
@login_required
def form(item_id: int):  # type: ignore[no-untyped-def]
    """Show a task's form with the legal term that governs it and the case context it needs, filled with the
    reader's own draft when they saved one."""
    eng = current_engine()
    task = eng.task(item_id, current_user.view.id)
    draft = eng.form_drafts.get(item_id, user_id=current_user.view.id)
    return _render(task, draft.values if draft else {}, {}, draft=draft)


@bp.post("/tasks/<int:item_id>/draft/discard")
@login_required
def discard_draft(item_id: int):  # type: ignore[no-untyped-def]
    """Throw one's draft of the task away; the form shows empty again."""
    current_engine().form_drafts.discard(item_id, user_id=current_user.view.id)
    flash(_("Your draft was discarded."), "info")
    return redirect(url_for("tasks.form", item_id=item_id))


def _save_draft(item_id: int):  # type: ignore[no-untyped-def]
    typed = {k: v for k, v in request.form.items() if k not in NOT_TYPED and str(v).strip()}
    saved = current_engine().form_drafts.save(item_id, typed, user_id=current_user.view.id)
    flash(_("Draft saved at %(moment)s. Only you see it; the task stays open and its term runs on.",
            moment=format_datetime(saved.saved_at, "dd/MM/yyyy HH:mm")), "info")
    return redirect(url_for("tasks.form", item_id=item_id))


@bp.post("/tasks/<int:item_id>")
@login_required
def submit(item_id: int):  # type: ignore[no-untyped-def]
    """Complete a task and show what happens next; re-show the form with errors when the data is refused."""
    eng = current_engine()
    task = eng.task(item_id, current_user.view.id)
    if formfields.wants_row(request.form):
        return _render(task, request.form, {})
    if request.form.get("save_draft"):
        return _save_draft(item_id)
    attached, not_kept = documents.attach(task, request.files)
    posted = {**request.form.to_dict(), **attached}
    if not_kept:
        return _render(task, posted, not_kept), 422
    if task.schema.get("x-irreversible") and request.form.get("confirmed") != "yes":
        refused = {"confirmed": [_("Confirm your answer: it cannot be undone.")]}
        return _render(task, posted, refused), 422
    values = formfields.data(task.schema, posted)
    try:
        eng.complete(item_id, values, actor=current_user.view.username, user_id=current_user.view.id)
    except engine.InvalidInput as err:
        labels = _labels(task, err)
        return _render(task, posted, formfields.field_errors(err.fields, labels)), 422
    flash(_("Task completed: %(name)s. What happens next is shown below.", name=element_name(task.item.name)), "info")
    return redirect(url_for("cases.file", case_id=task.case.id, _anchor="next"))


@bp.get("/tasks/<int:item_id>/late-act")
@login_required
def late_act_form(item_id: int):  # type: ignore[no-untyped-def]
    """Show a closed window's confirmation again, to record an act posted in time that arrived later."""
    return _render(current_engine().task(item_id, current_user.view.id), {}, {}, is_late_act=True)


@bp.post("/tasks/<int:item_id>/late-act")
@login_required
def late_act(item_id: int):  # type: ignore[no-untyped-def]
    """Record the late act; the procedure goes back to where a timely act leads, or the refusal says why."""
    eng = current_engine()
    task = eng.task(item_id, current_user.view.id)
    values = formfields.data(task.schema, request.form)
    try:
        eng.record_late_act(item_id, values, user_id=current_user.view.id)
    except engine.InvalidInput as err:
        labels = _labels(task, err)
        return _render(task, request.form, formfields.field_errors(err.fields, labels), is_late_act=True), 422
    except engine.NotAllowed as refused:
        if not refused.details:
            raise
        flash(_("%(act)s was recorded: an act posted in time can no longer reopen the procedure. A compliance "
                "officer reviews the case.", act=refused.details[0].get("irreversible", "")), "error")
        return redirect(url_for("cases.file", case_id=task.case.id))
    flash(_("The act was recorded with its date; the procedure went back to where a timely act leads."), "info")
    return redirect(url_for("cases.file", case_id=task.case.id, _anchor="next"))


def _labels(task: engine.Task, err: engine.InvalidInput) -> dict[str, str]:
    """The labels a refusal may name: the form's fields and the earlier recorded facts its date rules name."""
    earlier = {name: texts.get(language()) or name for name, texts in err.labels.items()}
    drawn = formfields.fields(task.schema, language())
    return {**earlier, **{c.name: c.label for f in drawn for c in f.columns}, **{f.name: f.label for f in drawn}}


def _render(task: engine.Task, values: Mapping, errors: dict, *, is_late_act: bool = False,  # type: ignore[no-untyped-def]
            draft: engine.FormDraftView | None = None):
    title = (task.schema.get("x-title") or {}).get(language(), element_name(task.item.name))
    irreversible = (task.schema.get("x-irreversible") or {}).get(language()) if not is_late_act else None
    files = current_engine().case_documents.list(task.case.id, user_id=current_user.view.id, work_item_id=task.item.id)
    letters = () if is_late_act else current_engine().letters.offered(task.item.id, user_id=current_user.view.id)
    return render_template("tasks/form.html", task=task, item=task.item, title=title, values=values,
                           errors=errors, fields=formfields.fields(task.schema, language()), is_late_act=is_late_act,
                           irreversible=irreversible, decided_on=_decided_on(task), draft=draft, files=files,
                           case_id=task.case.id, work_item_id=task.item.id,
                           back=url_for("tasks.form", item_id=task.item.id) + "#files", letters=letters,
                           worker_letters=_worker_letters(task), lang=language(),
                           addressee_names={**ROLE_NAMES, "riziv": _("RIZIV (National Institute for Health and "
                                                                     "Disability Insurance)")},
                           comments=current_engine().case_comments.list(task.case.id, user_id=current_user.view.id,
                                                                        work_item_id=task.item.id, surface="task"),
                           comments_back=url_for("tasks.form", item_id=task.item.id) + "#comments")


def _worker_letters(task: engine.Task) -> tuple[engine.StoredDocument, ...]:
    """On the worker's own tasks: the letters of the case addressed to the worker (the plan to sign, the
    invitation), to download from the case's documents."""
    if task.item.role != "employee":
        return ()
    documents = current_engine().case_documents.list(task.case.id, user_id=current_user.view.id).documents
    return tuple(d for d in documents if d.kind == "letter" and d.addressed_to == "employee")


@bp.post("/tasks/<int:item_id>/letters/<letter>/<language_code>")
@login_required
def letter(item_id: int, letter: str, language_code: str):  # type: ignore[no-untyped-def]
    """Generate a letter the task offers, keep it with the case, and send it as a PDF attachment (404 for whom may
    not act on the task)."""
    made = current_engine().letters.generate(letter, language_code, user_id=current_user.view.id,
                                             work_item_id=item_id)
    response = Response(made.content, mimetype=made.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=made.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _decided_on(task: engine.Task) -> engine.Document | None:
    """The latest record the task's act decides on (``x-decides-on``: the plan the worker signs or refuses)."""
    wanted = set(task.schema.get("x-decides-on") or ())
    found = [(doc.completed_at, doc.work_item_id, doc) for doc in task.documents
             if doc.task in wanted and doc.completed_at is not None]
    return max(found, key=lambda entry: entry[:2])[2] if found else None


@bp.post("/tasks/<int:item_id>/claim")
@login_required
def claim(item_id: int):  # type: ignore[no-untyped-def]
    """Take a task so colleagues do not work on it too."""
    current_engine().claim(item_id, current_user.view.id)
    return redirect(local_target(request.form.get("next"), url_for("tasks.inbox")))


@bp.post("/tasks/<int:item_id>/release")
@login_required
def release(item_id: int):  # type: ignore[no-untyped-def]
    """Give a task back to the team."""
    current_engine().release(item_id, current_user.view.id)
    return redirect(local_target(request.form.get("next"), url_for("tasks.inbox")))
