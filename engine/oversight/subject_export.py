"""GDPR art. 15: everything Reintegra holds about one worker, as plain data for a download.

The subject is the worker named by ``employee_account`` on their cases. Everything of those cases is in it,
every classification included (the worker may see all their own data): the case facts, the periods of
incapacity, the procedures, each task with its data (documents), the deadlines with their verdicts, the
audit events of the cases' streams, who read the cases (the access log, within its retention), the cases'
letters and files (listed with their digest; the files themselves download from the case file) and comments.
Nothing of another worker's case. A worker exports their own; a compliance officer or admin exports for a
worker of the cases they oversee (by account or by one of the worker's cases). One ``subject_export`` audit
event and one access-log row (surface ``export``, every class) per case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import NotAllowed, NotFound
from ..store import access_log, audit, queries
from ..store.access_models import AccessLogEntry
from ..store.models import (
    AuditEvent,
    Case,
    Deadline,
    IncapacityEvent,
    ProcessDefinition,
    ProcessInstance,
    User,
    WorkItem,
    case_party,
)
from ..store.paper_models import CaseComment, CaseDocument
from . import scope as oversight

if TYPE_CHECKING:
    from ..wiring import Wiring


@dataclass(frozen=True)
class SubjectExport:
    """One worker's data: who it is about, who asked, when, and the cases (plain JSON-ready data)."""

    subject: str
    requested_by: str
    generated_at: datetime
    cases: tuple[dict[str, Any], ...]
    files: tuple[tuple[str, bytes], ...] = ()
    """The cases' letters and files: (path in the download, bytes), e.g. ``documents/R-1/12-plan.pdf``."""

    def as_json(self) -> dict[str, Any]:
        return {"subject": self.subject, "requested_by": self.requested_by,
                "generated_at": self.generated_at.isoformat(), "cases": list(self.cases)}


