"""The deadline compliance dashboard: how the legal deadlines due in a period were kept, and the rows behind it.

A verdict is the one the legal date of the act decides (``engine/runtime/verdicts.py``): a deadline first missed
when its timer fired counts as met once the act, recorded later, turned out dated in time, and also in the
column ``corrected``. Only deadlines of kind ``deadline`` (obligations that guard a task) are counted: a
waiting period (kind ``period``) is ``met`` when it simply runs out, so its margin says nothing about compliance.

The database does the counting: one ``GROUP BY`` returns how many deadlines share a rule, an organisation,
a due month, a state and a margin, and those counts are folded into the tables here. Margins are
counted between Brussels dates (``Deadline.closed_on``), never between UTC instants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, case, extract, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..casework import withheld
from ..errors import InvalidInput
from ..law import calendar
from ..store.models import Case, Deadline, ProcessDefinition, ProcessInstance, User
from ..wiring import Wiring
from . import scope as oversight

MARGIN_BUCKETS = ((0, "0"), (2, "1–2"), (7, "3–7"), (14, "8–14"), (30, "15–30"), (None, ">30"))
"""Upper bound (days, inclusive) and label of each margin bucket; a negative margin falls in the first."""

NEAR_MISS_SHARE = 0.10
"""A met deadline is a near miss when it was kept within the last 10 % of its term."""

OUTCOMES = ("due", "met", "missed", "near_miss", "pending", "corrected")
COUNTED_STATES = ("met", "missed", "pending")
_STATES_BEHIND = {"due": COUNTED_STATES, "met": ("met",), "near_miss": ("met",), "missed": ("missed",),
                  "pending": ("pending",), "corrected": ("met", "missed")}
"""The deadline states a dashboard column can count, so the drill-down reads only those rows."""


@dataclass(frozen=True)
class Tally:
    """How many deadlines were due, met, missed, met narrowly and still pending; how many verdicts were
    corrected by the legal date of an act recorded after the timer fired."""

    due: int = 0
    met: int = 0
    missed: int = 0
    near_miss: int = 0
    pending: int = 0
    corrected: int = 0


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
    first_state: str | None = None


class Term(NamedTuple):
    """A deadline as the drill-down reads it, closed on a Brussels date."""

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
    first_state: str | None = None


class DaysBetween(FunctionElement[int]):
    """The calendar days from the second DATE to the first, as an integer, on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True


