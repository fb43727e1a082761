"""Load an instance, run engine steps, save it with everything derived from it.

SpiffWorkflow reads the wall clock inside its timer module; ``_ClockedDatetime`` makes it read the
engine's clock instead, for the duration of a step (a context variable, so threads don't mix).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..casework import disclosure, forms, withheld
from ..clock import Clock, SystemClock
from ..errors import Conflict, EngineError, InvalidInput, InvalidModel, Problem
from ..law import calendar, deadlines
from ..store import audit, employer_policy, instance_rows, queries, write_batch
from ..store.models import Case, ProcessInstance, WorkItem
from ..store.repository import Loaded
from . import facts, history, projection, pruning, run_limits, serialization, task_walk
from .problem_codes import problem
from .scripting import RestrictedScriptEngine, ScriptLimitExceeded, ScriptRejected, script_engine

MAX_STEP_ROUNDS = 100
_SYSTEM_CLOCK = SystemClock()
_CLOCK: ContextVar[Clock] = ContextVar("reintegra_clock", default=_SYSTEM_CLOCK)  # noqa: B039 (stateless)


class _ClockedDatetime(spiff_timer.datetime):  # type: ignore[name-defined,misc]
    """``datetime`` for SpiffWorkflow's timer module whose ``now`` is the engine's clock."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        instant = _CLOCK.get().now()
        return instant.astimezone(tz) if tz else instant


spiff_timer.datetime = _ClockedDatetime


class _JustAfter:
    """The engine's clock one microsecond on: SpiffWorkflow fires a timer when its instant is *before* now, so
    asking it at this clock fires every timer due at or before the engine's now (a term expiring at midnight fires
    at midnight)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now() + timedelta(microseconds=1)


@contextmanager
def _engine_time(clock: Clock) -> Iterator[None]:
    token = _CLOCK.set(clock)
    try:
        yield
    finally:
        _CLOCK.reset(token)


@dataclass
class Run:
    """One loaded instance with its workflow, while an engine call works on it."""

    row: ProcessInstance
    loaded: Loaded
    workflow: BpmnWorkflow
    clock: Clock
    recorded: list[projection.Recorded] = field(default_factory=list)
    dated_facts: list[facts.Pending] = field(default_factory=list)
    thrown: list[BpmnEvent] = field(default_factory=list)
    """The messages the diagram threw that none of its own tasks caught, for the caller to route to the case."""
    stored: projection.Mirrored | None = None
    """What the instance's timer and correlation rows hold (from the state they were saved with; None: unknown)."""
    fresh: bool = False
    """Whether the instance was created in this call and never saved: it has no derived rows nor audit stream yet."""

    def steps(self, action: Callable[[], Any]) -> None:
        """Run ``action`` then engine steps, in engine time; script failures become ``InvalidModel``."""
        with _engine_time(self.clock):
            try:
                action()
                self._run_until_waiting()
                self.thrown.extend(self.workflow.get_events())
            except SpiffWorkflowException as err:
                raise _model_error(err) from err

    def _run_until_waiting(self) -> None:
        """Run engine steps again while timers that came due during a step are still to run, within the limits."""
        budget = run_limits.StepBudget()
        for _ in range(MAX_STEP_ROUNDS):
            self.workflow.do_engine_steps(will_complete_task=budget.spend)
            if not task_walk.has_ready_automatic(self.workflow):
                return
        raise InvalidModel("the diagram keeps running without waiting", [Problem(None, "endless engine steps")])


