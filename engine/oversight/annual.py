"""The annual evaluation of an employer's re-integration policy (a legal duty since 2022), from the case records.

For one employer and one calendar year: the formal trajectories started and where they stand, the assessment
decisions, the plans and reports and the workers' replies, how the ended ones ended, the median time each step
took, the legal terms missed, and the medical force-majeure procedures and how they ended. Only decisions and
counts are read, and a figure is broken down by a value only where the reader may read that value (the
disclosure model, per case): the others count under ``WITHHELD``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casework import disclosure, visibility, withheld
from ..errors import NotFound
from ..law import calendar
from ..store.models import Case, Deadline, ProcessDefinition, ProcessInstance, User, WorkItem
from ..store.repository import Loaded
from ..wiring import Wiring
from . import disclosed
from . import scope as oversight

TRAJECTORY = "formal_reintegration"
FORCE_MAJEURE = "medical_force_majeure"
DECISION_TASKS = ("assess", "reassess")


@dataclass(frozen=True)
class StepDuration:
    """How long one kind of task took, from the moment it was open to its completion, in calendar days."""

    task: str
    name: str
    completed: int
    median_days: float


@dataclass(frozen=True)
class Evaluation:
    """One employer's year: every figure of the annual evaluation, as counts by label."""

    employer: str
    year: int
    trajectories: Counter
    decisions: Counter
    plans: Counter
    replies: Counter
    steps: tuple[StepDuration, ...]
    missed: Counter
    force_majeure: Counter
    endings: Counter
    force_majeure_endings: Counter

    @property
    def started(self) -> int:
        return sum(self.trajectories.values())


class AnnualEvaluations(Wiring):
    """The annual evaluation (mixed into ``Engine``). For compliance officers overseeing the employer, and admins."""

    def annual_evaluation(self, employer: str, year: int, *, user_id: int) -> Evaluation:
        """The evaluation of ``employer``'s re-integration policy for ``year`` (instances started that year)."""
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            scope = oversight.employers(user)
            if scope is not None and employer not in scope:
                raise NotFound(f"no employer {employer} in your organisations")
            start, end = _bounds(year)
            visible = withheld.visible_condition(user)
            trajectories = _instances(session, TRAJECTORY, employer, start, end, visible)
            force_majeure = _instances(session, FORCE_MAJEURE, employer, start, end, visible)
            items = _completed_items(session, [row.id for row in trajectories])
            value = _reader(session, user, trajectories, self._loaded)
            return Evaluation(
                employer, year, Counter(row.state for row in trajectories), _decisions(items, value),
                Counter(value(i, "kind") for i in items if i.bpmn_id == "draft"),
                Counter(value(i, "decision") for i in items if i.bpmn_id == "reply"),
                _steps(items), _missed(session, [row.id for row in trajectories]),
                Counter(row.state for row in force_majeure), _endings(trajectories), _endings(force_majeure))

    def evaluated_employers(self, *, user_id: int) -> list[str]:
        """The employers whose evaluation the user may read (those with cases in scope)."""
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            query = select(Case.employer).where(oversight.case_filter(user)).distinct().order_by(Case.employer)
            return list(session.scalars(query))


def _bounds(year: int) -> tuple[datetime, datetime]:
    first, last = date(year, 1, 1), date(year + 1, 1, 1)
    return (datetime.combine(first, time(), calendar.BRUSSELS), datetime.combine(last, time(), calendar.BRUSSELS))


def _instances(session: Session, process_id: str, employer: str, start: datetime, end: datetime, visible: Any
               ) -> list[ProcessInstance]:
    query = (select(ProcessInstance).join(Case, Case.id == ProcessInstance.case_id)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .where(ProcessDefinition.process_id == process_id, Case.employer == employer,
                    ProcessInstance.started_at >= start, ProcessInstance.started_at < end, visible))
    return list(session.scalars(query))


def _completed_items(session: Session, instance_ids: list[int]) -> list[WorkItem]:
    query = (select(WorkItem).where(WorkItem.instance_id.in_(instance_ids), WorkItem.state == "completed")
             .order_by(WorkItem.ended_at, WorkItem.id))
    return list(session.scalars(query))


def _reader(session: Session, user: User, instances: list[ProcessInstance],
            load: Callable[[Session, ProcessInstance], Loaded]) -> Callable[[WorkItem, str], str]:
    """The value of a field of a work item as ``user`` may read it: the value, or ``WITHHELD``."""
    rows = {row.id: row for row in instances}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_({r.case_id for r in instances})))}
    loaded = {row.definition_id: load(session, row) for row in instances}
    procedures = {d: disclosure.procedure_for(x) for d, x in loaded.items()}

    def value(item: WorkItem, name: str) -> str:
        row = rows[item.instance_id]
        schema = loaded[row.definition_id].forms.get(item.form or "", {})
        field = disclosure.class_of(name, schema, item.classifications)
        reader = visibility.of_user(user, cases[row.case_id])
        readable = disclosure.may_read(reader, field, procedures[row.definition_id].for_task(item.bpmn_id))
        return str((item.data or {}).get(name)) if readable else disclosed.WITHHELD
    return value


def _decisions(items: list[WorkItem], value: Callable[[WorkItem, str], str]) -> Counter:
    """The last decision of each trajectory (an adapted assessment after an appeal replaces the first)."""
    last = {i.instance_id: value(i, "decision") for i in items if i.bpmn_id in DECISION_TASKS}
    return Counter(last.values())


def _steps(items: list[WorkItem]) -> tuple[StepDuration, ...]:
    durations: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for item in items:
        if item.ended_at is not None:
            durations.setdefault(item.bpmn_id, []).append((item.ended_at - item.created_at).total_seconds() / 86400)
            names[item.bpmn_id] = item.name
    return tuple(StepDuration(task, names[task], len(days), round(statistics.median(days), 1))
                 for task, days in durations.items())


def _endings(instances: list[ProcessInstance]) -> Counter:
    """How the completed instances ended, by the name of the end event they reached."""
    return Counter(row.end_event_name for row in instances if row.end_event_name)


def _missed(session: Session, instance_ids: list[int]) -> Counter:
    """Missed terms per rule, by the verdict the legal date of the act decides (a corrected one counts as met)."""
    query = select(Deadline.rule).where(Deadline.instance_id.in_(instance_ids), Deadline.state == "missed")
    return Counter(session.scalars(query))
