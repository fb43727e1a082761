"""The compliance cockpit: find process instances, and how the legal deadlines were kept.

Only deadlines of kind ``deadline`` (obligations that guard a task) are counted: a waiting period (kind
``period``) is ``met`` when it simply runs out, so its margin says nothing about compliance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from . import calendar, oversight
from .errors import InvalidInput
from .models import AuditEvent, Case, Deadline, ProcessDefinition, ProcessInstance, User
from .wiring import Wiring

STATES = {"running": "running", "completed": "completed", "failed": "error", "error": "error"}
"""Instance states a search may ask for; a failed instance is stored as ``error``."""

MARGIN_BUCKETS = ((0, "0"), (2, "1–2"), (7, "3–7"), (14, "8–14"), (30, "15–30"), (None, ">30"))
"""Upper bound (days, inclusive) and label of each margin bucket; a negative margin falls in the first."""

NEAR_MISS_SHARE = 0.10
"""A met deadline is a near miss when it was kept within the last 10 % of its term."""

OUTCOMES = ("due", "met", "missed", "near_miss", "pending")
COUNTED_STATES = ("met", "missed", "pending")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class InstanceRow:
    """One instance found: where it runs, how far it got, and how its deadlines went."""

    id: int
    case_id: int
    case_reference: str
    employer: str
    process_id: str
    version: int
    state: str
    started_at: datetime
    ended_at: datetime | None
    missed: int
    met: int
    pending: int
    last_action: str | None
    last_task: str | None


@dataclass(frozen=True)
class InstancePage:
    """One page of a search, newest first, with the number of instances matching it."""

    rows: tuple[InstanceRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class Tally:
    """How many deadlines were due, met, missed, met narrowly and still pending."""

    due: int = 0
    met: int = 0
    missed: int = 0
    near_miss: int = 0
    pending: int = 0


@dataclass(frozen=True)
class DashboardLine:
    """One line of a rule's table: everything, one organisation, or one month (with its own period)."""

    organisation: str | None
    month: date | None
    period_from: date
    period_to: date
    tally: Tally


@dataclass(frozen=True)
class RuleSummary:
    """How one legal rule was kept: in total, per organisation, per month; margins and lateness in days."""

    rule: str
    legal_source: str
    total: DashboardLine
    organisations: tuple[DashboardLine, ...]
    months: tuple[DashboardLine, ...]
    margins: tuple[tuple[str, int], ...]
    late_by: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Dashboard:
    """The deadline compliance dashboard over a period, on the day it was drawn."""

    period_from: date
    period_to: date
    today: date
    rules: tuple[RuleSummary, ...]


@dataclass(frozen=True)
class DrillRow:
    """One deadline behind a number of the dashboard."""

    deadline_id: int
    case_reference: str
    instance_id: int
    process_id: str
    rule: str
    due_on: date
    closed_on: date | None
    margin_days: int | None
    late_days: int | None
    state: str


class Term(NamedTuple):
    """A deadline as the dashboard reads it (the closing instant already turned into a Brussels date)."""

    deadline_id: int
    rule: str
    legal_source: str
    employer: str
    case_reference: str
    instance_id: int
    process_id: str
    start_on: date
    due_on: date
    state: str
    closed_on: date | None


def margin_days(due_on: date, closed_on: date) -> int:
    """Calendar days left before the due date when the deadline was kept."""
    return (due_on - closed_on).days


def is_near_miss(start_on: date, due_on: date, closed_on: date) -> bool:
    """Whether a met deadline was kept within the last ``NEAR_MISS_SHARE`` of its term."""
    return margin_days(due_on, closed_on) <= NEAR_MISS_SHARE * (due_on - start_on).days


def bucket(days: int) -> str:
    """The label of the margin bucket ``days`` falls in."""
    return next(label for upper, label in MARGIN_BUCKETS if upper is None or days <= upper)


def outcomes(term: Term, today: date) -> frozenset[str]:
    """The dashboard columns a deadline counts in; a pending one is due once its due day is over."""
    if term.state == "pending":
        return frozenset({"pending", "due"} if term.due_on < today else {"pending"})
    if term.state == "missed":
        return frozenset({"due", "missed"})
    assert term.closed_on is not None
    near = is_near_miss(term.start_on, term.due_on, term.closed_on)
    return frozenset({"due", "met", "near_miss"} if near else {"due", "met"})


def distribution(days: Iterable[int]) -> tuple[tuple[str, int], ...]:
    """How many of ``days`` fall in each margin bucket, every bucket listed."""
    counts = dict.fromkeys((label for _, label in MARGIN_BUCKETS), 0)
    for value in days:
        counts[bucket(value)] += 1
    return tuple(counts.items())


def month_periods(period_from: date, period_to: date) -> list[tuple[date, date, date]]:
    """Each month touching the period: its first day, and the part of it inside the period."""
    result, month = [], period_from.replace(day=1)
    while month <= period_to:
        following = (month + timedelta(days=32)).replace(day=1)
        result.append((month, max(month, period_from), min(following - timedelta(days=1), period_to)))
        month = following
    return result


