"""Trying a draft before deploying it: a scratch case with its own clock, kept in this process's memory only.

Each process owner has at most one trial per draft. Trials live in a ``TrialRegistry`` in
``app.extensions["reintegra_trials"]``; starting again or discarding closes the old one (and deletes its
scratch database). The real engine and its database are never written to.
"""

from __future__ import annotations

import atexit
import re
import threading
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

import engine

from . import formfields
from .context import current_engine, language
from .errors import problem_lines, refusal_text
from .labels import element_name

bp = Blueprint("trial", __name__, url_prefix="/models/drafts/<int:draft_id>/trial")
EXTENSION = "reintegra_trials"


class TrialRegistry:
    """The trials running in this process, keyed by (draft id, user id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._trials: dict[tuple[int, int], engine.Trial] = {}

    def put(self, key: tuple[int, int], trial: engine.Trial) -> None:
        """Keep ``trial`` under ``key``, closing the one it replaces."""
        with self._lock:
            old = self._trials.pop(key, None)
            self._trials[key] = trial
        if old is not None:
            old.close()

    def get(self, key: tuple[int, int]) -> engine.Trial | None:
        with self._lock:
            return self._trials.get(key)

    def discard(self, key: tuple[int, int]) -> bool:
        """Close and forget the trial under ``key``; whether there was one."""
        with self._lock:
            trial = self._trials.pop(key, None)
        if trial is not None:
            trial.close()
        return trial is not None

    def close_all(self) -> None:
        with self._lock:
            trials, self._trials = list(self._trials.values()), {}
        for trial in trials:
            trial.close()


@bp.record_once
def _install(state: Any) -> None:
    registry = state.app.extensions.setdefault(EXTENSION, TrialRegistry())
    atexit.register(registry.close_all)


@bp.app_context_processor
def _draft_page_helpers() -> dict:
    return {"trial_first_day": _first_day_default, "trial_running": _is_running}


def _first_day_default() -> str:
    chosen = request.args.get("trial_first_day", "")
    return chosen if _as_date(chosen) else current_engine().trial_first_day().isoformat()


def _is_running(draft_id: int) -> bool:
    return _registry().get((draft_id, current_user.view.id)) is not None


@bp.post("/start")
@login_required
def start(draft_id: int):  # type: ignore[no-untyped-def]
    """Start a trial of the saved draft on a scratch case, replacing my previous trial of it."""
    eng, user_id = current_engine(), current_user.view.id
    eng.draft(draft_id, user_id=user_id)
    raw = request.form.get("first_day_of_incapacity", "")
    first_day = _as_date(raw)
    if first_day is None:
        flash(_("Choose the first day of incapacity of the scratch case."), "error")
        return redirect(url_for("models.draft", draft_id=draft_id))
    try:
        trial = eng.open_trial(draft_id, user_id=user_id, first_day_of_incapacity=first_day)
    except engine.NotAllowed as err:
        flash(_("%(refusal)s Choose an earlier first day of incapacity to try this procedure.",
                refusal=refusal_text(err)), "error")
        return redirect(url_for("models.draft", draft_id=draft_id, trial_first_day=raw))
    except engine.InvalidModel as err:
        if _failed_running(err):
            return _failed(draft_id, err, raw)
        flash(ngettext("The draft has %(num)s problem; validate it to see what a trial and a deploy refuse.",
                       "The draft has %(num)s problems; validate it to see what a trial and a deploy refuse.",
                       len(err.problems)), "error")
        return redirect(url_for("models.draft", draft_id=draft_id))
    _registry().put((draft_id, user_id), trial)
    return redirect(url_for("trial.page", draft_id=draft_id))


@bp.get("")
@login_required
def page(draft_id: int):  # type: ignore[no-untyped-def]
    """The trial: its date, the open tasks with sample data, the deadlines, the timeline and the clock."""
    trial = _my_trial(draft_id)
    if trial is None:
        return _no_trial(draft_id)
    return _render(trial)


@bp.post("/complete/<int:item_id>")
@login_required
def complete(draft_id: int, item_id: int):  # type: ignore[no-untyped-def]
    """Complete a task of the scratch case; re-show the page with the field errors when the data is refused."""
    trial = _my_trial(draft_id)
    if trial is None:
        return _no_trial(draft_id)
    task = next((t for t in trial.view().tasks if t.item.id == item_id), None)
    if task is None:
        flash(_("This task is no longer open in the trial."), "error")
        return redirect(url_for("trial.page", draft_id=draft_id))
    if formfields.wants_row(request.form):
        return _render(trial, item_id, request.form)
    try:
        trial.complete(item_id, formfields.data(task.schema, request.form))
    except engine.InvalidModel as err:
        return _failed(draft_id, err, trial.view().case.first_day_of_incapacity.isoformat())
    except engine.InvalidInput as err:
        labels = {f.name: f.label for f in formfields.fields(task.schema, language())}
        return _render(trial, item_id, request.form, formfields.field_errors(err.fields, labels)), 422
    flash(_("Task completed on the scratch case: %(name)s.", name=element_name(task.item.name)), "info")
    return redirect(url_for("trial.page", draft_id=draft_id))


@bp.post("/advance")
@login_required
def advance(draft_id: int):  # type: ignore[no-untyped-def]
    """Move the trial's clock forward and fire the timers that fall due."""
    trial = _my_trial(draft_id)
    if trial is None:
        return _no_trial(draft_id)
    raw = request.form.get("days", "").strip()
    try:
        fired = trial.advance(int(raw) if re.fullmatch(r"-?[0-9]{1,6}", raw) else 0)
    except engine.InvalidModel as err:
        return _failed(draft_id, err, trial.view().case.first_day_of_incapacity.isoformat())
    except engine.InvalidInput:
        return _render(trial, days_error=_("Move the clock by 1 to 366 days.")), 422
    flash(ngettext("The trial's clock moved forward; %(num)s timer fired.",
                   "The trial's clock moved forward; %(num)s timers fired.", fired), "info")
    return redirect(url_for("trial.page", draft_id=draft_id))