def _model_error(err: SpiffWorkflowException) -> EngineError:
    """The engine's error for a diagram that failed while running: its problem names the element (id, and its name
    in ``extra``) and says why in a coded message; the error's own message keeps SpiffWorkflow's words for the log."""
    cause = err.__cause__ or getattr(err, "error", None)
    task = getattr(err, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    where = {"name": task.task_spec.bpmn_name} if task is not None and task.task_spec.bpmn_name else {}
    if isinstance(cause, (ScriptRejected, ScriptLimitExceeded)):
        failed = problem("run.failed", detail=cause.message)
        return InvalidModel(failed, [Problem(element, failed, extra=where)])
    if isinstance(cause, EngineError) and not isinstance(cause, InvalidModel):
        return cause
    return InvalidModel(f"the diagram failed while running: {err}", [Problem(element, _reason(cause), extra=where)])


def _reason(cause: BaseException | None) -> str:
    """Why diagram code failed, in words that hold no value of the case's data (only a variable's name)."""
    if isinstance(cause, NameError) and cause.name:
        return problem("run.name_unset", name=cause.name)
    return problem("run.code_failed", kind=type(cause).__name__ if cause is not None else "an error")


def _functions(run_ref: list[Run], engine_ref: list[RestrictedScriptEngine]) -> dict[str, Callable]:
    def deadline(rule: str, start: str | date, regime_on: str | date | None = None,
                 alternative_start: str | date | None = None) -> str:
        run, engine = run_ref[0], engine_ref[0]
        task = engine.current_task
        computation = deadlines.compute(rule, start, regime_on=regime_on, rules=run.loaded.rules,
                                        alternative_start=alternative_start, length=_length(rule, run, task))
        if task is not None:
            start_event = run.loaded.rules[computation.rule].start_event
            run.recorded.append(projection.Recorded(str(task.id), task.task_spec.bpmn_id, start_event, computation))
            if isinstance(getattr(task.task_spec, "event_definition", None), spiff_timer.CycleTimerEventDefinition):
                return deadlines.cycle(computation)
        return computation.expires_at.isoformat()

    def due_on(rule: str, start: str | date, regime_on: str | date | None = None) -> str:
        """The last day of a term, as an ISO date, for comparing the legal date of an act; records no deadline."""
        run = run_ref[0]
        return deadlines.compute(rule, start, regime_on=regime_on, rules=run.loaded.rules,
                                 length=_length(rule, run, engine_ref[0].current_task)).due_on.isoformat()

    def today() -> str:
        return calendar.legal_date(run_ref[0].clock.now()).isoformat()

    def add_working_days(start: str, days: int) -> str:
        return calendar.add_working_days(date.fromisoformat(start), days).isoformat()

    def days_between(start: str, end: str) -> int:
        return (date.fromisoformat(end) - date.fromisoformat(start)).days

    def threshold_date(rule: str, start: str) -> str:
        return deadlines.threshold_date(rule, start, rules=run_ref[0].loaded.rules).isoformat()

    def record_fact(name: str, on: str | date) -> str:
        """Record a dated fact of the case (``facts``); returns its date."""
        task = engine_ref[0].current_task
        fact = facts.pending(name, on, task.task_spec.bpmn_id if task is not None else None)
        run_ref[0].dated_facts.append(fact)
        return fact.on

    return {"deadline": deadline, "due_on": due_on, "today": today, "add_working_days": add_working_days,
            "days_between": days_between, "threshold_date": threshold_date, "record_fact": record_fact}


def _length(rule: str, run: Run, task: Any) -> int | None:
    """The case's length of a term that takes it from a variable (T20: ``contact_every_days``)."""
    found = deadlines.find(rule, run.loaded.rules)
    return deadlines.length_of(found, task.data) if task is not None else None


def _attach(row: ProcessInstance, loaded: Loaded, workflow: BpmnWorkflow, clock: Clock) -> Run:
    run_ref: list[Run] = []
    engine_ref: list[RestrictedScriptEngine] = []
    engine = script_engine(_functions(run_ref, engine_ref))
    engine_ref.append(engine)
    workflow.script_engine = engine
    run_limits.bound_instances(workflow)
    run = Run(row, loaded, workflow, clock)
    run_ref.append(run)
    return run


SCRIPT_FUNCTIONS = ("deadline", "due_on", "today", "add_working_days", "days_between", "threshold_date",
                    "record_fact")


def start(session: Session, case: Case, loaded: Loaded, data: dict, actor: str, clock: Clock,
          requester: str | None = None) -> Run:
    """Create an instance of ``loaded`` for ``case`` and run it until it waits.

    ``requester``: the role that asked for the procedure, when known (``withheld.at_start``).

    The start data (a route and its legal date, e.g. the day of a referral) goes into the ``started``
    audit event, so the evidence shows who recorded the date a term counts from.
    """
    clashes = sorted(set(data) & set(SCRIPT_FUNCTIONS))
    if clashes:
        raise InvalidInput("data uses reserved names", {name: ["reserved name"] for name in clashes})
    now = clock.now()
    row = ProcessInstance(case_id=case.id, definition_id=loaded.definition.id, state="running", state_json="",
                          library_version=serialization.SPIFF_VERSION, started_at=now, started_by=actor,
                          withheld_from_employer=withheld.at_start(loaded.definition.process_id, requester))
    session.add(row)
    session.flush()
    workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs)
    workflow.task_tree.data.update(copy.deepcopy(data), **_case_context(session, case, calendar.legal_date(now)))
    run = _attach(row, loaded, workflow, clock)
    run.stored, run.fresh = projection.NOTHING_STORED, True
    run.steps(lambda: None)
    started = {"process_id": loaded.definition.process_id, "version": loaded.definition.version}
    save(session, run, actor=actor, action="started", after={**started, "data": data} if data else started)
    return run


