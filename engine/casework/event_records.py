"""Audit events as people read them: who did it (by display name), when, on which task or event, and what was
recorded, each value with its form's labels and typed (dates as dates, choices with their labels).

The web layer turns each record into one sentence in the reader's language. Records are built from values
already redacted for their reader: a value withheld (``WITHHELD``) stays withheld here, with its label only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import ProcessInstance, User, WorkItem
from ..store.repository import Loaded
from ..wiring import ROOT

WITHHELD = "[value withheld]"
DECISION_FIELDS = ("decision", "outcome")
"""A recorded choice under one of these names is the decision the event's sentence names."""
DATA_KINDS = frozenset({"task_completed", "late_act_recorded", "message_received", "message_not_waiting"})
"""The kinds whose recorded values are form data; the others record the engine's own facts."""
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class RecordedValue:
    """One value an event recorded, with its field's labels (nl/fr/en); ``choice_labels`` label a choice and
    ``columns`` the columns of a list of rows (each ``{"labels": …, "choices": …}``)."""

    name: str
    labels: dict
    value: object
    before: object = None
    has_before: bool = False
    choice_labels: dict | None = None
    columns: dict = field(default_factory=dict)
    is_withheld: bool = False


@dataclass(frozen=True)
class EventRecord:
    """One audit event as a sentence needs it. ``actor`` is the person's display name (``is_person`` False
    for the scheduler or the system), ``task_name`` the diagram's English name of the task (a key for its
    translations), ``event_titles`` an outside event's titles, ``facts`` the engine's own typed facts."""

    kind: str
    actor: str
    is_person: bool
    at: datetime
    task: str | None
    task_name: str | None
    event_titles: dict
    values: tuple[RecordedValue, ...]
    facts: dict

    @property
    def decision(self) -> RecordedValue | None:
        """The decision this event recorded, when it recorded one the reader may read."""
        return next((v for v in self.values if v.name in DECISION_FIELDS and not v.is_withheld
                     and v.choice_labels is not None), None)


@dataclass(frozen=True)
class Reading:
    """What turns one case's events into records: people's display names, element names, forms by task."""

    people: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    forms: dict[tuple[int, str], dict] = field(default_factory=dict)
    every_form: tuple[dict, ...] = ()
    events: Mapping[str, Any] = field(default_factory=dict)

    def record(self, kind: str, actor: str, at: datetime, instance_id: int | None, task: str | None,
               before: Mapping | None, after: Mapping | None) -> EventRecord:
        """The record of one event whose values were already redacted for the reader."""
        before, after = dict(before or {}), dict(after or {})
        event = self.events.get(task or "") if kind.startswith("message_") else None
        schema = self._form(instance_id, task, event)
        data = after.pop("data", {}) if kind == "started" and isinstance(after.get("data"), dict) else None
        facts = {k: _typed(v) for k, v in after.items() if kind not in DATA_KINDS or k == "instance_state"}
        recorded = after if kind in DATA_KINDS else (data or {})
        names = list(recorded) + [n for n in before if n not in recorded and kind in DATA_KINDS]
        order = {name: n for n, name in enumerate(schema.get("x-order", []))}
        values = tuple(self._value(name, recorded, before, schema)
                       for name in sorted(names, key=lambda name: order.get(name, len(order)))
                       if name != "instance_state" and (recorded.get(name) is not None or before.get(name) is not None))
        return EventRecord(kind, self.people.get(actor, actor), actor in self.people or actor not in _ENGINE,
                           at, task, self.names.get(task or ""), dict(getattr(event, "titles", None) or {}), values,
                           self._named(facts))

    def _form(self, instance_id: int | None, task: str | None, event: Any) -> dict:
        if event is not None:
            return next((f for f in self.every_form if f.get("x-event") == event.message), {}) or {}
        return self.forms.get((instance_id or 0, task or ""), {})

    def _value(self, name: str, after: Mapping, before: Mapping, schema: Mapping) -> RecordedValue:
        spec = schema.get("properties", {}).get(name) or self._spec(name)
        value = after.get(name)
        if value == WITHHELD:
            return RecordedValue(name, dict(spec.get("x-label") or {}), None, is_withheld=True)
        choice = (spec.get("x-choice-labels") or {}).get(str(value)) if "enum" in spec else None
        return RecordedValue(name, dict(spec.get("x-label") or {}), _typed(value, spec), _typed(before.get(name), spec),
                             before.get(name) is not None, choice, _columns(spec))

    def _spec(self, name: str) -> dict:
        """The field ``name`` of the first form that has it (empty when none has)."""
        return next((f["properties"][name] for f in self.every_form if name in f.get("properties", {})), {})

    def _named(self, facts: dict) -> dict:
        """Facts naming elements or fields get their names: fired timers, the fields of a medical read (each as
        its name and labels)."""
        if isinstance(facts.get("fired"), list):
            facts["fired"] = [self.names.get(t, t) for t in facts["fired"]]
        if isinstance(facts.get("work_items"), dict):
            names = dict.fromkeys(n for found in facts["work_items"].values() for n in found)
            facts["work_items"] = [(n, dict(self._spec(n).get("x-label") or {})) for n in names]
        return facts