@compiles(DaysBetween)
def _days_between(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    """PostgreSQL subtracts two dates into whole days."""
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(DaysBetween, "sqlite")
def _days_between_sqlite(element: DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def margin_days(due_on: date, closed_on: date) -> int:
    """Calendar days left before the due date when the deadline was kept."""
    return (due_on - closed_on).days


def is_near_miss(start_on: date, due_on: date, closed_on: date) -> bool:
    """Whether a met deadline was kept within the last ``NEAR_MISS_SHARE`` of its term."""
    return _is_near(margin_days(due_on, closed_on), (due_on - start_on).days)


def _is_near(margin: int, term_days: int) -> bool:
    return margin <= NEAR_MISS_SHARE * term_days


def bucket(days: int) -> str:
    """The label of the margin bucket ``days`` falls in."""
    return next(label for upper, label in MARGIN_BUCKETS if upper is None or days <= upper)


def outcomes(term: Term, today: date) -> frozenset[str]:
    """The dashboard columns a deadline counts in; a pending one is due once its due day is over."""
    margin = margin_days(term.due_on, term.closed_on) if term.closed_on else None
    return _columns(term.state, term.due_on < today, margin, (term.due_on - term.start_on).days,
                    term.first_state is not None)


@cache
def _columns(state: str, is_overdue: bool, margin: int | None, term_days: int | None,
             is_corrected: bool = False) -> frozenset[str]:
    corrected = {"corrected"} if is_corrected else set()
    if state == "pending":
        return frozenset({"pending", "due"} if is_overdue else {"pending"})
    if state == "missed":
        return frozenset({"due", "missed", *corrected})
    assert margin is not None and term_days is not None
    kept = {"due", "met", "near_miss"} if _is_near(margin, term_days) else {"due", "met"}
    return frozenset(kept | corrected)


def distribution(counts: Iterable[tuple[int, int]]) -> tuple[tuple[str, int], ...]:
    """How many deadlines fall in each margin bucket, from (days, how many) pairs; every bucket listed."""
    found = dict.fromkeys((label for _, label in MARGIN_BUCKETS), 0)
    for days, count in counts:
        found[bucket(days)] += count
    return tuple(found.items())


def month_periods(period_from: date, period_to: date) -> list[tuple[date, date, date]]:
    """Each month touching the period: its first day, and the part of it inside the period."""
    result, month = [], period_from.replace(day=1)
    while month <= period_to:
        following = (month + timedelta(days=32)).replace(day=1)
        result.append((month, max(month, period_from), min(following - timedelta(days=1), period_to)))
        month = following
    return result


class DeadlineDashboard(Wiring):
    """The compliance officers' deadline dashboard and its drill-down (mixed into ``Engine``)."""

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
            counted = _scoped(_group_columns(today), user, period_from, period_to, organisation, process_id)
            by_rule = _fold(session.connection().execute(_grouped(counted)).all())
        summaries = (_summary(rule, source, cells, days, period_from, period_to)
                     for (rule, source), (cells, days) in sorted(by_rule.items()))
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
            query = (_scoped(select(*_TERM_COLUMNS), user, period_from, period_to, organisation, process_id)
                     .where(Deadline.rule == rule, Deadline.state.in_(_STATES_BEHIND[outcome]))
                     .order_by(Deadline.due_on, Deadline.id))
            terms = [Term._make(row) for row in session.connection().execute(query)]
        return [_drill_row(t) for t in terms if outcome in outcomes(t, today)]


_TERM_COLUMNS = (Deadline.id, Deadline.rule, Deadline.legal_source, Case.employer, Case.reference,
                 Deadline.instance_id, ProcessDefinition.process_id, Deadline.start_on, Deadline.due_on,
                 Deadline.state, Deadline.closed_on, Deadline.first_state)


def _check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise InvalidInput("the period ends before it starts", {"period_to": ["not before the start of the period"]})


def _scoped(query: Any, user: User, period_from: date, period_to: date, organisation: str | None,
            process_id: str | None) -> Any:
    """``query`` over the counted deadlines due in the period, of the cases ``user`` oversees."""
    query = (query.select_from(Deadline).join(Case, Deadline.case_id == Case.id)
             .join(ProcessInstance, Deadline.instance_id == ProcessInstance.id)
             .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(oversight.case_filter(user), withheld.visible_condition(user), Deadline.kind == "deadline",
                    Deadline.state.in_(COUNTED_STATES),
                    Deadline.due_on >= period_from, Deadline.due_on <= period_to))
    for value, column in ((organisation, Case.employer), (process_id, ProcessDefinition.process_id)):
        if value is not None:
            query = query.where(column == value)
    return query


def _group_columns(today: date) -> Any:
    """What a deadline is grouped by, the most varied first (SQLite sorts to group, comparing fewer fields so).

    ``margin_days`` is the due date minus the closing date (negative when late; None while pending),
    ``term_days`` the length of a met deadline's term, ``is_overdue`` whether a pending one's due day is over,
    ``is_corrected`` whether its verdict was corrected by the legal date of a late-recorded act.
    """
    return select(
        DaysBetween(Deadline.due_on, Deadline.closed_on).label("margin_days"),
        extract("month", Deadline.due_on).label("month"), Case.employer, Deadline.state,
        extract("year", Deadline.due_on).label("year"),
        case((Deadline.state == "met", DaysBetween(Deadline.due_on, Deadline.start_on))).label("term_days"),
        case((and_(Deadline.state == "pending", Deadline.due_on < today), 1), else_=0).label("is_overdue"),
        case((Deadline.first_state.is_not(None), 1), else_=0).label("is_corrected"),
        Deadline.rule, Deadline.legal_source)


def _grouped(counted: Any) -> Any:
    """Count ``counted`` per distinct row; grouped outside it, since PostgreSQL would not match ``today``
    bound once in the select list and once more in ``GROUP BY``."""
    columns = counted.subquery().c
    return select(*columns, func.count()).group_by(*columns)


Cell = tuple[str, date, frozenset[str]]
"""An organisation, a due month, and the dashboard columns its deadlines count in."""


def _fold(groups: Iterable[Any]) -> dict[tuple[str, str], tuple[Counter[Cell], Counter[tuple[str, int]]]]:
    """Per rule and legal source: how many deadlines count in each cell, and how many closed ones share a
    state and a margin."""
    cells: defaultdict[tuple[str, str], Counter[Cell]] = defaultdict(Counter)
    days: defaultdict[tuple[str, str], Counter[tuple[str, int]]] = defaultdict(Counter)
    for margin, month, employer, state, year, term_days, is_overdue, is_corrected, rule, source, count in groups:
        columns = _columns(state, bool(is_overdue), margin, term_days, bool(is_corrected))
        cell = employer, _first_day(year, month), columns
        cells[rule, source][cell] += count
        if margin is not None:
            days[rule, source][state, margin] += count
    return {key: (cells[key], days[key]) for key in cells}


@cache
def _first_day(year: Any, month: Any) -> date:
    """The first day of a month as read; PostgreSQL extracts the year and month as decimals."""
    return date(int(year), int(month), 1)


def _summary(rule: str, source: str, cells: Counter[Cell], days: Counter[tuple[str, int]], period_from: date,
             period_to: date) -> RuleSummary:
    """A rule's tables: in total, per organisation and per month of the due date; margins and lateness."""
    total, per_org, per_month = _tallies(cells)
    return RuleSummary(
        rule, source, DashboardLine(None, None, period_from, period_to, _tally(total)),
        tuple(DashboardLine(org, None, period_from, period_to, _tally(counts))
              for org, counts in sorted(per_org.items())),
        tuple(DashboardLine(None, month, start, end, _tally(per_month[month]))
              for month, start, end in month_periods(period_from, period_to) if month in per_month),
        distribution((margin, count) for (state, margin), count in days.items() if state == "met"),
        distribution((-margin, count) for (state, margin), count in days.items() if state == "missed"))


def _tallies(cells: Counter[Cell]) -> tuple[Counter[str], dict[str, Counter[str]], dict[date, Counter[str]]]:
    """The columns counted in total, per organisation and per month, from the counts per cell."""
    total: Counter[str] = Counter()
    per_org: dict[str, Counter[str]] = defaultdict(Counter)
    per_month: dict[date, Counter[str]] = defaultdict(Counter)
    for (employer, month, columns), count in cells.items():
        for column in columns:
            total[column] += count
            per_org[employer][column] += count
            per_month[month][column] += count
    return total, per_org, per_month


def _tally(counts: Counter[str]) -> Tally:
    return Tally(**{outcome: counts[outcome] for outcome in OUTCOMES})


def _drill_row(term: Term) -> DrillRow:
    closed = term.closed_on
    margin = margin_days(term.due_on, closed) if closed and term.state == "met" else None
    late = (closed - term.due_on).days if closed and term.state == "missed" else None
    return DrillRow(term.deadline_id, term.case_reference, term.instance_id, term.process_id, term.rule,
                    term.due_on, closed, margin, late, term.state, term.first_state)
