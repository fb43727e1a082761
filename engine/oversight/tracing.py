"""Compliance tracing: one instance on its own diagram version, its timeline and deadline verdicts, and
checks of the audit hash chains (each check recorded in the ``compliance`` stream).

Values never leave this module unless the disclosure model lets the reader read them (``disclosed``): in the
timeline a withheld field keeps its name and loses its value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..casework import event_records, withheld
from ..errors import InvalidInput, NotAllowed, NotFound
from ..law import calendar
from ..runtime import history, projection
from ..runtime import run as runtime
from ..store import access_log, audit, queries, views
from ..store.models import AuditEvent, Bundle, Case, ProcessDefinition, ProcessInstance, User, WorkItem
from ..wiring import Wiring
from . import disclosed
from . import scope as oversight

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SCOPES = ("instance", "case", "all")


@dataclass(frozen=True)
class Element:
    """A BPMN element of one process (``process_id`` tells the diagrams apart)."""

    process_id: str
    bpmn_id: str
    name: str


@dataclass(frozen=True)
class Waiting:
    """A timer (with its due instant) or a message the instance waits for."""

    element: Element
    kind: str
    due_at: datetime | None = None
    message: str | None = None


@dataclass(frozen=True)
class Flow:
    """A sequence flow the instance took: from a completed element to the element it led to (done or not yet)."""

    process_id: str
    bpmn_id: str
    source: str
    target: str


@dataclass(frozen=True)
class FieldEntry:
    """One field an event recorded; a withheld field has no value here, only its name."""

    name: str
    value: object
    before: object
    withheld: bool


@dataclass(frozen=True)
class TimelineEntry:
    """One audit event of the instance (or of its case, about the instance), without the values withheld."""

    stream: str
    seq: int
    at: datetime
    actor: str
    action: str
    task: str | None
    task_name: str | None
    fields: tuple[FieldEntry, ...]
    hash: str
    record: event_records.EventRecord


@dataclass(frozen=True)
class Verdict:
    """A deadline row judged: ``days`` is how late (missed, calendar days) or how many days are left (pending).

    A missed term counts to the legal date of the act that was late, else to the day its task was done, or to
    today while the task is still open. A corrected verdict keeps its history in ``deadline`` (first verdict,
    when and by whose recording it was corrected).
    """

    deadline: views.DeadlineView
    verdict: str
    days: int | None
    still_open: bool = False


@dataclass(frozen=True)
class InstanceTrace:
    """One instance on its own version: files, element states, flows taken, timeline, verdicts, how it ended."""

    instance_id: int
    process_id: str
    version: int
    definition_id: int
    state: str
    case_id: int
    case_reference: str
    employer: str
    files: dict[str, str]
    main_file: str
    file_processes: dict[str, tuple[str, ...]]
    completed: tuple[Element, ...]
    current: tuple[Element, ...]
    waiting: tuple[Waiting, ...]
    flows: tuple[Flow, ...]
    timeline: tuple[TimelineEntry, ...]
    deadlines: tuple[Verdict, ...]
    end_event_name: str | None


class Tracing(Wiring):
    """The compliance officer's view of one instance, and checks of the audit trail (mixed into ``Engine``)."""

    def instance_trace(self, instance_id: int, *, user_id: int) -> InstanceTrace:
        """Everything that happened to one instance, drawn on its own version; read-only.

        ``NotAllowed`` unless compliance officer or admin; ``NotFound`` outside the user's oversight.
        """
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            row, case = _overseen_instance(session, user, instance_id)
            loaded = self._loaded(session, row)
            workflow = runtime.load(session, row, loaded, self.clock).workflow
            files = _files(session, loaded.definition)
            completed, current, waiting = _element_states(workflow)
            today = calendar.legal_date(self.clock.now())
            shown = disclosed.shown(session, user, case, self._loaded, disclosed.outside_event_forms(self.events))
            result = InstanceTrace(
                row.id, loaded.definition.process_id, loaded.definition.version, loaded.definition.id, row.state,
                case.id, case.reference, case.employer, files, _main_file(files, loaded.definition.process_id),
                {name: tuple(_flows_of(xml)) for name, xml in files.items()}, completed, current, waiting,
                _taken(files, workflow),
                _timeline(session, row, _task_names(workflow), shown,
                          lambda actors: event_records.reading(session, case.id, self._loaded, actors, self.events)),
                _verdicts(session, row.id, loaded.rules, today), row.end_event_name)
            access_log.record(session, user, case.id, "trace", row.id, lambda: _classes(result, loaded.forms),
                              at=self.clock.now())
            session.commit()
        return result

    def verify_trail(self, *, user_id: int, scope: str, ident: int | None = None) -> audit.Verification:
        """Check the hash chains of an instance, a case (its stream and its instances') or the whole database.

        Stops at the first broken link. The check is recorded in the ``compliance`` stream. Only overseers
        of every employer check the whole database (``NotAllowed``); out of scope is ``NotFound``.
        """
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            streams = _streams(session, user, scope, ident)
            result = audit.verify(session) if streams is None else audit.verify_streams(session, streams)
            audit.append(session, "compliance", at=self.clock.now(), actor=user.username, action="audit_verified",
                         after={"scope": scope, "ident": ident, "intact": result.is_intact,
                                "events_checked": result.events_checked, "broken": result.broken})
            session.commit()
        return result


