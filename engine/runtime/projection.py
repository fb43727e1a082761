"""Project a workflow's state into the rows the application queries.

After every engine step, the runtime calls ``project``: READY user tasks become work items,
waiting timers become timer rows, computed legal terms become deadline rows (and get their verdict
when their timer fires or is cancelled, judged by the legal date of the act in ``verdicts``), waiting message
events become correlation rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from ..casework import access
from ..law import calendar, explanations
from ..law.deadlines import Computation, Rule
from ..store.models import Correlation, Deadline, ProcessInstance, Timer, WorkItem
from . import procedure_terms, timer_wakes, verdicts

FORM_PROPERTY = "formJsonSchemaFilename"


@dataclass(frozen=True)
class Recorded:
    """A legal term computed while evaluating the expression of one task."""

    task_id: str
    bpmn_id: str
    start_event: str
    computation: Computation


def project(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, recorded: list[Recorded],
            now: datetime, actor: str = "engine", rules: Mapping[str, Rule] | None = None) -> None:
    """Bring every derived row of ``row`` in line with ``workflow`` (in the caller's transaction).

    ``actor`` is who caused the step: a verdict corrected by an act recorded in it is audited in their name.
    ``rules`` (the version's) date the term of its procedure on a task with no term of its own.
    """
    _add_deadlines(session, row, workflow, recorded, now)
    _close_deadlines(session, row, workflow, now, actor)
    _sync_work_items(session, row, workflow, now, rules or {})
    _sync_timers(session, row, workflow)
    _sync_correlations(session, row, workflow)


def timer_due(task: Task) -> datetime | None:
    """The instant at which a waiting timer task fires, or None for tasks that are no timers."""
    definition = getattr(task.task_spec, "event_definition", None)
    value = task.internal_data.get("event_value")
    if not isinstance(definition, TimerEventDefinition) or value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        return datetime.fromisoformat(value["next"]) if value.get("cycles") != 0 else None
    if isinstance(definition, DurationTimerEventDefinition):
        return TimerEventDefinition.get_datetime(value)
    if isinstance(definition, TimeDateEventDefinition):
        return TimerEventDefinition.parse_time_or_duration(value)
    return None


def waiting_timers(workflow: BpmnWorkflow) -> list[tuple[Task, datetime]]:
    """Every waiting timer of the workflow (subprocesses included) with its due instant."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task)
        if due is not None:
            found.append((task, due))
    return found


def _is_timer(task: Task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _known_deadline(session: Session, row: ProcessInstance, entry: Recorded, now: datetime) -> bool:
    """True when ``entry`` is already a row; a pending row computed differently (a timer re-armed by a
    migration) is closed as replaced."""
    query = select(Deadline).where(Deadline.instance_id == row.id, Deadline.task_id == entry.task_id)
    for deadline in session.scalars(query):
        c = entry.computation
        if deadline.state != "pending" or (deadline.rule, deadline.expires_at) == (c.rule, c.expires_at):
            return True
        deadline.close("replaced", now)
    return False


def _task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    """The task, or None when it is gone (a late act resets a workflow and removes what followed)."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None


def _add_deadlines(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, recorded: list[Recorded],
                   now: datetime) -> None:
    for entry in recorded:
        task = _task(workflow, entry.task_id)
        if task is None or not _is_timer(task) or _known_deadline(session, row, entry, now):
            continue
        c = entry.computation
        parts = _explanation_parts(c, now)
        session.add(Deadline(
            case_id=row.case_id, instance_id=row.id, task_id=entry.task_id, bpmn_id=entry.bpmn_id, rule=c.rule,
            kind=c.kind, legal_source=c.legal_source, start_event=entry.start_event, start_on=c.start_on,
            due_on=c.due_on, expires_at=c.expires_at, explanation=explanations.english(parts),
            explanation_parts=parts, state="pending", created_at=now,
        ))
    session.flush()


def _explanation_parts(c: Computation, now: datetime) -> list[dict]:
    """How the term was counted, and why it was over before it was computed when the fact it counts from is
    older (e.g. a case opened late)."""
    today = calendar.legal_date(now)
    late = [explanations.late(c.kind, today)] if c.due_on < today else []
    return [*c.explanation_parts, *late]


_VERDICTS = {
    ("deadline", "fired"): "missed",
    ("period", "fired"): "met",
}
"""The first verdict when a timer fires; a deadline whose guarded task is done is judged by ``verdicts``."""


def _close_deadlines(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, now: datetime,
                     actor: str) -> None:
    """Give pending deadlines their verdict; judge again, by the act's date, a missed one whose act came later."""
    unjudged = and_(Deadline.state == "missed", Deadline.kind == "deadline", Deadline.act_on.is_(None))
    query = select(Deadline).where(Deadline.instance_id == row.id, or_(Deadline.state == "pending", unjudged))
    for deadline in session.scalars(query):
        timer = _task(workflow, deadline.task_id)
        if deadline.state == "pending":
            _give_verdict(deadline, timer, now)
        elif timer is not None and verdicts.is_done(guarded := _guarded_task(timer)):
            assert guarded is not None
            verdicts.correct(session, row, deadline, verdicts.act_on(timer, guarded, now), now, actor)
        elif timer is not None and (confirmed := verdicts.confirmed_act_on(timer, deadline.rule)) is not None:
            verdicts.correct(session, row, deadline, confirmed, now, actor)


def _give_verdict(deadline: Deadline, timer: Task | None, now: datetime) -> None:
    """Close a pending deadline whose timer no longer waits; a done act decides by its legal date."""
    outcome = _timer_outcome(timer)
    if outcome == "waiting":
        return
    if (deadline.kind, outcome) == ("deadline", "guarded_task_done"):
        assert timer is not None
        guarded = _guarded_task(timer)
        assert guarded is not None
        act = verdicts.act_on(timer, guarded, now)
        deadline.close(verdicts.judged(deadline.due_on, act), now, act)
        return
    deadline.close(_VERDICTS.get((deadline.kind, outcome), "cancelled"), now)


def _timer_outcome(task: Task | None) -> str:
    if task is None:
        return "gone"
    if task.has_state(TaskState.WAITING):
        return "waiting"
    if task.has_state(TaskState.COMPLETED):
        return "fired"
    guarded = _guarded_task(task)
    if guarded is not None and guarded.has_state(TaskState.COMPLETED):
        return "guarded_task_done"
    return "cancelled"


def _guarded_task(timer: Task) -> Task | None:
    """The activity a boundary timer is attached to (its sibling that is no boundary event)."""
    if not isinstance(timer.task_spec, BoundaryEvent) or timer.parent is None:
        return None
    return next((t for t in timer.parent.children if not isinstance(t.task_spec, BoundaryEvent)), None)


def _sync_work_items(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, now: datetime,
                     rules: Mapping[str, Rule]) -> None:
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_items = session.scalars(select(WorkItem).where(WorkItem.instance_id == row.id, WorkItem.state == "ready"))
    known = set()
    for item in open_items:
        known.add(item.task_id)
        if item.task_id in ready:
            _refresh(session, row, item, ready[item.task_id], rules)
        else:
            task = _task(workflow, item.task_id)
            item.state = "completed" if task is not None and task.has_state(TaskState.COMPLETED) else "cancelled"
            item.ended_at = now
    for task_id, task in ready.items():
        if task_id not in known:
            item = _new_work_item(task, row, now)
            _refresh(session, row, item, task, rules)
            session.add(item)


def _refresh(session: Session, row: ProcessInstance, item: WorkItem, task: Task, rules: Mapping[str, Rule]) -> None:
    """Keep an item's name and legal term in line with its task (both change when an instance migrates); with
    no term of its own, the term of its procedure that governs it."""
    item.name = task.task_spec.bpmn_name or item.bpmn_id
    item.deadline_id = _guarding_deadline(session, row, task)
    term = procedure_terms.governing(task, rules) if item.deadline_id is None and rules else None
    c = term.computation if term else None
    item.procedure_rule = term.rule if term else None
    item.procedure_start_on, item.procedure_due_on = (c.start_on, c.due_on) if c else (None, None)
    item.procedure_explanation = list(c.explanation_parts) if c else None
    own = session.get(Deadline, item.deadline_id) if item.deadline_id is not None else None
    item.risk_due_on = own.due_on if own else (c.due_on if c and c.due_on and item.procedure_rule else None) or date.max


def _new_work_item(task: Task, row: ProcessInstance, now: datetime) -> WorkItem:
    spec: Any = task.task_spec
    properties = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
    return WorkItem(
        instance_id=row.id, case_id=row.case_id, task_id=str(task.id), bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id, role=access.role_for_lane(spec.lane), form=properties.get(FORM_PROPERTY),
        state="ready", created_at=now,
    )


def _guarding_deadline(session: Session, row: ProcessInstance, task: Task) -> int | None:
    """The deadline of a boundary timer on ``task`` or on a call activity around it: the earliest pending one,
    else the earliest at all (a term that expired in the very step that created the task still governs it)."""
    timer_ids = [str(t.id) for guarded in procedure_terms.enclosing(task) if guarded.parent is not None
                 for t in guarded.parent.children if isinstance(t.task_spec, BoundaryEvent)]
    if not timer_ids:
        return None
    query = (select(Deadline.id).where(Deadline.instance_id == row.id, Deadline.task_id.in_(timer_ids),
                                       Deadline.state != "replaced")
             .order_by(Deadline.state != "pending", Deadline.due_on).limit(1))
    return session.scalar(query)


def _sync_timers(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Delete the timer rows that no longer wait, add the new ones and move the moved ones; every timer added or
    moved is announced to the schedulers (``timer_wakes``), so that one due earlier than they expect fires on time."""
    waiting = {str(task.id): (task, due) for task, due in waiting_timers(workflow)}
    for timer in session.scalars(select(Timer).where(Timer.instance_id == row.id)):
        found = waiting.pop(timer.task_id, None)
        if found is None:
            session.delete(timer)
        elif timer.due_at != found[1]:
            timer.due_at = found[1]
            timer_wakes.announce(session, found[1])
    for task_id, (task, due) in waiting.items():
        session.add(Timer(instance_id=row.id, task_id=task_id, bpmn_id=task.task_spec.bpmn_id, due_at=due))
        timer_wakes.announce(session, due)


def _sync_correlations(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> None:
    session.execute(delete(Correlation).where(Correlation.instance_id == row.id))
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition):
            session.add(Correlation(case_id=row.case_id, instance_id=row.id, message=definition.name,
                                    task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id))