class Compliance(Wiring):
    """The compliance officers' searches and dashboard (mixed into ``Engine``)."""

    def find_instances(self, *, user_id: int, process_id: str | None = None, version: int | None = None,
                       state: str | None = None, organisation: str | None = None, started_from: date | None = None,
                       started_to: date | None = None, has_missed_deadline: bool | None = None, page: int = 1,
                       per_page: int = 50) -> InstancePage:
        """The instances of the cases the user oversees matching every filter given, newest first.

        ``state`` is running, completed or failed; ``started_from``/``started_to`` are Brussels dates,
        both included. ``NotAllowed`` for anyone but compliance officers and admins; ``InvalidInput`` for
        an unknown state, a page below 1 or more than ``MAX_PER_PAGE`` rows per page.
        """
        _check_search(state, page, per_page)
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            where = _instance_conditions(user, process_id, version, state, organisation, started_from,
                                         started_to, has_missed_deadline)
            total = session.scalar(_joined(select(func.count(ProcessInstance.id))).where(*where)) or 0
            rows = session.execute(_joined(select(*_INSTANCE_COLUMNS)).where(*where)
                                   .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page)).all()
            found = _instance_rows(session, rows)
        return InstancePage(found, total, page, per_page)

    def require_compliance_access(self, user_id: int) -> None:
        """``NotAllowed`` unless the user is a compliance officer or an admin."""
        with self.database.unit_of_work() as session:
            oversight.require_overseer(session, user_id)

    def deadline_dashboard(self, *, user_id: int, period_from: date, period_to: date,
                           organisation: str | None = None, process_id: str | None = None) -> Dashboard:
        """How the legal deadlines due in the period were kept, per rule, per organisation and per month.

        Due: met, missed, and pending ones whose due day is over; replaced and cancelled ones are left out.
        ``NotAllowed`` for anyone but compliance officers and admins; ``InvalidInput`` for a reversed period.
        """
        _check_period(period_from, period_to)
        today = calendar.legal_date(self.clock.now())
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            terms = _terms(session, user, period_from, period_to, organisation=organisation, process_id=process_id)
        by_rule: dict[tuple[str, str], list[Term]] = defaultdict(list)
        for term in terms:
            by_rule[term.rule, term.legal_source].append(term)
        summaries = (_summary(rule, source, rows, period_from, period_to, today)
                     for (rule, source), rows in sorted(by_rule.items()))
        return Dashboard(period_from, period_to, today, tuple(summaries))

    def dashboard_drilldown(self, *, user_id: int, rule: str, period_from: date, period_to: date, outcome: str,
                            organisation: str | None = None, process_id: str | None = None) -> list[DrillRow]:
        """The deadlines behind one number of the dashboard, soonest due first.

        ``outcome`` is due, met, missed, near_miss or pending. ``NotAllowed`` for anyone but compliance
        officers and admins; ``InvalidInput`` for an unknown outcome or a reversed period.
        """
        if outcome not in OUTCOMES:
            raise InvalidInput(f"unknown outcome {outcome!r}", {"outcome": [f"one of {', '.join(OUTCOMES)}"]})
        _check_period(period_from, period_to)
        today = calendar.legal_date(self.clock.now())
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            terms = _terms(session, user, period_from, period_to, organisation=organisation,
                           process_id=process_id, rule=rule)
        return [_drill_row(t) for t in terms if outcome in outcomes(t, today)]


_INSTANCE_COLUMNS = (ProcessInstance.id, Case.id, Case.reference, Case.employer, ProcessDefinition.process_id,
                     ProcessDefinition.version, ProcessInstance.state, ProcessInstance.started_at,
                     ProcessInstance.ended_at)


def _joined(query: Any) -> Any:
    return (query.select_from(ProcessInstance).join(Case, ProcessInstance.case_id == Case.id)
            .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id))


def _check_search(state: str | None, page: int, per_page: int) -> None:
    problems = {}
    if state is not None and state not in STATES:
        problems["state"] = [f"one of {', '.join(STATES)}"]
    if page < 1:
        problems["page"] = ["at least 1"]
    if not 1 <= per_page <= MAX_PER_PAGE:
        problems["per_page"] = [f"between 1 and {MAX_PER_PAGE}"]
    if problems:
        raise InvalidInput("the search was refused", problems)


def _check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise InvalidInput("the period ends before it starts", {"period_to": ["not before the start of the period"]})