_ENGINE = frozenset({"scheduler", "system"})


def _columns(spec: Mapping) -> dict:
    """The labels of each column of a list of rows, and of its choices."""
    rows = (spec.get("items") or {}).get("properties", {}) if spec.get("type") == "array" else {}
    return {c: {"labels": dict(s.get("x-label") or {}), "choices": dict(s.get("x-choice-labels") or {})}
            for c, s in rows.items()}


def _typed(value: Any, spec: Mapping | None = None) -> Any:
    """A recorded value typed: ISO dates and instants become ``date`` and ``datetime``, rows and lists keep
    their shape with their cells typed."""
    spec = spec or {}
    if isinstance(value, list):
        return [_typed(v, spec.get("items") or {}) for v in value]
    if isinstance(value, dict):
        cells = spec.get("properties") or {}
        return {k: _typed(v, cells.get(k)) for k, v in value.items()}
    if isinstance(value, str) and (_DAY.match(value) or _INSTANT.match(value)):
        return _when(value)
    return value


def _when(text: str) -> date | datetime | str:
    """An ISO day or instant as a ``date`` or ``datetime``; a text that only looks like one stays text."""
    parse = date.fromisoformat if _DAY.match(text) else datetime.fromisoformat
    try:
        return parse(text)
    except ValueError:
        return text


def reading(session: Session, case_id: int, load: Callable[[Session, ProcessInstance], Loaded],
            actors: Iterable[str], events: Mapping[str, Any]) -> Reading:
    """How to read the events of a case: its instances' element names and forms, the outside events' forms
    and titles, and the display names of ``actors`` that are accounts."""
    names: dict[str, str] = {}
    schemas: dict[int, dict[str, dict]] = {}
    for row in session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case_id)):
        loaded = load(session, row)
        schemas[row.id] = loaded.forms
        for spec in [loaded.spec, *loaded.subprocess_specs.values()]:
            names.update({s.bpmn_id: s.bpmn_name or s.bpmn_id for s in spec.task_specs.values()
                          if getattr(s, "bpmn_id", None)})
    forms = {(item.instance_id, item.bpmn_id): schemas.get(item.instance_id, {}).get(item.form or "", {})
             for item in session.scalars(select(WorkItem).where(WorkItem.case_id == case_id))}
    messages = [message for message, event in events.items() if event.form]
    outside = [{**form, "x-event": message} for message, form in zip(messages, outside_event_forms(events),
                                                                       strict=True)]
    every = tuple([*outside, *(f for forms_of in schemas.values() for f in forms_of.values())])
    return Reading(people(session, actors), names, forms, every, events)


def people(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The display names of the accounts among ``usernames``."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return dict(session.execute(select(User.username, User.display_name).where(User.username.in_(wanted))).all())


def outside_event_forms(events: Mapping[str, Any]) -> list[dict]:
    """The forms of the outside events (``processes/events.toml``) by the engine's ``events``."""
    return [json.loads((ROOT / "forms" / e.form).read_text(encoding="utf-8")) for e in events.values() if e.form]
