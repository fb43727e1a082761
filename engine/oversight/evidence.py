"""Evidence for an inspector or a court: one case's history with its hash chains, without the values its
reader may not read (``disclosed``: an overseer reads the ``case`` values, the facts and dates verdicts need).

A pack holds the case, its instances, every audit event of the case's and its instances' streams, the
deadline rows with their verdicts, whether each chain is intact and, when checkpoints are kept, whether the
database still matches the newest one. Every export is audited in the ``compliance`` stream. The process-mining
event log is built by ``event_log``; checkpoints of the audit chains outside the database by ``anchors``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..casework import event_records, withheld
from ..errors import NotAllowed, NotFound
from ..store import access_log, anchors, audit, queries, views
from ..store.anchors import AnchorCheck, AnchorStore, Checkpoint
from ..store.models import AuditEvent, Bundle, Case, ProcessDefinition, ProcessInstance, User
from ..wiring import Wiring
from . import disclosed
from . import scope as oversight
from .event_log import Filters, LogEvent, log_events, to_csv, to_xes

WITHHELD = disclosed.WITHHELD


@dataclass(frozen=True)
class EvidenceCase:
    """The case as the pack names it."""

    id: int
    reference: str
    employer: str
    employee: str
    first_day_of_incapacity: date
    parties: dict


@dataclass(frozen=True)
class EvidenceInstance:
    """One procedure run for the case, pinned to a version whose bundle has ``content_hash``, and the end it reached."""

    id: int
    process_id: str
    version: int
    content_hash: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    end_event: str | None
    end_event_name: str | None


@dataclass(frozen=True)
class EvidenceEvent:
    """One audit event with its place in its chain; values withheld from the reader are ``WITHHELD``."""

    stream: str
    seq: int
    at: datetime
    actor: str
    action: str
    task: str | None
    before: dict
    after: dict
    prev_hash: str
    hash: str
    record: event_records.EventRecord | None = None
    """The event as a sentence needs it (left out of the JSON file, which keeps the values as recorded)."""


@dataclass(frozen=True)
class ChainCheck:
    """The verification of one stream's hash chain."""

    stream: str
    is_intact: bool
    events_checked: int
    broken: str | None


@dataclass(frozen=True)
class EvidencePack:
    """Everything an inspector needs about one case, and when and by whom it was produced."""

    case: EvidenceCase
    instances: tuple[EvidenceInstance, ...]
    events: tuple[EvidenceEvent, ...]
    deadlines: tuple[views.DeadlineView, ...]
    chains: tuple[ChainCheck, ...]
    produced_at: datetime
    produced_by: str
    anchor: AnchorCheck | None = None

    @property
    def is_intact(self) -> bool:
        return all(c.is_intact for c in self.chains) and (self.anchor is None or self.anchor.is_intact)


