"""Project a workflow's state into the rows the application queries.

After every engine step, the runtime calls ``project``: READY user tasks become work items,
waiting timers become timer rows, computed legal terms become deadline rows (and get their verdict
when their timer fires or is cancelled, judged by the legal date of the act in ``verdicts``), waiting message
events become correlation rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
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
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from ..law import calendar, explanations
from ..law.deadlines import Computation, Rule
from ..store import write_batch
from ..store.models import Correlation, Deadline, ProcessInstance, Timer
from . import deadline_rows, procedure_terms, task_walk, timer_wakes, verdicts, work_item_rows


@dataclass(frozen=True)
class Recorded:
    """A legal term computed while evaluating the expression of one task."""

    task_id: str
    bpmn_id: str
    start_event: str
    computation: Computation


def project(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, recorded: list[Recorded],
            now: datetime, actor: str = "engine", rules: Mapping[str, Rule] | None = None, *,
            stored: Mirrored | None = None, fresh: bool = False) -> Projected:
    """Bring every derived row of ``row`` in line with ``workflow`` (in the caller's transaction).

    ``actor`` is who caused the step: a verdict corrected by an act recorded in it is audited in their name.
    ``rules`` (the version's) date the term of its procedure on a task with no term of its own. ``stored``: what the
    instance's timer, correlation and work item rows mirror, known from the state they were saved with (None: read
    them).
    ``fresh``: the instance was created in this call, so it has no derived row yet and none is read.
    Each kind of row is read at most once and written by difference: the deadlines a step may touch in one query,
    the open work items in another (none when ``stored`` says the step ended them all, as a firing timer does). A
    deadline closed in the step that computed it is inserted closed.
    """
    ready, now_stored = _scan(workflow)
    guards = {task_id: _boundary_timer_ids(task) for task_id, task in ready.items()}
    touched = {e.task_id for e in recorded}.union(*guards.values())
    deadlines, read_as = ([], {}) if fresh else deadline_rows.read(session, row.id, touched)
    with session.no_autoflush:
        added = _add_deadlines(row, workflow, recorded, now, deadlines)
        _close_deadlines(session, row, workflow, now, actor, deadlines)
        deadline_rows.write_verdicts(session, deadlines, read_as)
        deadline_rows.insert_new(session, added)
        governed = {task_id: (task, _guarding_deadline(deadlines, guards[task_id])) for task_id, task in ready.items()}
        work_item_rows.sync(session, row, workflow, governed, now, rules or {},
                            frozenset() if fresh else None if stored is None else stored.ready)
        _sync_timers(session, row, now_stored, None if stored is None else stored.timers)
        may_have_rows = stored is None or stored.is_listening
        if may_have_rows or now_stored.is_listening:
            _sync_correlations(session, row, now_stored.listening, may_have_rows)
    return Projected(deadlines, now_stored)


@dataclass(frozen=True)
class Mirrored:
    """What an instance's timer, correlation and work item rows hold: its waiting timers (task id → due), whether it
    listens; with the tasks behind them (``waiting``: each timer's; ``listening``: the message events')."""

    timers: dict[str, datetime]
    is_listening: bool
    waiting: dict[str, Task] = field(default_factory=dict)
    listening: tuple[Task, ...] = ()
    ready: frozenset[str] = frozenset()
    """The ids of its ready user tasks: the tasks of its open work items."""


NOTHING_STORED = Mirrored({}, is_listening=False)
"""What a new instance has in the database before its first save."""


def mirrored(workflow: BpmnWorkflow) -> Mirrored:
    """What the rows of an instance hold when ``workflow`` is the state they were saved with."""
    return _scan(workflow)[1]


def _scan(workflow: BpmnWorkflow) -> tuple[dict[str, Task], Mirrored]:
    """The ready user tasks (by id) and what the rows mirror, in one walk of the task tree."""
    ready, waiting = {}, []
    for task in task_walk.definite(workflow):
        if task.state == TaskState.WAITING:
            waiting.append(task)
        elif task.state == TaskState.READY and task.task_spec.manual:
            ready[str(task.id)] = task
    return ready, _mirror(waiting, frozenset(ready))


def _mirror(waiting: list[Task], ready: frozenset[str]) -> Mirrored:
    timers, tasks, listening = {}, {}, []
    for task in waiting:
        due = timer_due(task)
        if due is not None:
            timers[str(task.id)], tasks[str(task.id)] = due, task
        if isinstance(getattr(task.task_spec, "event_definition", None), MessageEventDefinition):
            listening.append(task)
    return Mirrored(timers, bool(listening), tasks, tuple(listening), ready)


@dataclass(frozen=True)
class Projected:
    """What ``project`` read and wrote of the deadlines: the ones a later act may still judge, among others."""

    deadlines: list[Deadline]
    stored: Mirrored

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
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task)
        if due is not None:
            found.append((task, due))
    return found


def _is_timer(task: Task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


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


def _boundary_timer_ids(task: Task) -> list[str]:
    """The boundary events on ``task`` and on the call activities around it (their deadlines guard it)."""
    return [str(t.id) for guarded in procedure_terms.enclosing(task) if guarded.parent is not None
            for t in guarded.parent.children if isinstance(t.task_spec, BoundaryEvent)]


def _guarding_deadline(deadlines: list[Deadline], timer_ids: list[str]) -> Deadline | None:
    """The deadline of a boundary timer on the task or around it: the earliest pending one, else the earliest at
    all (a term that expired in the very step that created the task still governs it)."""
    guarding = [d for d in deadlines if d.task_id in timer_ids and d.state != "replaced"]
    return min(guarding, key=lambda d: (d.state != "pending", d.due_on, d.id), default=None)


def _sync_timers(session: Session, row: ProcessInstance, now_stored: Mirrored, stored: dict[str, datetime] | None
                 ) -> None:
    """Delete the timer rows that no longer wait, add the new ones, move the moved ones (``now_stored``: the timers
    waiting now; ``stored``: what the rows hold, read when None). Each timer added or moved is announced to the
    schedulers (``timer_wakes``), so that one due earlier than they expect fires on time."""
    waiting = now_stored.timers  # plain statements: no ORM object of a timer is loaded
    if stored is None:
        stored = {task_id: due_at for task_id, due_at in session.connection().execute(_TIMERS, {"of_instance": row.id})}
    gone = [task_id for task_id in stored if task_id not in waiting]
    if gone and len(gone) == len(stored):  # as when the one timer fired: no list of ids (``prepared`` takes no list)
        write_batch.execute(session, _DELETE_ALL_TIMERS, {"of_instance": row.id})
    elif gone:
        write_batch.execute(session, _DELETE_TIMERS, {"of_instance": row.id, "task_ids": gone})
    for task_id, due in waiting.items():
        if task_id in stored and stored[task_id] != due:
            write_batch.execute(session, _MOVE_TIMER, {"of_instance": row.id, "of_task": task_id, "moved_to": due})
            timer_wakes.announce(session, due)
    added = [{"instance_id": row.id, "task_id": task_id, "due_at": due,
              "bpmn_id": now_stored.waiting[task_id].task_spec.bpmn_id}
             for task_id, due in waiting.items() if task_id not in stored]
    if added:
        write_batch.execute(session, _INSERT_TIMERS, added)
    for values in added:
        timer_wakes.announce(session, values["due_at"])


_OF_INSTANCE = Timer.instance_id == bindparam("of_instance")
_TIMERS = select(Timer.task_id, Timer.due_at).where(_OF_INSTANCE)
_MOVE_TIMER = update(Timer).where(_OF_INSTANCE, Timer.task_id == bindparam("of_task")).values(
    due_at=bindparam("moved_to"))
_DELETE_TIMERS = delete(Timer).where(_OF_INSTANCE, Timer.task_id.in_(bindparam("task_ids", expanding=True)))
_DELETE_ALL_TIMERS = delete(Timer).where(_OF_INSTANCE)
_INSERT_TIMERS = insert(Timer).inline()
_DELETE_CORRELATIONS = delete(Correlation).where(Correlation.instance_id == bindparam("instance_id"))


def _sync_correlations(session: Session, row: ProcessInstance, listening: tuple[Task, ...], may_have_rows: bool
                       ) -> None:
    """Replace the instance's correlation rows by its waiting message events (``may_have_rows``: it may have some)."""
    if may_have_rows:
        write_batch.execute(session, _DELETE_CORRELATIONS, {"instance_id": row.id})
    for task in listening:
        session.add(Correlation(case_id=row.case_id, instance_id=row.id, message=task.task_spec.event_definition.name,
                                task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id))
