"""Trials of a draft: run it on a scratch case in a scratch database, on its own clock, before deploying it.

A trial never touches the real database: it reads the draft from it and writes nothing there. The scratch
engine is of the same class as the real one, over a temporary SQLite file that ``Trial.close`` deletes.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casework import access, event_records, visibility
from ..clock import SettableClock
from ..errors import InvalidInput
from ..law import calendar
from ..store import queries, repository, views
from ..store.models import AuditEvent, Case, Draft, ProcessInstance, WorkItem
from ..wiring import Wiring
from . import samples
from .workbench import draft_source, require_owner

if TYPE_CHECKING:
    from ..api import Engine

TRIAL_EMPLOYER = "Trial employer NV"
TRIAL_REFERENCE = "TRIAL-1"
TRIAL_EMPLOYEE = "Sample worker"
TRIAL_USER = "trial"
MONTHS_ILL = 7
"""A trial's case proposes an incapacity this many months old, so the start rules allow most procedures."""
MAX_DAYS = 366


@dataclass(frozen=True)
class TrialTask:
    """An open work item of the scratch case with its whole form (the trial's user holds every role)."""

    item: views.WorkItemView
    schema: dict


@dataclass(frozen=True)
class TrialView:
    """A trial as its page shows it: the trial's today, the scratch case, its open tasks, deadlines and events."""

    draft_id: int
    process_id: str
    today: date
    case: views.CaseView
    instances: tuple[views.InstanceView, ...]
    tasks: tuple[TrialTask, ...]
    deadlines: tuple[views.DeadlineView, ...]
    events: tuple[views.AuditEventView, ...]
    records: tuple[event_records.EventRecord, ...] = ()
    """The events as sentences need them, in the order of ``events``."""


class Trials(Wiring):
    """Trying drafts on scratch cases (mixed into ``Engine``). Only process owners and admins."""

    def trial_first_day(self) -> date:
        """The first day of incapacity a trial proposes: ``MONTHS_ILL`` months before today."""
        return calendar.add_months(calendar.legal_date(self.clock.now()), -MONTHS_ILL)

    def open_trial(self, draft_id: int, *, user_id: int, first_day_of_incapacity: date) -> Trial:
        """Run a draft on a scratch case in a scratch database whose clock starts at this engine's now.

        ``NotAllowed`` for a user who is no process owner or admin, or when the start rules refuse the
        procedure on that first day of incapacity (details name the rule and from when it is allowed);
        ``InvalidModel`` listing every problem of the draft. Nothing is written to this engine's database.
        The caller closes the trial.
        """
        with self.database.unit_of_work() as session:
            actor = require_owner(session, user_id).username
            draft = queries.get(session, Draft, draft_id, "draft")
            source = repository.with_called(session, draft_source(draft, self.forms_dir, self.rules))
            process_id = draft.process_id
        directory = Path(tempfile.mkdtemp(prefix="reintegra-trial-"))
        scratch = cast("Engine", type(self)(f"sqlite:///{directory / 'trial.sqlite'}", SettableClock(self.clock.now()),
                                            forms_dir=self.forms_dir, rules_path=self.rules_path))
        try:
            return Trial.set_up(scratch, directory, draft_id, process_id, source, actor,
                                first_day_of_incapacity)
        except BaseException:
            scratch.close()
            shutil.rmtree(directory, ignore_errors=True)
            raise


def _trial_parties() -> dict[str, str]:
    """The trial's user plays every part: the worker, the named physician, and every organisation."""
    return {key: TRIAL_USER if key in visibility.PERSON_PARTIES.values() else TRIAL_EMPLOYER
            for key in visibility.PARTY_KEYS}


