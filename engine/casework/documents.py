"""The documents and decisions of a case: what its completed work items recorded, as one reader may see it.

Each reader sees the fields the disclosure model lets them read (``disclosure.shown_fields``: by the class
recorded with each value and the procedure that recorded it); the others are counted, never shown. When
a reader is shown medical values, the read is audited on the case's stream (which fields of which work
items, never the values).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..runtime import verdicts
from ..store import audit, views
from ..store.models import Case, ProcessDefinition, ProcessInstance, User, WorkItem
from ..store.repository import Loaded
from . import disclosure, event_records, visibility
from .visibility import Reader

FormsOf = Callable[[Session, ProcessInstance], Loaded]


def documents(session: Session, forms_of: FormsOf, reader: User, now: datetime, *, case_id: int,
              instance_id: int | None = None) -> tuple[views.Document, ...]:
    """The completed work items of a case (or of one instance) with data, oldest first, redacted for ``reader``."""
    query = (select(WorkItem, ProcessInstance, ProcessDefinition.process_id)
             .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
             .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(WorkItem.case_id == case_id, WorkItem.state == "completed", WorkItem.data.is_not(None))
             .order_by(WorkItem.ended_at, WorkItem.id))
    if instance_id is not None:
        query = query.where(WorkItem.instance_id == instance_id)
    case = session.get(Case, case_id)
    if case is None:
        return ()
    who = visibility.of_user(reader, case)
    found = [(item, process_id, forms_of(session, row)) for item, row, process_id in session.execute(query)]
    names = event_records.people(session, {item.completed_by for item, _, _ in found if item.completed_by})
    result = tuple(replace(document, completed_by_name=names.get(item.completed_by or "", item.completed_by))
                   for item, process_id, loaded in found
                   if (document := _document(item, process_id, loaded, who, item.role in reader.roles)).fields
                   or not disclosure.hides_empty(who, disclosure.procedure_for(loaded).for_task(item.bpmn_id)))
    _audit_medical_read(session, result, reader, now, case_id)
    return result


def _document(item: WorkItem, process_id: str, loaded: Loaded, reader: Reader, is_mine: bool) -> views.Document:
    schema = loaded.forms.get(item.form or "", {})
    properties, data = schema.get("properties", {}), item.data or {}
    order = [n for n in schema.get("x-order", []) if n in data]
    if not properties:
        order += sorted(set(data) - set(order))
    readable = set(disclosure.shown_fields(reader, item, schema, disclosure.procedure_for(loaded)))
    shown = tuple(_field(name, properties.get(name, {}), data[name], disclosure.class_of(name, schema,
                                                                                      item.classifications))
                  for name in order if name in readable)
    return views.Document(item.id, item.instance_id, process_id, item.bpmn_id, item.name,
                          dict(schema.get("x-title") or {}), item.completed_by, item.ended_at, shown,
                          len(order) - len(shown), is_mine and item.bpmn_id in _confirmations(loaded))


def _confirmations(loaded: Loaded) -> frozenset[str]:
    return verdicts.confirmation_tasks([loaded.spec, *loaded.subprocess_specs.values()])


def _field(name: str, spec: dict, value: object, kept: disclosure.FieldClass) -> views.DocumentField:
    labels = (spec.get("x-choice-labels") or {}).get(str(value)) if "enum" in spec else None
    rows = (spec.get("items") or {}).get("properties", {}) if spec.get("type") == "array" else {}
    columns = {column: {"labels": dict(c.get("x-label") or {}), "choices": dict(c.get("x-choice-labels") or {})}
               for column, c in rows.items()}
    return views.DocumentField(name, dict(spec.get("x-label") or {}), value, kept.classification == "medical",
                               labels, kept.classification, kept.for_employer, columns)


def _audit_medical_read(session: Session, shown: tuple[views.Document, ...], reader: User, now: datetime,
                        case_id: int) -> None:
    read = {str(d.work_item_id): [f.name for f in d.fields if f.is_medical] for d in shown}
    read = {key: names for key, names in read.items() if names}
    if read:
        audit.append(session, f"case:{case_id}", at=now, actor=reader.username, action="medical_data_read",
                     case_id=case_id, after={"work_items": read})