def _classes(trace: InstanceTrace, schemas: dict[str, dict]) -> set[str]:
    """The classes of the values the trace shows: the case's facts and the timeline's values not withheld."""
    names = {f.name for entry in trace.timeline for f in entry.fields if not f.withheld}
    return {"case"} | access_log.classes_of(schemas.values(), names)


def _overseen_instance(session: Session, user: User, instance_id: int) -> tuple[ProcessInstance, Case]:
    row = queries.get(session, ProcessInstance, instance_id, "instance")
    case = _overseen_case(session, user, row.case_id)
    if row.withheld_from_employer and withheld.employer_side_overseer(user.roles, user.organisations):
        raise NotFound(f"instance {instance_id} does not exist")
    return row, case


def _overseen_case(session: Session, user: User, case_id: int) -> Case:
    case = queries.get(session, Case, case_id, "case")
    scope = oversight.employers(user)
    if scope is not None and case.employer not in scope:
        raise NotFound(f"case {case_id} does not exist")
    return case


def _streams(session: Session, user: User, scope: str, ident: int | None) -> list[str] | None:
    """The streams a check covers; None for every stream."""
    if scope not in SCOPES or (scope != "all" and ident is None):
        raise InvalidInput("choose what to check", {"scope": ["instance, case (with an id) or all"]})
    if scope == "all":
        if oversight.employers(user) is not None:
            raise NotAllowed("only overseers of every employer check the whole audit trail")
        return None
    if scope == "instance":
        row, _ = _overseen_instance(session, user, ident)  # type: ignore[arg-type]
        return [f"instance:{row.id}"]
    case = _overseen_case(session, user, ident)  # type: ignore[arg-type]
    ids = session.scalars(select(ProcessInstance.id).where(ProcessInstance.case_id == case.id,
                                                           withheld.visible_condition(user))
                          .order_by(ProcessInstance.id))
    return [f"case:{case.id}"] + [f"instance:{i}" for i in ids]


def _files(session: Session, definition: ProcessDefinition) -> dict[str, str]:
    bundle = session.get(Bundle, definition.bundle_hash)
    if bundle is None:
        raise NotFound(f"the bundle of {definition.process_id} version {definition.version} is missing")
    return {name: xml if isinstance(xml, str) else xml.decode() for name, xml in sorted(bundle.files.items())}


def _main_file(files: dict[str, str], process_id: str) -> str:
    return next((name for name, xml in files.items() if f'id="{process_id}"' in xml), next(iter(files), ""))


def _element_states(workflow: BpmnWorkflow) -> tuple[tuple[Element, ...], tuple[Element, ...], tuple[Waiting, ...]]:
    """Completed elements (in completion order), current tasks and call activities, waiting timers and messages."""
    tasks = [t for t in workflow.get_tasks() if getattr(t.task_spec, "bpmn_id", None)]
    done = tuple(Element(*element) for element in history.completed(workflow))
    current = [t for t in tasks if _is_current(t)]
    timers = [Waiting(_element(t), "timer", due_at=due) for t, due in projection.waiting_timers(workflow)]
    messages = [Waiting(_element(t), "message", message=t.task_spec.event_definition.name)
                for t in workflow.get_tasks(state=TaskState.WAITING)
                if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)]
    return done, _unique(_element(t) for t in current), tuple(timers + messages)


def _is_current(task: Task) -> bool:
    if isinstance(task.task_spec, SubWorkflowTask):
        return task.has_state(TaskState.STARTED)
    return bool(task.task_spec.manual) and task.has_state(TaskState.READY | TaskState.STARTED)


def _element(task: Task) -> Element:
    spec = task.task_spec
    return Element(task.workflow.spec.name, spec.bpmn_id, spec.bpmn_name or spec.bpmn_id)


def _unique(elements: object) -> tuple[Element, ...]:
    return tuple(dict.fromkeys(elements))  # type: ignore[call-overload]


