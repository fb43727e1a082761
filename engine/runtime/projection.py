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
from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
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
            now: datetime, actor: str = "engine", rules: Mapping[str, Rule] | None = None, *,
            listened: bool = True, fresh: bool = False) -> Projected:
    """Bring every derived row of ``row`` in line with ``workflow`` (in the caller's transaction).

    ``actor`` is who caused the step: a verdict corrected by an act recorded in it is audited in their name.
    ``rules`` (the version's) date the term of its procedure on a task with no term of its own. ``listened``: whether
    the instance may have correlation rows (False when it waited for no message when it was loaded). ``fresh``: the
    instance was created in this call, so it has no derived row yet and none is read.
    Each kind of row is read once and written by difference: the deadlines a step may touch in one query, the open
    work items in another, the timers in a third. A deadline closed in the step that computed it is inserted closed.
    """
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    guards = {task_id: _boundary_timer_ids(task) for task_id, task in ready.items()}
    touched = {e.task_id for e in recorded}.union(*guards.values())
    deadlines = [] if fresh else _read_deadlines(session, row.id, touched)
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    with session.no_autoflush:
        added = _add_deadlines(row, workflow, recorded, now, deadlines)
        _close_deadlines(session, row, workflow, now, actor, deadlines)
        _insert_deadlines(session, added)
        governed = {task_id: (task, _guarding_deadline(deadlines, guards[task_id])) for task_id, task in ready.items()}
        _sync_work_items(session, row, workflow, governed, now, rules or {}, fresh)
        _sync_timers(session, row, waiting, fresh)
        if listened or listening(workflow, waiting):
            _sync_correlations(session, row, waiting, listened)
    return Projected(deadlines)


@dataclass(frozen=True)
class Projected:
    """What ``project`` read and wrote of the deadlines: the ones a later act may still judge, among others."""

    deadlines: list[Deadline]

    def open_to_judgement(self) -> list[Deadline]:
        """Pending deadlines, and missed ones with no act yet (a later act may still judge them)."""
        return [d for d in self.deadlines if d.state == "pending" or _unjudged(d)]


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
    return _timers_among(workflow.get_tasks(state=TaskState.WAITING))


def _timers_among(waiting: list[Task]) -> list[tuple[Task, datetime]]:
    found = []
    for task in waiting:
        due = timer_due(task)
        if due is not None:
            found.append((task, due))
    return found