@bp.post("/discard")
@login_required
def discard(draft_id: int):  # type: ignore[no-untyped-def]
    """Throw the trial away: its scratch case and database are deleted."""
    current_engine().draft(draft_id, user_id=current_user.view.id)
    _registry().discard((draft_id, current_user.view.id))
    flash(_("Trial discarded: its scratch case and database are gone."), "info")
    return redirect(url_for("models.draft", draft_id=draft_id))


def _registry() -> TrialRegistry:
    return current_app.extensions[EXTENSION]


def _my_trial(draft_id: int) -> engine.Trial | None:
    """My trial of a draft; ``NotAllowed`` (403) for anyone but process owners and admins."""
    current_engine().draft(draft_id, user_id=current_user.view.id)
    return _registry().get((draft_id, current_user.view.id))


def _no_trial(draft_id: int):  # type: ignore[no-untyped-def]
    flash(_("No trial of this draft is running; start one."), "error")
    return redirect(url_for("models.draft", draft_id=draft_id))


def _failed_running(err: engine.InvalidModel) -> bool:
    """Whether the draft failed while its scratch case ran (rather than being refused by validation)."""
    return any(str(getattr(p.message, "code", "")).startswith("run.") for p in err.problems)


def _failed(draft_id: int, err: engine.InvalidModel, first_day: str):  # type: ignore[no-untyped-def]
    """Where and why the draft failed in the trial, with the ways back: the draft, the trial as it was, a new trial."""
    return render_template("models/trial_failed.html", draft_id=draft_id, problems=problem_lines(err.problems),
                           first_day=first_day, is_running=_is_running(draft_id)), 422


def _render(trial: engine.Trial, item_id: int | None = None, posted: Mapping | None = None,
            errors: dict | None = None, days_error: str | None = None):  # type: ignore[no-untyped-def]
    view = trial.view()
    forms = [_task_form(trial, task, posted if task.item.id == item_id else None,
                        errors if task.item.id == item_id else None) for task in view.tasks]
    return render_template("models/trial.html", view=view, forms=forms, days_error=days_error)


def _task_form(trial: engine.Trial, task: engine.TrialTask, posted: Mapping | None,
               errors: dict | None) -> dict:
    values = posted if posted is not None else _as_posted(trial.sample_data(task.item.id))
    title = (task.schema.get("x-title") or {}).get(language(), element_name(task.item.name))
    return {"task": task, "item": task.item, "title": title, "posted": values, "errors": errors or {},
            "fields": formfields.fields(task.schema, language())}


def _as_posted(data: dict[str, Any]) -> dict[str, str]:
    """Typed form data as a posted form carries it (yes/no, text, ``<field>-<row>-<column>`` cells)."""
    posted: dict[str, str] = {}
    for name, value in data.items():
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            posted.update({f"{name}-{n}-{column}": _text(cell) for n, row in enumerate(value)
                           for column, cell in row.items()})
        else:
            posted[name] = _text(value)
    return posted


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _as_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