def _case_context(session: Session, case: Case, today: date) -> dict:
    """What every instance knows of its case; the first day is that of the current period of incapacity (0.6)."""
    first_day = queries.current_first_day(session, case, today)
    return {"case_id": case.id, "case_reference": case.reference, "first_day_of_incapacity": first_day.isoformat(),
            **employer_policy.case_context(session, case.employer)}


def load(session: Session, row: ProcessInstance, loaded: Loaded, clock: Clock) -> Run:
    """Restore the workflow of ``row`` with the engine's script functions attached."""
    workflow = serialization.load(row.state_json, loaded.spec, loaded.subprocess_specs)
    run = _attach(row, loaded, workflow, clock)
    run.stored = projection.mirrored(workflow)
    return run


def complete(session: Session, run: Run, item: WorkItem, data: dict, actor: str, derived: dict | None = None) -> None:
    """Complete the user task behind ``item`` with validated ``data`` and run on.

    ``derived`` holds what the engine concluded from the data (e.g. whether a recorded request is admissible);
    it joins the task data after validation and is audited with it.
    """
    task = run.workflow.get_task_from_id(UUID(item.task_id))
    if task is None or not task.has_state(TaskState.READY):
        raise Conflict(problem("run.task_not_waiting", task=item.name))
    schema = run.loaded.forms.get(item.form or "")
    forms.validate(schema, data, calendar.legal_date(run.clock.now()), context=task.data,
                   labels=recorded_labels(run))
    defaults = forms.left_out_defaults(schema, data)
    data = {**data, **(derived or {})}
    before = {key: task.data.get(key) for key in data}
    run.steps(lambda: (task.set_data(**copy.deepcopy({**defaults, **data})), task.run()))
    item.completed_by, item.data = actor, copy.deepcopy(data)
    item.classifications = disclosure.recorded_classes(schema or {})
    save(session, run, actor=actor, action="task_completed", task=item.bpmn_id, before=before, after=data,
         work_item=item)


def recorded_labels(run: Run) -> dict[str, dict[str, str]]:
    """The labels of the variables the instance recorded, each from the form of the task that recorded it last
    (the instance's other forms stand in for a variable no completed task recorded)."""
    recorded = [run.loaded.forms.get(form) for form in history.completed_forms(run.workflow)]
    return forms.variable_labels([*run.loaded.forms.values(), *recorded])


def deliver(session: Session, run: Run, message: str, payload: dict, actor: str) -> bool:
    """Hand ``message`` to the workflow; False when it was not waiting for it (nothing changes then)."""
    event = BpmnEvent(MessageEventDefinition(message), copy.deepcopy(payload))
    with _engine_time(run.clock):
        try:
            run.workflow.send_event(event)
        except WorkflowException as err:
            if "not waiting" not in str(err):
                raise _model_error(err) from err
            return False
    run.steps(lambda: None)
    save(session, run, actor=actor, action="message_received", task=message, after=payload)
    return True