def _flows_of(xml: str) -> dict[str, list[tuple[str, str, str]]]:
    """Per process (and embedded subprocess) id of one BPMN file: its sequence flows (id, source, target)."""
    root = ElementTree.fromstring(xml.encode())
    found: dict[str, list[tuple[str, str, str]]] = {}
    for container in [*root.iter(f"{BPMN}process"), *root.iter(f"{BPMN}subProcess")]:
        found[container.get("id", "")] = [(f.get("id", ""), f.get("sourceRef", ""), f.get("targetRef", ""))
                                          for f in container.findall(f"{BPMN}sequenceFlow")]
    return found


def _taken(files: dict[str, str], workflow: BpmnWorkflow) -> tuple[Flow, ...]:
    """The flows whose source completed and whose target the token then reached (read from the task tree and the
    history of its pruned tasks)."""
    steps = history.steps(workflow)
    return tuple(Flow(process, flow, source, target)
                 for xml in files.values() for process, flows in _flows_of(xml).items()
                 for flow, source, target in flows if (process, source, target) in steps)


def _task_names(workflow: BpmnWorkflow) -> dict[str, str]:
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    return {s.bpmn_id: s.bpmn_name or s.bpmn_id for spec in specs for s in spec.task_specs.values()
            if getattr(s, "bpmn_id", None)}


def _timeline(session: Session, row: ProcessInstance, names: dict[str, str], shown: disclosed.Shown,
              reading: Callable[[set[str]], event_records.Reading]) -> tuple[TimelineEntry, ...]:
    """The instance's stream and its case's events about it, by time, with the values withheld left out."""
    items = list(session.scalars(select(WorkItem).where(WorkItem.instance_id == row.id)))
    done = sorted((item.ended_at, item.bpmn_id, item.name) for item in items
                  if item.state == "completed" and item.ended_at is not None)
    query = select(AuditEvent).where(or_(AuditEvent.stream == f"instance:{row.id}",
                                         AuditEvent.stream == f"case:{row.case_id}"))
    own_items = {str(item.id) for item in items}
    events = [e for e in session.scalars(query) if _concerns(e, row.id, own_items)]
    events.sort(key=lambda e: (e.at, e.stream != f"case:{row.case_id}", e.seq))
    read = reading({e.actor for e in events})
    return tuple(_entry(e, _names_then(e, names, done), shown, read) for e in events)


def _names_then(event: AuditEvent, names: dict[str, str], done: list[tuple[datetime, str, str]]) -> dict[str, str]:
    """A completion reads under the name its task had when it was done (a later version may have renamed it)."""
    if event.action != "task_completed" or not event.task:
        return names
    then = [name for ended_at, task, name in done if task == event.task and ended_at <= event.at]
    return {**names, event.task: then[-1]} if then else names


def _concerns(event: AuditEvent, instance_id: int, own_items: set[str]) -> bool:
    if event.stream.startswith("instance:") or event.instance_id == instance_id:
        return True
    return event.action == "medical_data_read" and bool(own_items & set(event.after.get("work_items", {})))


def _entry(event: AuditEvent, names: dict[str, str], shown: disclosed.Shown,
           read: event_records.Reading) -> TimelineEntry:
    before = shown.redact(event.before or {}, event.instance_id, event.task)
    after = shown.redact(event.after or {}, event.instance_id, event.task)
    fields = tuple(_field(name, after, before, event, shown)
                   for name in list(after) + [n for n in before if n not in after])
    record = read.record(event.action, event.actor, event.at, event.instance_id, event.task, before, after)
    return TimelineEntry(event.stream, event.seq, event.at, event.actor, event.action, event.task,
                         names.get(event.task or ""), fields, event.hash, record)


def _field(name: str, after: dict, before: dict, event: AuditEvent, shown: disclosed.Shown) -> FieldEntry:
    if not shown.may_read(name, event.instance_id, event.task):
        return FieldEntry(name, None, None, True)
    return FieldEntry(name, after.get(name), before.get(name), False)


def _verdicts(session: Session, instance_id: int, rules: dict, today: date) -> tuple[Verdict, ...]:
    rows = queries.with_days_left(queries.deadlines(session, instance_id=instance_id), rules, today)
    done = dict(session.execute(select(WorkItem.deadline_id, WorkItem.ended_at)
                                .where(WorkItem.instance_id == instance_id, WorkItem.deadline_id.is_not(None))).all())
    return tuple(_verdict(row, done, today) for row in rows)


def _verdict(row: views.DeadlineView, done: dict, today: date) -> Verdict:
    if row.state == "pending":
        return Verdict(row, "pending", row.days_left)
    if row.state != "missed":
        return Verdict(row, row.state, None)
    if row.act_on is not None:
        return Verdict(row, "missed", (row.act_on - row.due_on).days)
    ended = done[row.id] if row.id in done else row.closed_at
    still_open = ended is None
    finished = today if ended is None else calendar.legal_date(ended)
    return Verdict(row, "missed", (finished - row.due_on).days, still_open)
