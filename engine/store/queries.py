"""Read-side queries: rows in, plain view objects out."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..law import calendar, eligibility, periods
from ..law import deadlines as rules_module
from . import join_order, views
from .id_sets import id_set
from .models import AuditEvent, Case, Deadline, IncapacityEvent, ProcessDefinition, ProcessInstance, Timer, WorkItem


def version_view(row: ProcessDefinition) -> views.Version:
    return views.Version(row.id, row.process_id, row.version, row.name, row.deployed_at, row.deployed_by,
                         row.comment, row.bundle_hash)


def case_view(row: Case) -> views.CaseView:
    return views.CaseView(row.id, row.reference, row.employee, row.employer, row.first_day_of_incapacity,
                          dict(row.parties), row.opened_at)


def instance_view(session: Session, row: ProcessInstance) -> views.InstanceView:
    definition = session.get(ProcessDefinition, row.definition_id)
    assert definition is not None
    return views.InstanceView(row.id, row.case_id, definition.process_id, definition.version, row.state,
                              row.started_at, row.ended_at, row.version, row.end_event)


def instances(session: Session, case_id: int) -> list[views.InstanceView]:
    """The instances of a case, oldest first."""
    rows = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case_id)
                           .order_by(ProcessInstance.id))
    return [instance_view(session, row) for row in rows]


def get(session: Session, model: type, key: int, what: str):  # type: ignore[no-untyped-def]
    """The row of ``model`` with primary key ``key``, or ``NotFound``."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"{what} {key} does not exist")
    return row


CASES_ITEMS = "ix_work_item_case_id_state_role"
"""The index of a case's items by state and role."""