def _instance_conditions(user: User, process_id: str | None, version: int | None, state: str | None,
                         organisation: str | None, started_from: date | None, started_to: date | None,
                         has_missed_deadline: bool | None) -> list:
    missed = exists().where(Deadline.instance_id == ProcessInstance.id, Deadline.state == "missed")
    wanted = [
        (process_id, lambda: ProcessDefinition.process_id == process_id),
        (version, lambda: ProcessDefinition.version == version),
        (state, lambda: ProcessInstance.state == STATES[state or ""]),
        (organisation, lambda: Case.employer == organisation),
        (started_from, lambda: ProcessInstance.started_at >= calendar.day_start(started_from or date.min)),
        (started_to, lambda: ProcessInstance.started_at < calendar.day_start((started_to or date.min)
                                                                             + timedelta(days=1))),
        (has_missed_deadline, lambda: missed if has_missed_deadline else ~missed),
    ]
    return [oversight.case_filter(user)] + [condition() for value, condition in wanted if value is not None]


def _instance_rows(session: Session, rows: Sequence[Any]) -> tuple[InstanceRow, ...]:
    ids = [row[0] for row in rows]
    counts = _deadline_counts(session, ids)
    endings = _last_events(session, [row[0] for row in rows if row[6] != "running"])
    return tuple(InstanceRow(*row, *(counts.get((row[0], s), 0) for s in ("missed", "met", "pending")),
                             *endings.get(row[0], (None, None))) for row in rows)


def _deadline_counts(session: Session, instance_ids: list[int]) -> dict[tuple[int, str], int]:
    query = (select(Deadline.instance_id, Deadline.state, func.count())
             .where(Deadline.instance_id.in_(instance_ids), Deadline.state.in_(COUNTED_STATES))
             .group_by(Deadline.instance_id, Deadline.state))
    return {(instance_id, state): count for instance_id, state, count in session.execute(query)}


def _last_events(session: Session, instance_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """The last audit event of each ended instance: how it ended (the action and the task it was on)."""
    streams = [f"instance:{i}" for i in instance_ids]
    last = (select(AuditEvent.stream, func.max(AuditEvent.seq).label("seq"))
            .where(AuditEvent.stream.in_(streams)).group_by(AuditEvent.stream).subquery())
    query = select(AuditEvent.instance_id, AuditEvent.action, AuditEvent.task).join(
        last, and_(AuditEvent.stream == last.c.stream, AuditEvent.seq == last.c.seq))
    return {instance_id: (action, task) for instance_id, action, task in session.execute(query) if instance_id}


def _terms(session: Session, user: User, period_from: date, period_to: date, *, organisation: str | None,
           process_id: str | None, rule: str | None = None) -> list[Term]:
    query = (select(Deadline.id, Deadline.rule, Deadline.legal_source, Case.employer, Case.reference,
                    Deadline.instance_id, ProcessDefinition.process_id, Deadline.start_on, Deadline.due_on,
                    Deadline.state, Deadline.closed_at)
             .join(Case, Deadline.case_id == Case.id)
             .join(ProcessInstance, Deadline.instance_id == ProcessInstance.id)
             .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(oversight.case_filter(user), Deadline.kind == "deadline", Deadline.state.in_(COUNTED_STATES),
                    Deadline.due_on >= period_from, Deadline.due_on <= period_to)
             .order_by(Deadline.due_on, Deadline.id))
    for value, column in ((organisation, Case.employer), (process_id, ProcessDefinition.process_id),
                          (rule, Deadline.rule)):
        if value is not None:
            query = query.where(column == value)
    return [Term._make((*row[:-1], _legal_date(row.closed_at))) for row in session.connection().execute(query)]


def _legal_date(instant: datetime | None) -> date | None:
    return calendar.legal_date(instant) if instant else None


def _summary(rule: str, source: str, terms: list[Term], period_from: date, period_to: date,
             today: date) -> RuleSummary:
    """Count a rule's terms in one pass: in total, per organisation and per month of their due date."""
    total: Counter[str] = Counter()
    per_org: dict[str, Counter[str]] = defaultdict(Counter)
    per_month: dict[date, Counter[str]] = defaultdict(Counter)
    for term in terms:
        found = outcomes(term, today)
        total.update(found)
        per_org[term.employer].update(found)
        per_month[term.due_on.replace(day=1)].update(found)
    return RuleSummary(
        rule, source, DashboardLine(None, None, period_from, period_to, _tally(total)),
        tuple(DashboardLine(org, None, period_from, period_to, _tally(counts))
              for org, counts in sorted(per_org.items())),
        tuple(DashboardLine(None, month, start, end, _tally(per_month[month]))
              for month, start, end in month_periods(period_from, period_to) if month in per_month),
        distribution(margin_days(t.due_on, t.closed_on) for t in terms if t.state == "met" and t.closed_on),
        distribution((t.closed_on - t.due_on).days for t in terms if t.state == "missed" and t.closed_on))


def _tally(counts: Counter[str]) -> Tally:
    return Tally(**{outcome: counts[outcome] for outcome in OUTCOMES})


def _drill_row(term: Term) -> DrillRow:
    closed = term.closed_on
    margin = margin_days(term.due_on, closed) if closed and term.state == "met" else None
    late = (closed - term.due_on).days if closed and term.state == "missed" else None
    return DrillRow(term.deadline_id, term.case_reference, term.instance_id, term.process_id, term.rule,
                    term.due_on, closed, margin, late, term.state)