class Evidence(Wiring):
    """Exports for overseers (mixed into ``Engine``): evidence packs, process-mining event logs, checkpoints."""

    def evidence_pack(self, case_id: int, *, user_id: int, store: AnchorStore | None = None) -> EvidencePack:
        """The evidence pack of a case the user oversees; ``NotAllowed`` for a non-overseer, ``NotFound``
        for a case outside their scope. With ``store``, the case's streams are also compared with its newest
        checkpoint. Audited in the ``compliance`` stream."""
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            case = _overseen(session, user, queries.get(session, Case, case_id, "case"))
            event_forms = disclosed.outside_event_forms(self.events)
            shown = disclosed.shown(session, user, case, self._loaded, event_forms)
            hidden = withheld.hidden_to_overseer(session, case.id, user)
            read = partial(event_records.reading, session, case.id, self._loaded, events=self.events)
            pack = _anchored(session, _pack(session, case, shown, now, user.username, hidden, read), store)
            audit.append(session, "compliance", at=now, actor=user.username, action="evidence_exported",
                         case_id=case.id, after={"reference": case.reference, "events": len(pack.events)})
            access_log.record(session, user, case.id, "evidence", None, lambda: _classes(session, pack, event_forms),
                              at=now)
            session.commit()
        return pack

    def overseen_case(self, reference: str, *, user_id: int) -> views.CaseView:
        """The case with this reference, when the user oversees it; ``NotFound`` otherwise."""
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            case = session.scalar(select(Case).where(Case.reference == reference))
            if case is None:
                raise NotFound(f"case '{reference}' does not exist")
            return queries.case_view(_overseen(session, user, case))

    def overseen_employers(self, *, user_id: int) -> list[str]:
        """The employers of the cases the user oversees, sorted; ``NotAllowed`` for a non-overseer."""
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            return list(session.scalars(select(Case.employer).where(oversight.case_filter(user))
                                        .distinct().order_by(Case.employer)))

    def event_log(self, *, user_id: int, process_id: str | None = None, organisation: str | None = None,
                  date_from: date | None = None, date_to: date | None = None,
                  export_format: str = "csv") -> list[LogEvent]:
        """One event per completed task in the user's scope, without any data value. Audited; each case in it is
        logged in the access log as read on ``export`` (target ``export_format``)."""
        filters = Filters(process_id, organisation, date_from, date_to)
        with self.database.unit_of_work() as session:
            user = oversight.require_overseer(session, user_id)
            events = log_events(session, and_(oversight.case_filter(user), withheld.visible_condition(user)), filters)
            audit.append(session, "compliance", at=self.clock.now(), actor=user.username,
                         action="event_log_exported", after={**filters.as_dict(), "events": len(events)})
            shown = session.scalars(select(Case.id).where(Case.reference.in_({e.case_id for e in events})))
            access_log.record_each(session, user, shown, "export", export_format, ["case"], at=self.clock.now())
            session.commit()
        return events

    def checkpoint_audit(self, store: AnchorStore, *, actor: str = "system") -> Checkpoint:
        """Write every audit stream's head (count and last hash) to a new signed file in ``store.directory``.

        Taken by the timer worker periodically and by ``reintegra audit checkpoint``; ``NotAllowed`` for a
        key that is too short. Audited in the ``audit`` stream (after the heads were read).
        """
        _require_key(store)
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            checkpoint = anchors.write(session, store, now)
            audit.append(session, "audit", at=now, actor=actor, action="audit_checkpointed",
                         after={"file": checkpoint.path.name, "streams": checkpoint.streams,
                                "sha256": checkpoint.sha256})
            session.commit()
        return checkpoint

    def verify_anchor(self, path: Path, key: bytes, *, actor: str = "system") -> AnchorCheck:
        """Compare every stream with the checkpoint in ``path``: a stream that is gone, has fewer events, or
        another hash at the anchored event is broken; a file altered or signed with another key too. Audited."""
        with self.database.unit_of_work() as session:
            result = anchors.check(session, path, key)
            audit.append(session, "audit", at=self.clock.now(), actor=actor, action="anchor_verified",
                         after={"file": result.anchor, "intact": result.is_intact, "broken": result.broken})
            session.commit()
        return result

    @staticmethod
    def evidence_json(pack: EvidencePack) -> tuple[str, str]:
        """The pack as stable JSON (sorted keys, ISO dates) and the SHA-256 of that text."""
        data = asdict(pack)
        for event in data["events"]:
            del event["record"]
        text = json.dumps({**data, "is_intact": pack.is_intact}, default=_iso, sort_keys=True,
                          indent=2, ensure_ascii=False)
        return text, hashlib.sha256(text.encode("utf-8")).hexdigest()

    @staticmethod
    def event_log_csv(events: list[LogEvent]) -> str:
        """The event log as CSV: case_id, activity, timestamp, role, resource, process_id, version."""
        return to_csv(events)

    @staticmethod
    def event_log_xes(events: list[LogEvent]) -> bytes:
        """The event log as IEEE 1849-2016 XES, one trace per case."""
        return to_xes(events)