def work_item_select(*, cases_first: bool = False) -> Select:
    """Work items with their own deadline, procedure id, case reference and worker: ``work_item_views`` reads it.

    Every item has its instance and version (foreign keys); they are outer joins so that a query that reads neither
    (a list gathering the keys of its items) has the database leave them out. ``cases_first``: SQLite reads the cases
    first, then each case's items through ``CASES_ITEMS`` (``join_order``)."""
    columns = select(WorkItem, Deadline, ProcessDefinition.process_id, Case.reference, Case.employee)
    if cases_first:
        query = (columns.select_from(join_order.OuterFirst(Case.__table__, WorkItem.__table__,
                                                           WorkItem.case_id == Case.id, CASES_ITEMS))
                 .outerjoin(Deadline, WorkItem.deadline_id == Deadline.id))
    else:
        query = (columns.outerjoin(Deadline, WorkItem.deadline_id == Deadline.id)
                 .join(Case, WorkItem.case_id == Case.id))
    return (query.outerjoin(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
            .outerjoin(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id))


def work_item_views(session: Session, rows: Iterable[Row | tuple]) -> list[views.WorkItemView]:
    """The views of rows read by ``work_item_select``, in their order."""
    return with_procedure_terms(session, [replace(work_item_view(item, deadline, process_id, reference),
                                                  employee=employee)
                                          for item, deadline, process_id, reference, employee in rows])


def work_items(session: Session, *, role: str | None = None, case_id: int | None = None, user: str | None = None,
               state: str | None = "ready", instance_id: int | None = None) -> list[views.WorkItemView]:
    """Work items filtered by role, case, assignee, state and instance; soonest due first."""
    query = work_item_select()
    filters = {WorkItem.role: role, WorkItem.case_id: case_id, WorkItem.assignee: user, WorkItem.state: state,
               WorkItem.instance_id: instance_id}
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    due = func.coalesce(Deadline.due_on, WorkItem.procedure_due_on)
    return work_item_views(session, session.execute(query.order_by(due.is_(None), due, WorkItem.id)))


def with_procedure_terms(session: Session, items: list[views.WorkItemView]) -> list[views.WorkItemView]:
    """Name, on a task without a term of its own, the term of its procedure whose expiry brought it about (the
    explanation of a late assessment is born when T08 expires)."""
    lacking = {item.instance_id for item in items if item.rule is None}
    if not lacking:
        return items
    query = (select(Deadline).where(Deadline.instance_id.in_(id_set(session, lacking)), Deadline.kind == "deadline",
                                    Deadline.state == "missed", Deadline.closed_at.is_not(None)))
    missed: dict[int, list[Deadline]] = {}
    for row in session.scalars(query):
        missed.setdefault(row.instance_id, []).append(row)
    return [item if item.rule is not None else _expired_term(item, missed.get(item.instance_id, []))
            for item in items]


def _expired_term(item: views.WorkItemView, missed: list[Deadline]) -> views.WorkItemView:
    born_after = [d for d in missed if d.closed_at is not None and d.closed_at <= item.created_at]
    if not born_after:
        return item
    expired = max(born_after, key=lambda d: (d.closed_at, d.id))
    return replace(item, expired_rule=expired.rule, expired_on=expired.due_on)


def work_item_view(item: WorkItem, deadline: Deadline | None, process_id: str | None = None,
                   case_reference: str | None = None) -> views.WorkItemView:
    """The item with its own term, else with the term of its procedure that governs it."""
    if deadline is None and item.procedure_rule:
        return views.WorkItemView(
            item.id, item.case_id, item.instance_id, item.bpmn_id, item.name, item.role, item.form, item.assignee,
            item.state, item.created_at, item.procedure_due_on, item.procedure_rule, None, None, process_id,
            case_reference, explanation_parts=tuple(item.procedure_explanation or ()) or None, of_procedure=True,
            start_on=item.procedure_start_on)
    return views.WorkItemView(
        item.id, item.case_id, item.instance_id, item.bpmn_id, item.name, item.role, item.form, item.assignee,
        item.state, item.created_at, deadline.due_on if deadline else None, deadline.rule if deadline else None,
        deadline.legal_source if deadline else None, deadline.explanation if deadline else None, process_id,
        case_reference, explanation_parts=_parts(deadline),
    )


def with_days_left(rows: list, rules: Mapping[str, rules_module.Rule], today: date) -> list:
    """Work item or deadline views with the days left to their due date, counted the way their rule counts."""
    result = []
    for row in rows:
        if getattr(row, "expired_on", None) is not None:
            row = replace(row, expired_days_ago=(today - row.expired_on).days)
        if row.due_on is None or row.rule is None:
            result.append(row)
            continue
        start_on = getattr(row, "start_on", None) or row.due_on
        left, is_working = rules_module.days_left(rules.get(row.rule), start_on, row.due_on, today)
        result.append(replace(row, days_left=left, counts_working_days=is_working))
    return result


def deadlines(session: Session, *, case_id: int | None = None,
              instance_id: int | None = None) -> list[views.DeadlineView]:
    """Deadline rows of a case or an instance, by due date."""
    query = select(Deadline).order_by(Deadline.due_on, Deadline.id)
    if case_id is not None:
        query = query.where(Deadline.case_id == case_id)
    if instance_id is not None:
        query = query.where(Deadline.instance_id == instance_id)
    return [deadline_view(row) for row in session.scalars(query)]


def deadline_view(row: Deadline) -> views.DeadlineView:
    return views.DeadlineView(row.id, row.case_id, row.instance_id, row.bpmn_id, row.rule, row.kind,
                              row.legal_source, row.start_event, row.start_on, row.due_on, row.expires_at,
                              row.explanation, row.state, row.closed_at, closed_on=row.closed_on, act_on=row.act_on,
                              first_state=row.first_state, corrected_at=row.corrected_at,
                              corrected_by=row.corrected_by, explanation_parts=_parts(row))


def _parts(row: Deadline | None) -> tuple[dict, ...] | None:
    """The explanation's parts; None when there is no deadline, or it was kept before there were parts."""
    return None if row is None or row.explanation_parts is None else tuple(row.explanation_parts)


def audit_events(session: Session, stream: str) -> list[views.AuditEventView]:
    """The events of one audit stream, in order."""
    query = select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq)
    return [views.AuditEventView(e.seq, e.at, e.actor, e.action, e.task, e.before, e.after, e.hash)
            for e in session.scalars(query)]


def facts(session: Session, case: Case, data: Mapping, on: date,
          policy: eligibility.Policy = eligibility.DEFAULT_POLICY, *, excluded: int | None = None,
          reads: Collection[str] | None = None) -> eligibility.Facts:
    """What the cross-procedure rules need to know about a case for an act dated ``on``.

    ``excluded`` leaves out one instance (the one whose own act is being judged). ``reads`` limits the instances
    read to those of these process ids (``eligibility.READS``; None: every one), so a start reads only what its
    rules look at. An ended instance's data is read from its stored state; a running one's never.
    """
    past = _past(session, case.id, reads, excluded) if reads is None or reads else ()
    return eligibility.Facts(case.first_day_of_incapacity, past, data, on, incapacity_events(session, case.id), policy,
                             work_potential_estimates(session, case.id), None if reads is None else frozenset(reads))


