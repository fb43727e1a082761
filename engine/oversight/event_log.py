"""Event logs for process mining: one event per completed task, as CSV or IEEE 1849-2016 XES.

The log carries who did which task when, never a data value, so nothing medical can leak into it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..law import calendar
from ..store.models import Case, Migration, ProcessDefinition, ProcessInstance, WorkItem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection); it gets a leading quote."""
CSV_HEADER = ("case_id", "activity", "timestamp", "role", "resource", "process_id", "version")
XES_EXTENSIONS = (("Concept", "concept"), ("Time", "time"), ("Organizational", "org"), ("Lifecycle", "lifecycle"))


@dataclass(frozen=True)
class LogEvent:
    """One task completion: ``case_id`` is the case reference, ``activity`` the task's name as it was when done,
    ``version`` the version of the procedure it ran on."""

    case_id: str
    activity: str
    task: str
    timestamp: datetime
    role: str
    resource: str
    process_id: str
    version: int


@dataclass(frozen=True)
class Filters:
    """Which completions a log holds: a procedure, an employer, completion dates (Brussels, inclusive)."""

    process_id: str | None = None
    organisation: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict:
        return {"process_id": self.process_id, "organisation": self.organisation,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None}


def log_events(session: Session, scope: Any, filters: Filters) -> list[LogEvent]:
    """The completed tasks of the cases matching ``scope`` (a condition on ``Case``) and ``filters``."""
    query = (select(WorkItem, Case.reference, ProcessDefinition.process_id, ProcessDefinition.version)
             .join(Case, WorkItem.case_id == Case.id)
             .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
             .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
             .where(WorkItem.state == "completed", WorkItem.ended_at.is_not(None), scope))
    for condition in _conditions(filters):
        query = query.where(condition)
    rows = list(session.execute(query.order_by(Case.reference, WorkItem.ended_at, WorkItem.id)))
    ran_on = _versions_ran_on(session, {item.instance_id for item, *_ in rows})
    return [_event_of(item, reference, process_id, ran_on(item, version))
            for item, reference, process_id, version in rows]


def _versions_ran_on(session: Session, instance_ids: set[int]) -> Callable[[WorkItem, int], int]:
    """The version each completion ran on: an instance migrated later ran its earlier tasks on the version it
    left (the first move after the completion says which), a revert being a move back."""
    moves: dict[int, list[tuple[datetime, int]]] = {}
    for m in session.scalars(select(Migration).where(Migration.instance_id.in_(instance_ids))):
        moves.setdefault(m.instance_id, []).append((m.migrated_at, m.from_definition_id))
        if m.reverted_at is not None:
            moves[m.instance_id].append((m.reverted_at, m.to_definition_id))
    wanted = {definition for found in moves.values() for _, definition in found}
    versions = {row.id: row.version for row in session.execute(
        select(ProcessDefinition.id, ProcessDefinition.version).where(ProcessDefinition.id.in_(wanted)))}

    def ran_on(item: WorkItem, current: int) -> int:
        later = sorted(move for move in moves.get(item.instance_id, ()) if item.ended_at and move[0] > item.ended_at)
        return versions[later[0][1]] if later else current

    return ran_on


def _event_of(item: WorkItem, reference: str, process_id: str, version: int) -> LogEvent:
    assert item.ended_at is not None
    return LogEvent(reference, item.name, item.bpmn_id, item.ended_at, item.role or "", item.completed_by or "",
                    process_id, version)


def _conditions(filters: Filters) -> list[Any]:
    conditions = []
    if filters.process_id:
        conditions.append(ProcessDefinition.process_id == filters.process_id)
    if filters.organisation:
        conditions.append(Case.employer == filters.organisation)
    if filters.date_from:
        conditions.append(WorkItem.ended_at >= calendar.day_start(filters.date_from))
    if filters.date_to:
        conditions.append(WorkItem.ended_at < calendar.day_start(filters.date_to + timedelta(days=1)))
    return conditions


def to_csv(events: list[LogEvent]) -> str:
    """The log as RFC 4180 CSV with ``CSV_HEADER``; timestamps are ISO 8601 in UTC; no cell reads as a formula.

    Rows end in CRLF, so a cell holding a line break of either kind is quoted and stays one cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in events:
        writer.writerow([inert(cell) for cell in (e.case_id, e.activity, e.timestamp.isoformat(), e.role, e.resource,
                                                  e.process_id, e.version)])
    return out.getvalue()


def inert(value: object) -> str:
    """The cell's text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_xes(events: list[LogEvent]) -> bytes:
    """The log as IEEE 1849-2016 XES: one trace per case, each completion a ``complete`` event."""
    log = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "nested-attributes",
                             "xmlns": "http://www.xes-standard.org/"})
    for name, prefix in XES_EXTENSIONS:
        ET.SubElement(log, "extension", {"name": name, "prefix": prefix,
                                         "uri": f"http://www.xes-standard.org/{prefix}.xesext"})
    _header(log)
    for case_id, case_events in groupby(sorted(events, key=lambda e: (e.case_id, e.timestamp)), lambda e: e.case_id):
        trace = ET.SubElement(log, "trace")
        _attribute(trace, "string", "concept:name", case_id)
        for event in case_events:
            _xes_event(trace, event)
    ET.indent(log)
    return ET.tostring(log, encoding="utf-8", xml_declaration=True)


def _header(log: ET.Element) -> None:
    trace_globals = ET.SubElement(log, "global", {"scope": "trace"})
    _attribute(trace_globals, "string", "concept:name", "__INVALID__")
    event_globals = ET.SubElement(log, "global", {"scope": "event"})
    _attribute(event_globals, "string", "concept:name", "__INVALID__")
    _attribute(event_globals, "date", "time:timestamp", "1970-01-01T00:00:00+00:00")
    _attribute(event_globals, "string", "lifecycle:transition", "complete")
    ET.SubElement(log, "classifier", {"name": "Activity", "keys": "concept:name"})
    ET.SubElement(log, "classifier", {"name": "Activity and lifecycle", "keys": "concept:name lifecycle:transition"})
    ET.SubElement(log, "classifier", {"name": "Resource", "keys": "org:resource"})
    _attribute(log, "string", "concept:name", "Reintegra task completions")


def _xes_event(trace: ET.Element, event: LogEvent) -> None:
    element = ET.SubElement(trace, "event")
    _attribute(element, "string", "concept:name", event.activity)
    _attribute(element, "date", "time:timestamp", event.timestamp.isoformat(timespec="milliseconds"))
    _attribute(element, "string", "lifecycle:transition", "complete")
    _attribute(element, "string", "org:role", event.role)
    _attribute(element, "string", "org:resource", event.resource)
    _attribute(element, "string", "task", event.task)
    _attribute(element, "string", "process", event.process_id)
    _attribute(element, "int", "version", str(event.version))


def _attribute(parent: ET.Element, kind: str, key: str, value: str) -> None:
    ET.SubElement(parent, kind, {"key": key, "value": value})