def wake(session: Session, run: Run) -> list[datetime]:
    """Fire the due timers of ``run`` (as loaded: its waiting timers are those its rows mirror); return the due
    instants of the timers that fired."""
    stored = run.stored if run.stored is not None else projection.mirrored(run.workflow)
    waiting, due_at = dict(stored.waiting), dict(stored.timers)
    cycles = {key: copy.deepcopy(t.internal_data.get("event_value")) for key, t in waiting.items()
              if isinstance(t.task_spec.event_definition, spiff_timer.CycleTimerEventDefinition)}
    run.steps(lambda: _refresh_due_timers(run))
    moved = {key for key, before in cycles.items() if waiting[key].internal_data.get("event_value") != before}
    fired = [key for key, t in waiting.items()  # a cycle fires without completing: its next moves
             if t.has_state(TaskState.COMPLETED) or key in moved]
    if not fired:
        return []
    save(session, run, actor="scheduler", action="timers_fired",
         after={"fired": [waiting[key].task_spec.bpmn_id for key in fired]})
    return [due_at[key] for key in fired]


def _refresh_due_timers(run: Run) -> None:
    """Fire the timers due at or before now (what follows runs on the engine's own clock)."""
    with _engine_time(_JustAfter(run.clock)):
        run.workflow.refresh_timers()


def save(session: Session, run: Run, *, actor: str, action: str, task: str | None = None,
         before: dict | None = None, after: dict | None = None, work_item: WorkItem | None = None) -> None:
    """Store the workflow state and every row derived from it, plus the audit event (caller commits); ``work_item``
    is the one the step completed or changed (``audit.append``).

    What the call changed before is flushed first, so the projection reads it; the projection, the audit and
    ``instance_rows`` write the rows with plain statements, and the rest is flushed with the commit. A new
    instance's first save reads nothing back: it has no derived rows yet, nor an audit stream (``audit.open_stream``).
    """
    now, row, fresh = run.clock.now(), run.row, run.fresh
    session.flush()
    with write_batch.batched(session):
        state_before = row.state
        _store(session, run, now, actor)
        after = dict(after or {})
        if row.state != state_before:
            after["instance_state"] = row.state
        if fresh:
            audit.open_stream(session, f"instance:{row.id}")
        audit.append(session, f"instance:{row.id}", at=now, actor=actor, action=action, case_id=row.case_id,
                     instance_id=row.id, task=task, before=before, after=after, work_item=work_item)
        instance_rows.write(session, row)
        facts.write(session, row, run.dated_facts, now)
    run.dated_facts.clear()


def _store(session: Session, run: Run, now: datetime, actor: str) -> None:
    row = run.row
    row.state = "completed" if run.workflow.completed else "running"
    if row.state == "completed" and row.ended_at is None:
        row.ended_at = now
        row.end_event, row.end_event_name = _end_reached(run.workflow)
    row.withheld_from_employer = withheld.withheld(run.loaded.definition.process_id, _recorded(run, withheld.rules()),
                                                   bool(row.withheld_from_employer))
    projected = projection.project(session, row, run.workflow, run.recorded, now, actor, run.loaded.rules,
                                   stored=run.stored, fresh=run.fresh)
    run.recorded.clear()
    run.stored, run.fresh = projected.stored, False
    if pruning.ENABLED:
        pruning.prune(run.workflow, pruning.protected_timers(projected.open_to_judgement(), run.workflow))
    row.state_json = serialization.dump(run.workflow)


def _recorded(run: Run, rules: dict[str, str]) -> dict[str, Any]:
    """The latest values of the variables the withholding rule of the instance's procedure reads."""
    variable = rules.get(run.loaded.definition.process_id)
    if variable is None:
        return {}
    found: dict[str, tuple[float, Any]] = {}
    for task in run.workflow.get_tasks():
        for key in (variable, "requested_by"):
            if key in task.data and (key not in found or task.last_state_change >= found[key][0]):
                found[key] = (task.last_state_change, task.data[key])
    return {key: value for key, (_, value) in found.items()}


def _end_reached(workflow: BpmnWorkflow) -> tuple[str | None, str | None]:
    """The end event of the instance's own process that completed last (id, name): how the instance ended."""
    ends = [t for t in workflow.tasks.values()
            if isinstance(t.task_spec, EndEvent) and t.has_state(TaskState.COMPLETED)]
    if not ends:
        return None, None
    spec = max(ends, key=lambda t: t.last_state_change).task_spec
    return spec.bpmn_id, spec.bpmn_name or spec.bpmn_id
