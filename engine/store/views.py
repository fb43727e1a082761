"""Plain, read-only data objects that the engine hands to its callers (never ORM rows or Spiff objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from ..errors import Problem

_Row = TypeVar("_Row")


class Deployed(list[_Row], Generic[_Row]):
    """What a deploy stored, as a list (one entry per new version; none when nothing changed), and ``warnings``:
    what the model deserves a second look for but did not stop it (``validation.Checked.warnings``)."""

    def __init__(self, rows: list[_Row], warnings: list[Problem]) -> None:
        super().__init__(rows)
        self.warnings = list(warnings)


@dataclass(frozen=True)
class ModelCheck:
    """Validation's result: ``problems`` refuse a deploy, ``warnings`` do not."""

    problems: list[Problem]
    warnings: list[Problem]


@dataclass(frozen=True)
class UserView:
    """A signed-in person as the application sees them (never the password hash)."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    organisations: tuple[str, ...]
    language: str
    may_open_cases: bool = False
    must_change_password: bool = False
    email: str | None = None
    mail_preference: str = "each"
    """How they want the notifications mailed: ``each``, ``digest`` (once a day) or ``none``."""


@dataclass(frozen=True)
class Version:
    """One deployed version of a process definition."""

    id: int
    process_id: str
    version: int
    name: str
    deployed_at: datetime
    deployed_by: str
    comment: str
    content_hash: str


@dataclass(frozen=True)
class CaseView:
    """A case: one person's incapacity with one employer."""

    id: int
    reference: str
    employee: str
    employer: str
    first_day_of_incapacity: date
    parties: dict
    opened_at: datetime


@dataclass(frozen=True)
class InstanceView:
    """One process instance; ``row_version`` changes with every saved step (optimistic locking); ``end_event`` is
    the id of the end event a completed instance reached."""

    id: int
    case_id: int
    process_id: str
    version: int
    state: str
    started_at: datetime
    ended_at: datetime | None
    row_version: int
    end_event: str | None = None


@dataclass(frozen=True)
class WorkItemView:
    """A user task as an inbox shows it, with the legal term that governs it, if any."""

    id: int
    case_id: int
    instance_id: int
    task: str
    name: str
    role: str | None
    form: str | None
    assignee: str | None
    state: str
    created_at: datetime
    due_on: date | None
    rule: str | None
    legal_source: str | None
    explanation: str | None
    process_id: str | None = None
    case_reference: str | None = None
    days_left: int | None = None
    counts_working_days: bool = False
    employee: str | None = None
    """The name of the worker whose case it is."""
    explanation_parts: tuple[dict, ...] | None = field(default=None, hash=False)
    """How the due date was counted, as data (``engine/law/explanations.py``); None for a row kept before them."""
    expired_rule: str | None = None
    """The term of the procedure whose expiry brought the task about (a late act to explain), if any."""
    expired_on: date | None = None
    """That term's due date."""
    expired_days_ago: int | None = None
    """Calendar days from that due date to today."""
    of_procedure: bool = False
    """True when ``rule`` is not the task's own term but the term of its procedure that governs it (a task before
    the assessment lives under T08); ``due_on`` is then None while the date it counts from is not recorded."""
    start_on: date | None = None
    """The date the term counts from, when known."""


@dataclass(frozen=True)
class DeadlineView:
    """A legal term computed for a case, with its verdict: pending, met, missed, cancelled, or replaced
    (a migration computed it again under another rule).

    ``act_on`` is the legal date of the act that met (or missed) the term, ``closed_on`` the date the verdict
    counts on. A verdict corrected when a late-recorded act turned out dated in time keeps its first verdict
    (``first_state``), when and by whose recording it was corrected (``corrected_at``, ``corrected_by``).
    """

    id: int
    case_id: int
    instance_id: int
    task: str
    rule: str
    kind: str
    legal_source: str
    start_event: str
    start_on: date
    due_on: date
    expires_at: datetime
    explanation: str
    state: str
    closed_at: datetime | None
    days_left: int | None = None
    counts_working_days: bool = False
    closed_on: date | None = None
    act_on: date | None = None
    first_state: str | None = None
    corrected_at: datetime | None = None
    corrected_by: str | None = None
    explanation_parts: tuple[dict, ...] | None = field(default=None, hash=False)
    """How the due date was counted, as data (``engine/law/explanations.py``); None for a row kept before them."""

    @property
    def is_corrected(self) -> bool:
        """Whether the verdict was corrected when the act was recorded (``first_state`` was the first one)."""
        return self.first_state is not None


