"""Incidents: an instance whose timer path fails is set aside, retried with back-off, and shown to people.

One instance's failure, whatever the exception, never stops the sweep: its transaction rolls back (the
timer stays due), its incident records the element, the error and the attempts, and the instance waits,
``error``, until the next retry is due. After ``MAX_ATTEMPTS`` it waits for a person: a process owner, a
compliance officer or an admin retries it, or moves on (the instance is cancelled with a reason).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from ..errors import (
    ConcurrentUpdate,
    Conflict,
    EngineError,
    InvalidInput,
    InvalidModel,
    NotAllowed,
    NotFound,
    Unavailable,
)
from ..oversight import scope as oversight
from ..store import audit, database_errors, queries
from ..store.models import Case, ProcessDefinition, ProcessInstance, Timer, User
from . import projection, serialization, timers
from . import run as runtime
from .incident_models import Incident
from .problem_codes import problem

if TYPE_CHECKING:
    from ..wiring import Wiring

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12))
"""The wait before each automatic retry; after the last one the incident waits for a person."""
MAX_ATTEMPTS = len(BACKOFF) + 1
REPAIR_ROLES = frozenset({"process_owner", "compliance_officer", "admin"})


@dataclass(frozen=True)
class IncidentView:
    """An incident as the cockpit shows it; ``next_retry_at`` None on an open one: it waits for a person."""

    id: int
    instance_id: int
    case_id: int
    case_reference: str
    process_id: str
    version: int
    element: str | None
    error_class: str
    message: str
    first_at: datetime
    last_at: datetime
    attempts: int
    next_retry_at: datetime | None
    state: str
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    reason: str | None


@dataclass(frozen=True)
class Woken:
    """One instance woken by the sweep or a retry: how many timers fired, or the error it failed with."""

    instance_id: int
    fired: int
    error: Exception | None = None


def wake_one(wiring: Wiring, claim: Callable[[Session], ProcessInstance | None], actor: str,
             reason: str = "") -> Woken | None:
    """Claim an instance and fire its due timers in one transaction; on any failure record its incident.

    Returns None when ``claim`` found nothing. A failure rolls the instance's transaction back, so its
    timers stay due; the incident is written in a transaction of its own.
    """
    with wiring.database.unit_of_work() as session:
        row = claim(session)
        if row is None:
            return None
        instance_id = row.id
        try:
            fired = _wake(wiring, session, row, actor, reason)
            session.commit()
            _report_fired(wiring, fired)
            return Woken(instance_id, len(fired))
        except Exception as err:  # a process edge: one instance never stops the others
            if _is_transient(wiring, err):
                raise  # an outage or a lost race is no fault of the instance: the unit of work translates it
            failure = err
    record(wiring, instance_id, failure, actor)
    return Woken(instance_id, 0, failure)


def _is_transient(wiring: Wiring, err: Exception) -> bool:
    translated = err if isinstance(err, EngineError) else database_errors.translate(
        err, wiring.database.engine.dialect.loaded_dbapi)
    return isinstance(translated, Unavailable | ConcurrentUpdate)


def _report_fired(wiring: Wiring, due_instants: list[datetime]) -> None:
    now = wiring.clock.now()
    for due in due_instants:
        wiring.telemetry.timer_fired((now - due).total_seconds())


def _wake(wiring: Wiring, session: Session, row: ProcessInstance, actor: str, reason: str) -> list[datetime]:
    incident = open_incident(session, row.id) if row.state == "error" else None
    if row.state == "error":
        row.state, row.error = "running", None
    fired = runtime.wake(session, wiring._run(session, row))
    if incident is not None:
        _resolve(session, row, incident, actor, "retried", reason, wiring.clock.now())
    return fired


def record(wiring: Wiring, instance_id: int, err: Exception, actor: str) -> None:
    """Open or update the incident of ``instance_id``, schedule its retry and stop the instance (audited)."""
    now, message = wiring.clock.now(), _message(err)
    with wiring.database.unit_of_work() as session:
        row = queries.get(session, ProcessInstance, instance_id, "instance")
        incident = open_incident(session, instance_id)
        is_new = incident is None
        incident = incident or _new(session, row, now)
        incident.attempts += 1
        incident.last_at, incident.error_class, incident.message = now, type(err).__name__, message
        incident.element = _element(err) or _due_timer(session, instance_id, now) or incident.element
        incident.next_retry_at = now + BACKOFF[incident.attempts - 1] if incident.attempts < MAX_ATTEMPTS else None
        timers.record_failure(session, instance_id, message, now, actor=actor, details={
            "incident": incident.id, "element": incident.element, "attempts": incident.attempts,
            "next_retry_at": incident.next_retry_at.isoformat() if incident.next_retry_at else None})
        session.commit()
    if is_new:
        wiring.telemetry.incident_opened()
    log.error("instance %s failed at %s (attempt %s, next retry %s): %s", instance_id, incident.element,
              incident.attempts, incident.next_retry_at or "by a person", message)


def open_incident(session: Session, instance_id: int) -> Incident | None:
    """The open incident of an instance, if any."""
    query = select(Incident).where(Incident.instance_id == instance_id, Incident.state == "open")
    return session.scalars(query).first()


def _new(session: Session, row: ProcessInstance, now: datetime) -> Incident:
    incident = Incident(instance_id=row.id, case_id=row.case_id, error_class="", message="", first_at=now,
                        last_at=now, attempts=0, state="open")
    session.add(incident)
    session.flush()
    return incident


def _message(err: Exception) -> str:
    text = err.message if isinstance(err, EngineError) else f"{type(err).__name__}: {err}"
    return text[:2000]


def _element(err: BaseException) -> str | None:
    """The BPMN element where it failed: a model problem's element, or the task of a SpiffWorkflow error."""
    if isinstance(err, InvalidModel) and err.problems and err.problems[0].element_id:
        return err.problems[0].element_id
    task = getattr(err, "task", None)
    if task is not None:
        return str(task.task_spec.bpmn_id)
    return _element(err.__cause__) if err.__cause__ is not None else None