def _classes(session: Session, pack: EvidencePack, event_forms: list[dict]) -> set[str]:
    """The classes of the values the pack shows: the case's facts and every value not withheld."""
    hashes = {i.content_hash for i in pack.instances}
    schemas = [s for b in session.scalars(select(Bundle).where(Bundle.hash.in_(hashes))) for s in b.forms.values()]
    names = {name for e in pack.events for values in (e.before, e.after) for name, value in values.items()
             if value != disclosed.WITHHELD}
    return {"case"} | access_log.classes_of(schemas + event_forms, names)


def _require_key(store: AnchorStore) -> None:
    problem = store.key_problem()
    if problem:
        raise NotAllowed(problem)


def _anchored(session: Session, pack: EvidencePack, store: AnchorStore | None) -> EvidencePack:
    """The pack with its streams compared to the newest checkpoint (none without a store or a checkpoint)."""
    latest = store.latest() if store is not None and store.key_problem() is None else None
    if store is None or latest is None:
        return pack
    return replace(pack, anchor=anchors.check(session, latest, store.key, [c.stream for c in pack.chains]))


def _overseen(session: Session, user: User, case: Case) -> Case:
    scope = oversight.employers(user)
    if scope is not None and case.employer not in scope:
        raise NotFound(f"case {case.id} does not exist")
    return case


def _pack(session: Session, case: Case, shown: disclosed.Shown, now: datetime, producer: str,
          hidden: set[int], read: Callable[..., event_records.Reading]) -> EvidencePack:
    """The pack; the ``hidden`` instances (withheld from an employer's officer) are left out everywhere."""
    rows = session.execute(select(ProcessInstance, ProcessDefinition)
                           .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
                           .where(ProcessInstance.case_id == case.id, ProcessInstance.id.not_in(hidden))
                           .order_by(ProcessInstance.id)).all()
    instances = tuple(EvidenceInstance(i.id, d.process_id, d.version, d.bundle_hash, i.state, i.started_at,
                                       i.ended_at, i.end_event, i.end_event_name) for i, d in rows)
    streams = [f"case:{case.id}"] + [f"instance:{i.id}" for i in instances]
    return EvidencePack(
        case=EvidenceCase(case.id, case.reference, case.employer, case.employee, case.first_day_of_incapacity,
                          dict(case.parties)),
        instances=instances,
        events=tuple(_events(session, streams, shown, hidden, read)),
        deadlines=tuple(d for d in queries.deadlines(session, case_id=case.id) if d.instance_id not in hidden),
        chains=tuple(_check(session, stream) for stream in streams),
        produced_at=now, produced_by=producer,
    )


def _events(session: Session, streams: list[str], shown: disclosed.Shown, hidden: set[int],
            read: Callable[..., event_records.Reading]) -> list[EvidenceEvent]:
    """The events of ``streams`` (but the ``hidden`` instances'), redacted, each with its record."""
    query = (select(AuditEvent).where(AuditEvent.stream.in_(streams), or_(AuditEvent.instance_id.is_(None),
                                                                         AuditEvent.instance_id.not_in(hidden)))
             .order_by(AuditEvent.at, AuditEvent.stream, AuditEvent.seq))
    rows = list(session.scalars(query))
    reading = read(actors={e.actor for e in rows})
    found = []
    for e in rows:
        before, after = shown.redact(e.before, e.instance_id, e.task), shown.redact(e.after, e.instance_id, e.task)
        record = reading.record(e.action, e.actor, e.at, e.instance_id, e.task, before, after)
        found.append(EvidenceEvent(e.stream, e.seq, e.at, e.actor, e.action, e.task, before, after, e.prev_hash,
                                   e.hash, record))
    return found


def _check(session: Session, stream: str) -> ChainCheck:
    result = audit.verify(session, stream)
    return ChainCheck(stream, result.is_intact, result.events_checked, result.broken)


def _iso(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
