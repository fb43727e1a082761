"""Part-time work during the incapacity planned in a plan (T28, art. 100 §2 GVU-wet, KB 3 July 1996 art. 230).

A re-integration plan (``plan_or_report``, once the worker accepts it) or a coordinator-track plan
(``rtw_coordination``, once it is recorded) that includes part-time work during the incapacity throws the message
``part_time_work_planned`` with the planned first day (and, from a called diagram, ``planned_in``: the procedure
whose plan it is; else the instance's own procedure is named). No task of the plan's own instance catches it, so the run
hands it back (``Run.thrown``) and ``route_planned`` delivers it to the case: to the progressive resumption already
running (its ``planned_in_plan`` or ``replanned_in_plan`` events take the plan's first day while the request is still
to be made; past the request the message is audited as not waiting and nothing changes), or, when none runs, it
starts progressive resumption and hands the new instance the message, so the worker's inbox shows the request due
the working day before the first part-time day (T28). The engine starts the procedure and then delivers the message,
so the diagram keeps its one start event, and a start by hand and a start from a plan run the same steps.

The gate: such a plan cannot be carried out (the ``plan_execution`` form) before the worker's request for the
advisory physician's authorisation (``submit_request`` of progressive resumption) is recorded for the case;
``check_may_carry_out`` refuses it at the form's date field with a coded message.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..law import calendar
from ..runtime import run as runtime
from ..store import audit, queries, repository
from ..store.models import Case, Correlation, WorkItem
from ..wiring import Wiring
from .problem_codes import problem

PLANNED = "part_time_work_planned"
"""The message a plan throws when it includes part-time work during the incapacity (payload: planned_first_day)."""
PROCEDURE = "progressive_resumption"
REQUEST_FORM = "progressive_resumption_request.json"
"""The form of the worker's request to the advisory physician (T28), recorded by ``submit_request``."""
CARRIED_OUT_FORMS = {"plan_execution.json": "resumed_on"}
"""The forms that record a plan as carried out, with the field a refusal is shown at."""


def route_planned(wiring: Wiring, session: Session, run: runtime.Run, actor: str) -> list[int]:
    """Deliver the part-time work a plan of ``run`` planned to the case's progressive resumption, starting one when
    none runs; returns the instances that took it. Other thrown messages are left to their own routes."""
    planned = [e for e in run.thrown if e.event_definition.name == PLANNED]
    run.thrown[:] = [e for e in run.thrown if e.event_definition.name != PLANNED]
    taken: list[int] = []
    for event in planned:
        thrown = event.payload if isinstance(event.payload, dict) else {}
        payload = {"planned_first_day": str(thrown.get("planned_first_day")),
                   "planned_in": str(thrown.get("planned_in") or run.loaded.definition.process_id)}
        taken += _start_or_tell(wiring, session, run.row.case_id, payload, actor)
    return taken


def _start_or_tell(wiring: Wiring, session: Session, case_id: int, payload: dict, actor: str) -> list[int]:
    case = queries.get(session, Case, case_id, "case")
    running = [i.id for i in queries.instances(session, case_id) if i.process_id == PROCEDURE and i.state == "running"]
    if not running:
        definition = repository.latest_or_none(session, PROCEDURE)
        if definition is not None:
            started = runtime.start(session, case, wiring._specs.load(session, definition),
                                    {"planned_in": payload["planned_in"]}, actor, wiring.clock)
            session.flush()
            if runtime.deliver(session, started, PLANNED, payload, actor):
                return [started.row.id]
        return _not_waiting(wiring, session, case_id, payload, actor)
    query = select(Correlation.instance_id).where(Correlation.case_id == case_id, Correlation.message == PLANNED,
                                                  Correlation.instance_id.in_(running)).distinct()
    taken = [i for i in sorted(session.scalars(query))
             if runtime.deliver(session, wiring._load(session, i), PLANNED, payload, actor)]
    return taken or _not_waiting(wiring, session, case_id, payload, actor)


def _not_waiting(wiring: Wiring, session: Session, case_id: int, payload: dict, actor: str) -> list[int]:
    audit.append(session, f"case:{case_id}", at=wiring.clock.now(), actor=actor, case_id=case_id,
                 action="message_not_waiting", task=PLANNED, after=payload)
    return []


def check_may_carry_out(session: Session, run: runtime.Run, item: WorkItem) -> None:
    """Refuse to record a plan with part-time work during the incapacity as carried out before the worker's request
    for authorisation is recorded in the current period of incapacity (0.6; a request of an earlier period is for
    other part-time work): ``InvalidInput`` at the form's field, coded ``plan.part_time_not_requested``.
    """
    field = CARRIED_OUT_FORMS.get(item.form or "")
    task = run.workflow.get_task_from_id(UUID(item.task_id)) if field else None
    data = task.data if task is not None else {}
    if not data.get("part_time_during_incapacity") or data.get("plan_outcome", "accepted") != "accepted":
        return
    case = queries.get(session, Case, item.case_id, "case")
    period_began = queries.current_first_day(session, case, calendar.legal_date(run.clock.now()))
    requested = select(WorkItem.id).where(WorkItem.case_id == item.case_id, WorkItem.form == REQUEST_FORM,
                                          WorkItem.state == "completed",
                                          WorkItem.ended_at >= calendar.day_start(period_began)).limit(1)
    if session.scalar(requested) is not None:
        return
    refused = problem("plan.part_time_not_requested", first_day=_day(data.get("planned_first_day")))
    raise InvalidInput(refused, {str(field): [refused]})


def _day(value: object) -> date | str:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)
