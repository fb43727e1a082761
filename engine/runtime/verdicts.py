"""Verdicts of deadline rows from legal dates, not from the order in which the server processed things.

A boundary timer that guards a legal deadline names, in its property ``actDate``, the variable that holds
the legal date of the act meeting the term (``decided_on``, ``delivered_on``…), as it is in the guarded
task's data once that task is done. The timer firing is an escalation and a first verdict (``missed``);
the verdict that counts compares the act's date with the due date: an act recorded after the timer fired
but dated in time corrects the verdict to ``met`` (an audit event keeps the history), an act recorded
before the sweep but dated late is ``missed``. Without a usable date, the Brussels date of the recording
counts. Terms of kind ``period`` are not judged here: they are met when they run out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..law import calendar
from ..store import audit
from ..store.models import Deadline, ProcessInstance

ACT_DATE_PROPERTY = "actDate"
CORRECTED = "deadline_verdict_corrected"


@dataclass(frozen=True)
class Window:
    """What a confirmation task confirms: the rules of the closed window and the fields of the act."""

    rules: tuple[str, ...]
    arrived_field: str
    date_field: str


def window(task: Task | None) -> Window | None:
    """The window a confirmation task confirms (its properties ``confirms``, ``actArrived``, ``actDate``), or
    None for any other task."""
    found = properties(task) if task is not None else {}
    if not found.get("confirms"):
        return None
    rules = tuple(rule.strip() for rule in found["confirms"].split(",") if rule.strip())
    return Window(rules, found.get("actArrived", ""), found.get(ACT_DATE_PROPERTY, ""))


def confirmation_tasks(specs: Iterable[Any]) -> frozenset[str]:
    """The BPMN ids of the tasks, in the given process specs, that confirm a closed window."""
    return frozenset(spec.bpmn_id for process in specs for spec in process.task_specs.values()
                     if getattr(spec, "extensions", None) and spec.extensions.get("properties", {}).get("confirms"))


def confirmed_act_on(timer: Task, rule: str) -> date | None:
    """The date of an act that a confirmation after the window ``timer`` closed says arrived, or None.

    An interrupting timer cancels the task it guards; the act then arrives through the confirmation."""
    pending = list(timer.children)
    while pending:
        task = pending.pop()
        confirmed = window(task)
        if confirmed is not None and rule in confirmed.rules and task.has_state(TaskState.COMPLETED):
            return _as_date(task.data.get(confirmed.date_field)) if task.data.get(confirmed.arrived_field) else None
        pending.extend(task.children)
    return None


def properties(task: Task) -> dict[str, str]:
    """The spiffworkflow properties of a task's spec (empty for tasks without any)."""
    spec: Any = task.task_spec
    return dict(spec.extensions.get("properties", {})) if hasattr(spec, "extensions") else {}


def _as_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def act_variable(timer: Task) -> str | None:
    """The name of the variable that holds the legal date of the act, from the timer's ``actDate``."""
    return properties(timer).get(ACT_DATE_PROPERTY) or None


def act_on(timer: Task, guarded: Task, now: datetime) -> date:
    """The legal date of the act done in ``guarded``: its ``actDate`` variable, else the day it was recorded."""
    name = act_variable(timer)
    found = _as_date(guarded.data.get(name)) if name else None
    return found if found is not None else calendar.legal_date(now)


def judged(due_on: date, act: date) -> str:
    """``met`` when the act is dated on or before the due date, else ``missed``."""
    return "met" if act <= due_on else "missed"


def correct(session: Session, row: ProcessInstance, deadline: Deadline, act: date, now: datetime,
            actor: str) -> None:
    """Judge a deadline whose timer fired by the date of the act recorded since; audit a changed verdict."""
    first = deadline.state
    deadline.correct(judged(deadline.due_on, act), act, now, actor)
    if deadline.state == first:
        return
    recorded_on = calendar.legal_date(now)
    audit.append(session, f"instance:{row.id}", at=now, actor=actor, action=CORRECTED, case_id=row.case_id,
                 instance_id=row.id, task=deadline.bpmn_id, before={"verdict": first},
                 after={"deadline_id": deadline.id, "rule": deadline.rule, "first_verdict": first,
                        "verdict": deadline.state, "act_on": act, "due_on": deadline.due_on,
                        "recorded_on": recorded_on, "recorded_by": actor,
                        "reason": f"act dated {act.isoformat()} recorded on {recorded_on.isoformat()}, after the "
                                  f"timer had fired; due on {deadline.due_on.isoformat()}"})


def is_done(task: Task | None) -> bool:
    """Whether the guarded task (or call activity) has been completed."""
    return task is not None and task.has_state(TaskState.COMPLETED)
