"""Pseudonymising one closed case past its retention: its people and free text go, its dates and verdicts stay.

What is replaced by ``[pseudonymised]``: the worker's name and the person accounts of the case (the worker,
the treating physician) wherever they appear as a value or an actor; in every work item, each string field
that is not a choice, a date or a number (by the form it was recorded with; without a form, every string
that is not an ISO date), which removes a document's content and keeps its metadata (task, who by role,
when); the same values where the workflow state and the audit events carry them. The case reference becomes
``P-`` and a digest of the case id: stable, and it tells nothing. Deadline rows are not touched. Letters and files
lose their content, comments their text, and the case's notifications go (``paper_erasure``).

The audit trail stays verifiable: a redacted event keeps its hash (which covers the digest of its original
payload, ``audit.payload_digest``); the case's ``case_pseudonymised`` event lists the redacted events, and one
``instance_pseudonymised`` event per instance saves the new hashes of its rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..casework import form_drafts
from ..store import audit, row_hashes, search_text
from ..store.models import AuditEvent, Case, IncapacityEvent, ProcessInstance, WorkItem
from . import paper_erasure

MARK = "[pseudonymised]"
PERSON_PARTIES = ("employee_account", "treating_physician_account")
PSEUDONYM_KEY = b"reintegra case pseudonym"
WORKFLOW_DATA = frozenset({"data", "delta", "internal_data"})
FormsOf = Callable[[ProcessInstance], dict[str, dict]]


def pseudonym(case_id: int) -> str:
    """The stable reference a pseudonymised case gets."""
    return "P-" + hmac.new(PSEUDONYM_KEY, str(case_id).encode(), hashlib.sha256).hexdigest()[:12].upper()


class Scrubber:
    """What one case's pseudonymisation removes: the people (names, accounts) and each free text it met."""

    def __init__(self, case: Case) -> None:
        self.people = {v for v in (case.employee, *(case.parties.get(k) for k in PERSON_PARTIES)) if v}
        self.names = {case.employee} if len(case.employee) > 2 else set()
        self.removed: set[str] = set(self.people) | {case.reference}
        self.unredactable = 0

    def person(self, value: str) -> str:
        return MARK if value in self.people else value

    def maybe_person(self, value: str | None) -> str | None:
        return None if value is None else self.person(value)

    def by_form(self, value: Any, spec: dict | None) -> Any:
        """A value recorded through a form field: free text goes, and is remembered to be found elsewhere."""
        if isinstance(value, dict):
            properties = (spec or {}).get("properties", {})
            return {k: self.by_form(v, properties.get(k) if spec else None) for k, v in value.items()}
        if isinstance(value, list):
            return [self.by_form(v, (spec or {}).get("items") if spec else None) for v in value]
        if not isinstance(value, str) or not value or _is_kept(value, spec):
            return value
        self.removed.add(value)
        return MARK

    def known(self, value: Any) -> Any:
        """Any value: the strings already removed (or that contain the worker's name) go, the rest stays.

        Accounts go only as whole values: a short username inside another word is no name.
        """
        if isinstance(value, dict):
            return {k: self.known(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.known(v) for v in value]
        if isinstance(value, str) and (value in self.removed or any(name in value for name in self.names)):
            return MARK
        return value

    def workflow_data(self, value: Any) -> Any:
        """A serialized workflow: only the data it carries (task data and deltas) is scrubbed, not its structure."""
        if isinstance(value, dict):
            return {k: self.known(v) if k in WORKFLOW_DATA else self.workflow_data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.workflow_data(v) for v in value]
        return value


def _is_kept(value: str, spec: dict | None) -> bool:
    if spec is not None:
        return "enum" in spec or spec.get("format") in ("date", "date-time", "time") or spec.get("type") in (
            "number", "integer", "boolean")
    return _is_iso_date(value)


def _is_iso_date(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False


def pseudonymise(session: Session, case: Case, forms_of: FormsOf, *, at: datetime, actor: str,
                 facts: dict[str, Any]) -> set[str]:
    """Pseudonymise ``case`` in the session and audit it (the caller commits); the digests of document files the
    documents directory no longer needs once the caller has committed (``paper_erasure``)."""
    scrub = Scrubber(case)
    instances = list(session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)
                                     .order_by(ProcessInstance.id)))
    items = {row.id: _scrub_items(session, row, forms_of(row), scrub) for row in instances}
    for row in instances:
        row.state_json = json.dumps(scrub.workflow_data(json.loads(row.state_json))) if row.state_json else ""
        row.started_by = scrub.person(row.started_by)
    for event in session.scalars(select(IncapacityEvent).where(IncapacityEvent.case_id == case.id)):
        event.recorded_by = scrub.person(event.recorded_by)
    redacted = _redact_events(session, case, [row.id for row in instances], scrub, at)
    form_drafts.discard_of_case(session, case.id)
    digests = paper_erasure.erase(session, case.id, scrub.person)
    _scrub_case(case, scrub, at)
    session.flush()
    for row in instances:
        saved = {f"{row_hashes.WORK_ITEM}:{item.id}": row_hashes.of_work_item(item) for item in items[row.id]}
        audit.append(session, f"instance:{row.id}", at=at, actor=actor, action="instance_pseudonymised",
                     case_id=case.id, instance_id=row.id, saved_rows=saved)
    audit.append(session, f"case:{case.id}", at=at, actor=actor, action=audit.PSEUDONYMISED, case_id=case.id,
                 after={**facts, "reference": case.reference, "instances": [row.id for row in instances],
                        "work_items": sum(len(v) for v in items.values()), "redacted_events": redacted,
                        "events_left_in_first_format": scrub.unredactable})
    return paper_erasure.unused_files(session, digests)


def _scrub_items(session: Session, row: ProcessInstance, forms: dict[str, dict], scrub: Scrubber) -> list[WorkItem]:
    items = list(session.scalars(select(WorkItem).where(WorkItem.instance_id == row.id).order_by(WorkItem.id)))
    for item in items:
        if item.data is not None:
            item.data = scrub.by_form(dict(item.data), forms.get(item.form or "") or None)
        item.completed_by, item.assignee = scrub.maybe_person(item.completed_by), scrub.maybe_person(item.assignee)
    return [item for item in items if item.state == "completed"]


def _redact_events(session: Session, case: Case, instance_ids: list[int], scrub: Scrubber, at: datetime) -> list[int]:
    streams = [f"case:{case.id}", *(f"instance:{i}" for i in instance_ids)]
    query = (select(AuditEvent).where(or_(AuditEvent.case_id == case.id, AuditEvent.stream.in_(streams)))
             .order_by(AuditEvent.id))
    redacted = []
    for event in session.scalars(query):
        if event.payload_digest is None:  # first format (a stream 0016 found broken): its hash covers the data
            scrub.unredactable += 1
            continue
        actor, before, after = scrub.person(event.actor), scrub.known(event.before), scrub.known(event.after)
        if (actor, before, after) != (event.actor, event.before, event.after):
            event.actor, event.before, event.after, event.redacted_at = actor, before, after, at
            redacted.append(event.id)
    return redacted


def _scrub_case(case: Case, scrub: Scrubber, at: datetime) -> None:
    case.reference, case.employee = pseudonym(case.id), MARK
    case.parties = {k: MARK if k in PERSON_PARTIES else v for k, v in case.parties.items()}
    case.opened_by = scrub.person(case.opened_by)
    case.pseudonymised_at = at
    case.search_text = search_text.of_case(case.reference, case.employee, case.employer)