def _is_timer(task: Task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _read_deadlines(session: Session, instance_id: int, task_ids: set[str]) -> list[Deadline]:
    """The deadlines a step may touch: pending ones, missed ones not yet judged by an act, and every one of
    ``task_ids`` (the timers that computed a term in this step, and those guarding a ready task)."""
    return list(session.scalars(_DEADLINES, {"instance_id": instance_id, "task_ids": sorted(task_ids)}))


_UNJUDGED = and_(Deadline.state == "missed", Deadline.kind == "deadline", Deadline.act_on.is_(None))
_DEADLINES = select(Deadline).where(Deadline.instance_id == bindparam("instance_id"), or_(
    Deadline.state == "pending", _UNJUDGED, Deadline.task_id.in_(bindparam("task_ids", expanding=True))))
"""Statements of the hot path are built once: building one costs more than running it on SQLite."""
_OPEN_ITEMS = select(WorkItem).where(WorkItem.instance_id == bindparam("instance_id"), WorkItem.state == "ready")


def _unjudged(deadline: Deadline) -> bool:
    return (deadline.state, deadline.kind, deadline.act_on) == ("missed", "deadline", None)


def _known_deadline(deadlines: list[Deadline], entry: Recorded, now: datetime) -> bool:
    """True when ``entry`` is already a row; a pending row computed differently (a timer re-armed by a
    migration) is closed as replaced."""
    known = False
    for deadline in (d for d in deadlines if d.task_id == entry.task_id):
        c = entry.computation
        if deadline.state != "pending" or (deadline.rule, deadline.expires_at) == (c.rule, c.expires_at):
            known = True
        else:
            deadline.close("replaced", now)
    return known


def _task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    """The task, or None when it is gone (a late act resets a workflow and removes what followed)."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None


def _add_deadlines(row: ProcessInstance, workflow: BpmnWorkflow, recorded: list[Recorded], now: datetime,
                   deadlines: list[Deadline]) -> list[Deadline]:
    """The deadlines computed in this step that are no rows yet, also added to ``deadlines``."""
    added = []
    for entry in recorded:
        task = _task(workflow, entry.task_id)
        if task is None or not _is_timer(task) or _known_deadline(deadlines, entry, now):
            continue
        c = entry.computation
        parts = _explanation_parts(c, now)
        added.append(Deadline(
            case_id=row.case_id, instance_id=row.id, task_id=entry.task_id, bpmn_id=entry.bpmn_id, rule=c.rule,
            kind=c.kind, legal_source=c.legal_source, start_event=entry.start_event, start_on=c.start_on,
            due_on=c.due_on, expires_at=c.expires_at, explanation=explanations.english(parts),
            explanation_parts=parts, state="pending", created_at=now,
        ))
    deadlines.extend(added)
    return added


def _insert_deadlines(session: Session, added: list[Deadline]) -> None:
    """Insert the deadlines computed in this step, verdicts included, in one statement, and give each its id (work
    items refer to it). They stay out of the session: a later step of the same call reads them back."""
    if not added:
        return
    rows = [{key: getattr(deadline, key) for key in _DEADLINE_COLUMNS} for deadline in added]
    ids: dict[str, list[int]] = {}
    for deadline_id, task_id in sorted(session.connection().execute(_INSERT_DEADLINES, rows)):
        ids.setdefault(task_id, []).append(deadline_id)
    for deadline in added:  # ids in the order of the rows, task by task
        deadline.id = ids[deadline.task_id].pop(0)


_DEADLINE_COLUMNS = tuple(c.key for c in Deadline.__table__.columns if c.key != "id")
_INSERT_DEADLINES = insert(Deadline).returning(Deadline.id, Deadline.task_id)


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
                     actor: str, deadlines: list[Deadline]) -> None:
    """Give pending deadlines their verdict; judge again, by the act's date, a missed one whose act came later."""
    for deadline in [d for d in deadlines if d.state == "pending" or _unjudged(d)]:
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


def _sync_work_items(session: Session, row: ProcessInstance, workflow: BpmnWorkflow,
                     ready: dict[str, tuple[Task, Deadline | None]], now: datetime, rules: Mapping[str, Rule],
                     fresh: bool) -> None:
    """Close the items whose task is no longer ready, add the new ones, refresh the others; ``ready`` holds each
    ready task with the deadline that guards it."""
    open_items = () if fresh else session.scalars(_OPEN_ITEMS, {"instance_id": row.id})
    known = set()
    for item in open_items:
        known.add(item.task_id)
        if item.task_id in ready:
            _refresh(item, *ready[item.task_id], rules)
        else:
            task = _task(workflow, item.task_id)
            item.state = "completed" if task is not None and task.has_state(TaskState.COMPLETED) else "cancelled"
            item.ended_at = now
    added = [_new_work_item(task, row, now) for task_id, (task, _) in ready.items() if task_id not in known]
    for item in added:
        _refresh(item, *ready[item.task_id], rules)
    _insert_work_items(session, added)


def _insert_work_items(session: Session, added: list[WorkItem]) -> None:
    """Insert new work items with one statement per set of fields (the same for all of them in practice), with the
    values they were given: unset fields stay NULL, as the session would insert them."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for item in added:
        values = {key: value for key, value in vars(item).items() if key in _WORK_ITEM_COLUMNS}
        groups.setdefault(tuple(sorted(values)), []).append(values)
    for rows in groups.values():
        session.connection().execute(insert(WorkItem), rows)


_WORK_ITEM_COLUMNS = frozenset(c.key for c in WorkItem.__table__.columns if c.key != "id")


def _refresh(item: WorkItem, task: Task, own: Deadline | None, rules: Mapping[str, Rule]) -> None:
    """Keep an item's name and legal term in line with its task (both change when an instance migrates); with
    no term of its own (``own``), the term of its procedure that governs it."""
    item.name = task.task_spec.bpmn_name or item.bpmn_id
    item.deadline_id = own.id if own is not None else None
    term = procedure_terms.governing(task, rules) if own is None and rules else None
    c = term.computation if term else None
    item.procedure_rule = term.rule if term else None
    item.procedure_start_on, item.procedure_due_on = (c.start_on, c.due_on) if c else (None, None)
    item.procedure_explanation = list(c.explanation_parts) if c else None
    item.risk_due_on = own.due_on if own else (c.due_on if c and c.due_on and item.procedure_rule else None) or date.max


def _new_work_item(task: Task, row: ProcessInstance, now: datetime) -> WorkItem:
    spec: Any = task.task_spec
    properties = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
    return WorkItem(
        instance_id=row.id, case_id=row.case_id, task_id=str(task.id), bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id, role=access.role_for_lane(spec.lane), form=properties.get(FORM_PROPERTY),
        state="ready", created_at=now,
    )


def _boundary_timer_ids(task: Task) -> list[str]:
    """The boundary events on ``task`` and on the call activities around it (their deadlines guard it)."""
    return [str(t.id) for guarded in procedure_terms.enclosing(task) if guarded.parent is not None
            for t in guarded.parent.children if isinstance(t.task_spec, BoundaryEvent)]


def _guarding_deadline(deadlines: list[Deadline], timer_ids: list[str]) -> Deadline | None:
    """The deadline of a boundary timer on the task or around it: the earliest pending one, else the earliest at
    all (a term that expired in the very step that created the task still governs it)."""
    guarding = [d for d in deadlines if d.task_id in timer_ids and d.state != "replaced"]
    return min(guarding, key=lambda d: (d.state != "pending", d.due_on, d.id), default=None)


def _sync_timers(session: Session, row: ProcessInstance, waiting_tasks: list[Task], fresh: bool) -> None:
    """Delete the timer rows that no longer wait, add the new ones and move the moved ones; every timer added or
    moved is announced to the schedulers (``timer_wakes``), so that one due earlier than they expect fires on time."""
    waiting = {str(task.id): (task, due) for task, due in _timers_among(waiting_tasks)}
    gone, rows = [], session.connection()  # plain statements: no ORM object of a timer is loaded on this path
    for timer_id, task_id, due_at in () if fresh else rows.execute(_TIMERS, {"instance_id": row.id}):
        found = waiting.pop(task_id, None)
        if found is None:
            gone.append(timer_id)
        elif due_at != found[1]:
            rows.execute(_MOVE_TIMER, {"timer_id": timer_id, "due_at": found[1]})
            timer_wakes.announce(session, found[1])
    if gone:
        rows.execute(_DELETE_TIMERS, {"ids": gone})
    if waiting:
        rows.execute(insert(Timer), [{"instance_id": row.id, "task_id": task_id, "bpmn_id": task.task_spec.bpmn_id,
                                         "due_at": due} for task_id, (task, due) in waiting.items()])
    for _, due in waiting.values():
        timer_wakes.announce(session, due)


_TIMERS = select(Timer.id, Timer.task_id, Timer.due_at).where(Timer.instance_id == bindparam("instance_id"))
_MOVE_TIMER = update(Timer).where(Timer.id == bindparam("timer_id")).values(due_at=bindparam("due_at"))
_DELETE_TIMERS = delete(Timer).where(Timer.id.in_(bindparam("ids", expanding=True)))
_DELETE_CORRELATIONS = delete(Correlation).where(Correlation.instance_id == bindparam("instance_id"))


def listening(workflow: BpmnWorkflow, waiting: list[Task] | None = None) -> bool:
    """Whether the workflow waits for a message (it has correlation rows once saved); ``waiting``: its waiting tasks,
    when the caller has them."""
    tasks = waiting if waiting is not None else workflow.get_tasks(state=TaskState.WAITING)
    return any(isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition) for t in tasks)


def _sync_correlations(session: Session, row: ProcessInstance, waiting: list[Task], listened: bool) -> None:
    """Replace the instance's correlation rows by its waiting message events (``listened``: it may have rows)."""
    if listened:
        session.connection().execute(_DELETE_CORRELATIONS, {"instance_id": row.id})
    for task in waiting:
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition):
            session.add(Correlation(case_id=row.case_id, instance_id=row.id, message=definition.name,
                                    task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id))