def _due_timer(session: Session, instance_id: int, now: datetime) -> str | None:
    query = select(Timer.bpmn_id).where(Timer.instance_id == instance_id, Timer.due_at <= now).order_by(Timer.due_at)
    return session.scalars(query).first()


def _resolve(session: Session, row: ProcessInstance, incident: Incident, actor: str, how: str, reason: str,
             now: datetime) -> None:
    incident.state, incident.resolved_at, incident.resolved_by = "resolved", now, actor
    incident.resolution, incident.reason, incident.next_retry_at = how, reason or None, None
    audit.append(session, f"instance:{row.id}", at=now, actor=actor, action=f"incident_{how}", case_id=row.case_id,
                 instance_id=row.id, task=incident.element,
                 after={"incident": incident.id, "error": incident.message, "attempts": incident.attempts,
                        "reason": reason, "instance_state": row.state})


class Incidents:
    """What people do with incidents: see them, retry, move on. Composed into the facade as ``incidents``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def find(self, *, user_id: int, state: str = "open") -> list[IncidentView]:
        """The incidents (``open`` or ``resolved``) of the cases the user may repair, newest first.

        Process owners and admins see all; a compliance officer those of the cases they oversee;
        anyone else gets ``NotAllowed``.
        """
        with self._wiring.database.unit_of_work() as session:
            user = _require_repairer(session, user_id)
            query = (_joined().where(Incident.state == state, _scope(user)).order_by(Incident.last_at.desc())
                     .limit(500))
            return [_view(*found) for found in session.execute(query)]

    def get(self, incident_id: int, *, user_id: int) -> IncidentView:
        """One incident; ``NotFound`` when it does not exist or is not the user's to see."""
        with self._wiring.database.unit_of_work() as session:
            return _view(*_visible(session, _require_repairer(session, user_id), incident_id))

    def retry(self, incident_id: int, *, user_id: int, reason: str = "") -> IncidentView:
        """Try the instance again now; resolved when it runs, else one more attempt is counted. Audited.

        ``Conflict`` when the incident is already resolved.
        """
        with self._wiring.database.unit_of_work() as session:
            user = _require_repairer(session, user_id)
            incident, *_ = _visible(session, user, incident_id)
            instance_id, actor = _require_open(incident).instance_id, user.username
        wake_one(self._wiring, lambda session: _lock_stopped(session, instance_id), actor, reason)
        return self.get(incident_id, user_id=user_id)

    def move_on(self, incident_id: int, *, user_id: int, reason: str) -> IncidentView:
        """Cancel the instance of an open incident with a stated reason; its work items, timers and pending
        deadlines are cancelled and the incident is resolved. Audited with who and why.
        """
        if not reason.strip():
            raise InvalidInput("moving on needs a reason", {"reason": ["say why the instance is cancelled"]})
        wiring, now = self._wiring, self._wiring.clock.now()
        with wiring.database.unit_of_work() as session:
            user = _require_repairer(session, user_id)
            incident, *_ = _visible(session, user, incident_id)
            row = _lock_stopped(session, _require_open(incident).instance_id)
            run = runtime.load(session, row, wiring._loaded(session, row), wiring.clock)
            run.workflow.cancel()
            row.state_json = serialization.dump(run.workflow)
            projection.project(session, row, run.workflow, [], now, user.username)
            row.state, row.ended_at = "cancelled", now
            _resolve(session, row, incident, user.username, "moved_on", reason.strip(), now)
            session.commit()
        return self.get(incident_id, user_id=user_id)


def _require_repairer(session: Session, user_id: int) -> User:
    user = queries.get(session, User, user_id, "user")
    if not REPAIR_ROLES.intersection(user.roles):
        raise NotAllowed("only process owners, compliance officers and admins see incidents")
    return user


def _scope(user: User) -> object:
    return true() if "process_owner" in user.roles else oversight.case_filter(user)


def _joined():  # type: ignore[no-untyped-def]
    return (select(Incident, Case.reference, ProcessDefinition.process_id, ProcessDefinition.version)
            .join(ProcessInstance, ProcessInstance.id == Incident.instance_id)
            .join(Case, Case.id == Incident.case_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id))


def _visible(session: Session, user: User, incident_id: int) -> tuple[Incident, str, str, int]:
    found = session.execute(_joined().where(Incident.id == incident_id, _scope(user))).first()
    if found is None:
        raise NotFound(f"incident {incident_id} does not exist")
    return found[0], found[1], found[2], found[3]


def _require_open(incident: Incident) -> Incident:
    if incident.state != "open":
        raise Conflict(problem("incident.resolved", incident=incident.id))
    return incident


def _lock_stopped(session: Session, instance_id: int) -> ProcessInstance:
    row = session.scalars(select(ProcessInstance).where(ProcessInstance.id == instance_id).with_for_update()).first()
    if row is None or row.state != "error":
        raise Conflict(problem("incident.not_stopped", instance=instance_id))
    return row


def _view(incident: Incident, reference: str, process_id: str, version: int) -> IncidentView:
    return IncidentView(
        incident.id, incident.instance_id, incident.case_id, reference, process_id, version, incident.element,
        incident.error_class, incident.message, incident.first_at, incident.last_at, incident.attempts,
        incident.next_retry_at, incident.state, incident.resolved_at, incident.resolved_by, incident.resolution,
        incident.reason)