class Trial:
    """A draft running on a scratch case, in a scratch database, on a settable clock; ``close`` deletes it all."""

    def __init__(self, scratch: Engine, directory: Path, draft_id: int, process_id: str, case_id: int,
                 user: views.UserView) -> None:
        self._engine = scratch
        self.directory = directory
        self.draft_id = draft_id
        self.process_id = process_id
        self.case_id = case_id
        self._user = user

    @classmethod
    def set_up(cls, scratch: Engine, directory: Path, draft_id: int, process_id: str,
               source: repository.Source, owner: str, first_day: date) -> Trial:
        """Create the schema, deploy the draft, add the trial's user and case, and start the draft's process.

        A procedure with routes starts on its first route in the catalogue (the one needing no start data).
        """
        scratch.upgrade_schema()
        with scratch.database.unit_of_work() as session:
            repository.deploy(session, source, actor=owner, comment="trial", now=scratch.clock.now())
            session.commit()
        user = scratch.create_user(username=TRIAL_USER, password=secrets.token_urlsafe(24), display_name="Trial user",
                                   roles=list(access.CASE_ROLES), organisations=[TRIAL_EMPLOYER], language="en",
                                   actor=owner)
        case = scratch.open_case(reference=TRIAL_REFERENCE, employee=TRIAL_EMPLOYEE, employer=TRIAL_EMPLOYER,
                                 first_day_of_incapacity=first_day, actor=owner, with_follow_up=False,
                                 parties=_trial_parties())
        procedure = scratch.catalogue.get(process_id)
        starter = user.id if procedure is not None else None
        first_route = next(iter(procedure.routes), None) if procedure is not None else None
        scratch.start(case.id, process_id, actor=user.username, user_id=starter, route=first_route)
        return cls(scratch, directory, draft_id, process_id, case.id, user)

    @property
    def path(self) -> Path:
        """The scratch database file."""
        return self.directory / "trial.sqlite"

    def today(self) -> date:
        """Today's legal date on the trial's clock."""
        return self._engine.today()

    def view(self) -> TrialView:
        """The trial's today, the scratch case, its open work items and deadlines with days left, and its events."""
        eng, today = self._engine, self.today()
        with eng.database.unit_of_work() as session:
            case = queries.case_view(queries.get(session, Case, self.case_id, "case"))
            items = queries.with_days_left(queries.work_items(session, case_id=self.case_id), eng.rules, today)
            tasks = tuple(TrialTask(item, self._form(session, item.id)) for item in items)
            deadlines = queries.with_days_left(queries.deadlines(session, case_id=self.case_id), eng.rules, today)
            rows = _events(session, self.case_id)
            reading = event_records.reading(session, self.case_id, eng._loaded, {e.actor for e in rows}, eng.events)
            events = tuple(views.AuditEventView(e.seq, e.at, e.actor, e.action, e.task, e.before, e.after, e.hash)
                           for e in rows)
            return TrialView(self.draft_id, self.process_id, today, case,
                             tuple(queries.instances(session, self.case_id)), tasks, tuple(deadlines), events,
                             tuple(reading.record(e.action, e.actor, e.at, e.instance_id, e.task, e.before, e.after)
                                   for e in rows))

    def sample_data(self, work_item_id: int) -> dict[str, Any]:
        """Values for every field of a work item's form, generated from its schema (see ``engine.samples``)."""
        with self._engine.database.unit_of_work() as session:
            schema = self._form(session, work_item_id)
        return samples.sample(schema, self.today())

    def complete(self, work_item_id: int, data: dict) -> views.InstanceView:
        """Complete a work item of the scratch case as the trial's user; ``InvalidInput`` per field."""
        return self._engine.complete(work_item_id, data, actor=self._user.username, user_id=self._user.id)

    def advance(self, days: int) -> int:
        """Move the trial's clock ``days`` forward (1 to 366) and fire the timers due; returns how many fired."""
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput("move the trial's clock by 1 to 366 days", {"days": [f"between 1 and {MAX_DAYS}"]})
        clock = self._engine.clock
        assert isinstance(clock, SettableClock)
        clock.advance(timedelta(days=days))
        return self._engine.fire_due_timers().timers_fired

    def close(self) -> None:
        """Release the scratch database and delete its file; closing twice does no harm."""
        self._engine.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Trial:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _form(self, session: Session, work_item_id: int) -> dict:
        item = queries.get(session, WorkItem, work_item_id, "work item")
        row = queries.get(session, ProcessInstance, item.instance_id, "instance")
        return self._engine._loaded(session, row).forms.get(item.form or "", {})


def _events(session: Session, case_id: int) -> tuple[AuditEvent, ...]:
    query = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.at, AuditEvent.id)
    return tuple(session.scalars(query))