@dataclass(frozen=True)
class Delivery:
    """What became of a delivered message: the instances that took it, or that none was waiting."""

    case_id: int
    message: str
    instance_ids: tuple[int, ...]

    @property
    def is_delivered(self) -> bool:
        return bool(self.instance_ids)


@dataclass(frozen=True)
class TimerRun:
    """The outcome of one ``fire_due_timers`` call."""

    instances_woken: int
    timers_fired: int
    failed_instance_ids: tuple[int, ...]


@dataclass(frozen=True)
class TimerView:
    """A waiting timer and when it fires."""

    task: str
    due_at: datetime


@dataclass(frozen=True)
class AuditEventView:
    """One audit event as a trace shows it."""

    seq: int
    at: datetime
    actor: str
    action: str
    task: str | None
    before: dict
    after: dict
    hash: str


@dataclass(frozen=True)
class DocumentField:
    """One recorded value of a document, labelled in nl/fr/en."""

    name: str
    labels: dict
    value: object
    is_medical: bool
    choice_labels: dict | None = None
    classification: str = "medical"
    """The class the value was recorded with (``disclosure``): case, personal, insurance or medical."""
    for_employer: bool = False
    columns: dict = field(default_factory=dict, hash=False)
    """For a list of rows: each column's labels in nl/fr/en and, for a choice, its values' labels."""


@dataclass(frozen=True)
class Document:
    """What a completed work item recorded: a request, a decision, a plan, a reply.

    ``hidden_fields`` counts the fields left out because the disclosure model does not let the reader read them;
    ``takes_late_act`` says the reader may record on it an act posted in time that arrived later (it confirmed
    a closed window).
    """

    work_item_id: int
    instance_id: int
    process_id: str
    task: str
    name: str
    titles: dict
    completed_by: str | None
    completed_at: datetime | None
    fields: tuple[DocumentField, ...]
    hidden_fields: int
    takes_late_act: bool = False
    completed_by_name: str | None = None
    """The display name of the account that completed it (``completed_by`` when it is no account)."""

    @property
    def decision(self) -> DocumentField | None:
        """The decision this document records, when it records one the reader may read."""
        return next((f for f in self.fields if f.name in ("decision", "outcome") and f.choice_labels), None)


@dataclass(frozen=True)
class StartRoute:
    """A route by which the reader may start a procedure (T04: the employer's routes), or why not now."""

    route: str
    refusal: dict | None
    message: str | None


@dataclass(frozen=True)
class StartOption:
    """A procedure the reader may start for a case, or why not now (``refusal``: rule and allowed_from).

    For a procedure the law opens in several ways there is one option per route the reader may take,
    with the route's name and titles and its start form (``schema``, None when it needs no data).
    ``routes``: for an employer's trajectory, the routes T04 offers it, each open or refused.
    """

    process_id: str
    titles: dict
    refusal: dict | None
    message: str | None
    route: str | None = None
    route_titles: dict | None = None
    schema: dict | None = None
    routes: tuple[StartRoute, ...] = ()


@dataclass(frozen=True)
class EventOption:
    """An outside event the reader may record for a case, with the form that describes it."""

    message: str
    titles: dict
    schema: dict
    is_awaited: bool


@dataclass(frozen=True)
class DatedFact:
    """A fact of the case that became true on a date by the law alone (``engine/runtime/facts.py``): its name, the
    day, the rule behind it, and when and by which procedure it was recorded."""

    name: str
    on: date
    rule: str
    instance_id: int | None
    recorded_at: datetime


@dataclass(frozen=True)
class CaseFile:
    """A case as its file shows it: parties, procedures, legal deadlines, documents and what I may do."""

    case: CaseView
    instances: tuple[InstanceView, ...]
    deadlines: tuple[DeadlineView, ...]
    documents: tuple[Document, ...] = ()
    may_start: tuple[StartOption, ...] = ()
    may_record: tuple[EventOption, ...] = ()
    work_items: tuple[WorkItemView, ...] = ()
    may_trace: bool = False
    """The reader oversees this case: its instances can be traced and its evidence exported."""
    facts: tuple[DatedFact, ...] = ()
    """The dated facts of the case ("Dated facts"), those of procedures hidden from the reader left out."""


@dataclass(frozen=True)
class Task:
    """A work item with its form (as the reader may see it) and the case context it needs."""

    item: WorkItemView
    schema: dict
    case: CaseView
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Trace:
    """Everything that happened to one instance, and what it waits for now."""

    instance: InstanceView
    events: tuple[AuditEventView, ...]
    deadlines: tuple[DeadlineView, ...]
    work_items: tuple[WorkItemView, ...]
    timers: tuple[TimerView, ...]