class SubjectExports:
    """The worker's right of access. Composed into the facade as ``subject_exports``."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring

    def subject_export(self, *, user_id: int, employee_account: str | None = None,
                       case_id: int | None = None) -> SubjectExport:
        """Everything held about a worker: the user's own data, or (an overseer) a worker's by account or case.

        ``NotAllowed`` when someone else than an overseer asks for another worker; ``NotFound`` for a case or
        worker outside the overseer's cases. Audited: one event per case exported.
        """
        now = self._wiring.clock.now()
        with self._wiring.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            subject, cases = _subject_cases(session, user, employee_account, case_id)
            result = SubjectExport(subject, user.username, now, tuple(_case_data(session, case) for case in cases),
                                   tuple(self._files(session, cases)))
            access_log.record_each(session, user, [case.id for case in cases], "export", "subject",
                                   access_log.RANK, at=now)
            for case in cases:
                audit.append(session, f"case:{case.id}", at=now, actor=user.username, action="subject_export",
                             case_id=case.id, after={"subject": subject, "on_behalf": subject != user.username})
            session.commit()
        return result


    def _files(self, session: Session, cases: list[Case]) -> Iterator[tuple[str, bytes]]:
        for case in cases:
            for row in _rows(session, CaseDocument, CaseDocument.case_id == case.id):
                if row.storage != "erased":
                    yield f"documents/{case.reference}/{row.id}-{row.filename}", self._wiring.files.read(row)


def _subject_cases(session: Session, user: User, account: str | None, case_id: int | None) -> tuple[str, list[Case]]:
    if case_id is None and account in (None, user.username):
        return user.username, _cases_of(session, user.username, None)
    if not oversight.OVERSIGHT_ROLES.intersection(user.roles):
        raise NotAllowed("only compliance officers and admins export another worker's data")
    if case_id is not None:
        case = session.scalars(select(Case).where(Case.id == case_id, oversight.case_filter(user))).first()
        if case is None:
            raise NotFound(f"case {case_id} does not exist")
        named = case.parties.get("employee_account")
        return (named, _cases_of(session, named, user)) if named else (case.employee, [case])
    assert account is not None
    cases = _cases_of(session, account, user)
    if not cases:
        raise NotFound(f"no case of worker '{account}'")
    return account, cases


def _cases_of(session: Session, account: str, overseer: User | None) -> list[Case]:
    query = select(Case).where(case_party("employee_account") == account).order_by(Case.id)
    if overseer is not None:
        query = query.where(oversight.case_filter(overseer))
    return list(session.scalars(query))


def _case_data(session: Session, case: Case) -> dict[str, Any]:
    instances = list(session.execute(
        select(ProcessInstance, ProcessDefinition.process_id, ProcessDefinition.version)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id)))
    streams = [f"case:{case.id}", *(f"instance:{row.id}" for row, _, _ in instances)]
    return {
        "case": {"id": case.id, "reference": case.reference, "employee": case.employee, "employer": case.employer,
                 "first_day_of_incapacity": case.first_day_of_incapacity, "parties": dict(case.parties),
                 "opened_at": case.opened_at, "opened_by": case.opened_by, "pseudonymised_at": case.pseudonymised_at},
        "incapacity_events": [{"kind": e.kind, "on": e.on, "recorded_at": e.recorded_at, "recorded_by": e.recorded_by}
                              for e in _rows(session, IncapacityEvent, IncapacityEvent.case_id == case.id)],
        "procedures": [{"id": row.id, "procedure": pid, "version": version, "state": row.state,
                        "started_at": row.started_at, "started_by": row.started_by, "ended_at": row.ended_at,
                        "ended_with": row.end_event_name} for row, pid, version in instances],
        "tasks": [_task(item) for item in _rows(session, WorkItem, WorkItem.case_id == case.id)],
        "deadlines": [_deadline(d) for d in _rows(session, Deadline, Deadline.case_id == case.id)],
        "audit_events": [_event(e) for e in session.scalars(
            select(AuditEvent).where(or_(AuditEvent.stream.in_(streams), AuditEvent.case_id == case.id))
            .order_by(AuditEvent.at, AuditEvent.id))],
        "access_log": _access_log(session, case.id),
        "documents": [_document(d) for d in _rows(session, CaseDocument, CaseDocument.case_id == case.id)],
        "comments": [{"at": c.created_at, "by": c.created_by, "task_id": c.work_item_id, "class": c.classification,
                      "text": c.body} for c in _rows(session, CaseComment, CaseComment.case_id == case.id)],
    }


def _document(row: CaseDocument) -> dict[str, Any]:
    """A document of the case as listed (its bytes are downloaded from the case file: they are no JSON)."""
    return {"id": row.id, "kind": row.kind, "letter": row.letter, "title": row.title, "filename": row.filename,
            "media_type": row.media_type, "class": row.classification, "size": row.size, "sha256": row.sha256,
            "added_at": row.created_at, "added_by": row.created_by, "task_id": row.work_item_id,
            "erased": row.storage == "erased"}


def _rows(session: Session, model: Any, condition: Any) -> list[Any]:
    return list(session.scalars(select(model).where(condition).order_by(model.id)))


def _task(item: WorkItem) -> dict[str, Any]:
    return {"id": item.id, "procedure_id": item.instance_id, "task": item.bpmn_id, "name": item.name,
            "role": item.role, "form": item.form, "state": item.state, "created_at": item.created_at,
            "ended_at": item.ended_at, "completed_by": item.completed_by, "data": item.data}


def _deadline(row: Deadline) -> dict[str, Any]:
    return {"rule": row.rule, "kind": row.kind, "legal_source": row.legal_source, "start_event": row.start_event,
            "start_on": row.start_on, "due_on": row.due_on, "state": row.state, "closed_on": row.closed_on,
            "explanation": row.explanation, "procedure_id": row.instance_id}


def _event(row: AuditEvent) -> dict[str, Any]:
    return {"stream": row.stream, "seq": row.seq, "at": row.at, "actor": row.actor, "action": row.action,
            "task": row.task, "before": row.before, "after": row.after, "redacted": row.redacted_at is not None}


def _access_log(session: Session, case_id: int) -> list[dict[str, Any]]:
    """Who read the case, when, through which surface and which classes of its data (the access log's rows)."""
    query = (select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
             .order_by(AccessLogEntry.at, AccessLogEntry.id))
    return [{"at": row.at, "username": row.username, "roles": row.roles, "surface": row.surface,
             "target": row.target, "classifications": row.classifications} for row in session.scalars(query)]