def _past(session: Session, case_id: int, reads: Collection[str] | None,
          excluded: int | None) -> tuple[eligibility.Past, ...]:
    query = _PAST if reads is None else _PAST.where(ProcessDefinition.process_id.in_(sorted(reads)))
    return tuple(eligibility.Past(process_id, state == "running", _final_data(state_json), instance_id,
                                  calendar.legal_date(started_at), end_event)
                 for instance_id, process_id, state, started_at, end_event, state_json
                 in session.execute(query, {"case_id": case_id}) if instance_id != excluded)


_PAST = (select(ProcessInstance.id, ProcessDefinition.process_id, ProcessInstance.state, ProcessInstance.started_at,
                ProcessInstance.end_event,
                sql_case((ProcessInstance.state == "running", None), else_=ProcessInstance.state_json))
         .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
         .where(ProcessInstance.case_id == bindparam("case_id")).order_by(ProcessInstance.id))


def procedures_run(session: Session, case_id: int, *, running: bool = False) -> set[str]:
    """The process ids of the instances of a case (with ``running``, of those still running): one row per procedure."""
    query = (select(ProcessDefinition.process_id).distinct()
             .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(ProcessInstance.case_id == case_id))
    return set(session.scalars(query.where(ProcessInstance.state == "running") if running else query))


ESTIMATE_FORM = "work_potential_estimate.json"
"""The advisory physician's estimate of the work potential (T03, ``incapacity_clock.bpmn#record_estimate``)."""


def work_potential_estimates(session: Session, case_id: int) -> tuple[tuple[date, str], ...]:
    """The estimates of the work potential the advisory physician recorded for a case: (estimated_on, outcome)."""
    rows = session.scalars(select(WorkItem.data).where(WorkItem.case_id == case_id, WorkItem.form == ESTIMATE_FORM,
                                                       WorkItem.state == "completed").order_by(WorkItem.id))
    return tuple((date.fromisoformat(d["estimated_on"]), str(d.get("work_potential")))
                 for d in rows if d and isinstance(d.get("estimated_on"), str))


def incapacity_events(session: Session, case_id: int) -> tuple[tuple[str, date], ...]:
    """The returns to work and new incapacities recorded for a case, as (kind, legal date), by date."""
    rows = session.execute(select(IncapacityEvent.kind, IncapacityEvent.on).where(IncapacityEvent.case_id == case_id)
                           .order_by(IncapacityEvent.on, IncapacityEvent.id))
    return tuple((kind, on) for kind, on in rows)


def current_first_day(session: Session, case: Case, on: date) -> date:
    """The first day of the case's period of incapacity current on ``on`` (0.6)."""
    return periods.current_first_day(case.first_day_of_incapacity, incapacity_events(session, case.id), on)


def started_in_current_period(session: Session, case: Case, process_id: str, on: date) -> bool:
    """Whether an instance of ``process_id`` was started for the period of incapacity current on ``on`` (0.6).

    The first period began with the case; a later one with the recording of the incapacity that began it: an
    instance started since then belongs to it.
    """
    first_day = current_first_day(session, case, on)
    began = None if first_day == case.first_day_of_incapacity else session.scalar(
        select(func.max(IncapacityEvent.recorded_at)).where(IncapacityEvent.case_id == case.id,
                                                            IncapacityEvent.kind == periods.INCAPACITY,
                                                            IncapacityEvent.on == first_day))
    query = (select(ProcessInstance.id).join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(ProcessInstance.case_id == case.id, ProcessDefinition.process_id == process_id))
    if began is not None:
        query = query.where(ProcessInstance.started_at >= began)
    return session.scalar(query.limit(1)) is not None


def _final_data(state_json: str | None) -> dict:
    """The workflow data of an ended instance (what its end events left), read from its stored state."""
    return dict(json.loads(state_json).get("data", {})) if state_json else {}


def trace(session: Session, instance_id: int) -> views.Trace:
    """The history and current waits of one instance."""
    row = get(session, ProcessInstance, instance_id, "instance")
    timers = session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at))
    return views.Trace(
        instance=instance_view(session, row),
        events=tuple(audit_events(session, f"instance:{instance_id}")),
        deadlines=tuple(deadlines(session, instance_id=instance_id)),
        work_items=tuple(work_items(session, instance_id=instance_id, state=None)),
        timers=tuple(views.TimerView(t.bpmn_id, t.due_at) for t in timers),
    )
