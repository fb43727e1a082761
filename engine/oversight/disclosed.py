"""What an oversight surface shows of recorded values: the disclosure model applied to audit events.

The reader is the overseer as the case sees them (``visibility.reader``): compliance officers and admins
read ``case`` values only, an employer's own officer nothing of the coordinator track beyond the fields
marked for the employer. A value is judged by the form of the task that recorded it, with the class it
was recorded with when the work item kept one and the current form's otherwise; when two disagree the
stricter wins. A name that is not a field of that task's form (a nested act, an outside event's payload)
is judged by every form the case used: it is shown only if every one of them allows it. Names that are
no form field at all (``instance_state``, ``error``, ``reference``) are the engine's own facts and are shown,
except that a text recorded in a field the reader may not read is cut out of them too (an error message
may quote the value a script failed on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casework import disclosure, visibility
from ..casework.disclosure import FieldClass, Procedure
from ..casework.event_records import WITHHELD as WITHHELD
from ..casework.event_records import outside_event_forms as outside_event_forms
from ..store.models import Case, ProcessInstance, User, WorkItem
from ..store.repository import Loaded

QUOTED = 4
"""Withheld texts at least this long are also cut out of the engine's own messages (shorter ones are words)."""
NO_PROCEDURE = Procedure("", frozenset())
Classes = dict[str, list[FieldClass]]


@dataclass(frozen=True)
class Shown:
    """Which recorded values of one case one reader sees."""

    reader: visibility.Reader
    procedures: dict[int, Procedure] = field(default_factory=dict)
    own: dict[tuple[int, str], Classes] = field(default_factory=dict)
    every: Classes = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    """The recorded texts the reader may not read."""

    def procedure(self, instance_id: int | None) -> Procedure:
        return self.procedures.get(instance_id or 0, NO_PROCEDURE)

    def may_read(self, name: str, instance_id: int | None, task: str | None, *, nested: bool = False) -> bool:
        """Whether the value of ``name`` that ``task`` of the instance recorded may be shown (``nested``: a
        value inside another, judged by every form)."""
        procedure = self.procedure(instance_id).for_task(task)
        return all(disclosure.may_read(self.reader, c, procedure) for c in self._classes(name, instance_id, task,
                                                                                        nested))

    def redact(self, values: Any, instance_id: int | None, task: str | None, *, nested: bool = False,
               fact: bool = True) -> Any:
        """``values`` with every value the reader may not read replaced by ``WITHHELD`` (nested ones too), and
        the engine's own texts (``fact``) without the withheld texts they quote."""
        if isinstance(values, Mapping):
            return {k: self.redact(v, instance_id, task, nested=True,
                                   fact=fact and not self._classes(k, instance_id, task, nested))
                    if self.may_read(k, instance_id, task, nested=nested) else WITHHELD for k, v in values.items()}
        if isinstance(values, list):
            return [self.redact(v, instance_id, task, nested=nested, fact=fact) for v in values]
        if isinstance(values, str) and fact:
            return self.unquoted(values)
        return values

    def unquoted(self, text: str) -> str:
        """``text`` without any withheld text it quotes."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, WITHHELD)
        return text

    def _classes(self, name: str, instance_id: int | None, task: str | None, nested: bool) -> list[FieldClass]:
        """The classes of ``name``: of the task's form, else of every form (none: the engine's own fact)."""
        own = {} if nested else self.own.get((instance_id or 0, task or ""), {})
        return own.get(name) or self.every.get(name, [])


def shown(session: Session, user: User, case: Case, load: Callable[[Session, ProcessInstance], Loaded],
          event_forms: Iterable[Mapping[str, Any]]) -> Shown:
    """What ``user`` sees of the values recorded in ``case``: ``load`` gives an instance's deployed version,
    ``event_forms`` are the forms of outside events (their payloads reach the case and its instances)."""
    procedures: dict[int, Procedure] = {}
    schemas: dict[int, dict[str, dict]] = {}
    for row in session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)):
        loaded = load(session, row)
        procedures[row.id] = disclosure.procedure_for(loaded)
        schemas[row.id] = loaded.forms
    own: dict[tuple[int, str], Classes] = {}
    items = list(session.scalars(select(WorkItem).where(WorkItem.case_id == case.id)))
    for item in items:
        schema = schemas.get(item.instance_id, {}).get(item.form or "", {})
        recorded = item.classifications
        _add(own.setdefault((item.instance_id, item.bpmn_id), {}), _classes(schema, recorded))
    every: Classes = {}
    for form in _all(event_forms, schemas):
        _add(every, _classes(form, None))
    judged = Shown(visibility.of_user(user, case), procedures, own, every)
    secrets = {text for item in items for name, value in (item.data or {}).items()
               if not judged.may_read(name, item.instance_id, item.bpmn_id)
               for text in _texts(value, _spec(schemas, item, name))}
    return replace(judged, secrets=frozenset(secrets))


def _spec(schemas: dict[int, dict[str, dict]], item: WorkItem, name: str) -> Mapping[str, Any]:
    return schemas.get(item.instance_id, {}).get(item.form or "", {}).get("properties", {}).get(name, {})


def _texts(value: Any, spec: Mapping[str, Any]) -> list[str]:
    """The free texts in a recorded value (in its rows too) long enough to be told apart from words; never a
    choice, a date or a number, which other fields may hold as well."""
    if isinstance(value, list):
        return [text for v in value for text in _texts(v, spec.get("items", {}))]
    if isinstance(value, Mapping):
        return [text for k, v in value.items() for text in _texts(v, spec.get("properties", {}).get(k, {}))]
    free = spec.get("type") == "string" and not {"enum", "const", "format"} & set(spec)
    return [value] if free and isinstance(value, str) and len(value) >= QUOTED else []


def _all(event_forms: Iterable[Mapping[str, Any]], schemas: dict[int, dict[str, dict]]) -> list[Mapping[str, Any]]:
    return [*event_forms, *(schema for forms in schemas.values() for schema in forms.values())]


def _classes(schema: Mapping[str, Any], recorded: Mapping[str, Any] | None) -> Classes:
    """Each field's current class, and the one it was recorded with when that differs."""
    found: Classes = {name: [disclosure.class_of(name, schema, None)] for name in schema.get("properties", {})}
    for name in recorded or {}:
        _add(found, {name: [disclosure.class_of(name, schema, recorded)]})
    return found


def _add(into: Classes, classes: Classes) -> None:
    for name, found in classes.items():
        known = into.setdefault(name, [])
        known.extend(c for c in found if c not in known)
