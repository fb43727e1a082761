"""The Engine: every public operation, each one unit of work, and the only place that wires the parts."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import (
    access,
    accounts,
    audit,
    calendar,
    catalogue,
    deadlines,
    eligibility,
    forms,
    queries,
    repository,
    runtime,
    timers,
    views,
)
from .clock import Clock, SystemClock
from .errors import Conflict, EngineError, NotAllowed, NotFound
from .models import Case, Correlation, Database, Deadline, ProcessDefinition, ProcessInstance, Timer, User, WorkItem

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


class Engine:
    """Reintegra's engine over one database, one clock, one processes folder and one forms folder."""

    def __init__(self, database_url: str, clock: Clock | None = None, *, forms_dir: Path | None = None,
                 rules_path: Path | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.database = Database(database_url)
        self.forms_dir = forms_dir or ROOT / "forms"
        self.rules = deadlines.load_rules(rules_path)
        self.catalogue = catalogue.load()
        self._specs = repository.SpecCache()

    def upgrade_schema(self) -> None:
        """Create the schema, or migrate it to the newest version (never drops data)."""
        self.database.upgrade_schema()

    def close(self) -> None:
        """Release database connections."""
        self.database.dispose()

    def deploy(self, path_or_xml: str | bytes | Path | list, *, actor: str = "system",
               comment: str = "") -> list[views.Version]:
        """Validate and deploy BPMN; returns the new versions (none when nothing changed).

        Raises ``InvalidModel`` listing every problem; then nothing is deployed.
        """
        source = repository.Source(repository.read_sources(path_or_xml), self.forms_dir, self.rules)
        with self.database.unit_of_work() as session:
            deployed = repository.deploy(session, source, actor=actor, comment=comment, now=self.clock.now())
            result = [queries.version_view(row) for row in deployed]
            session.commit()
        return result

    def create_user(self, *, username: str, password: str, display_name: str, roles: list[str],
                    organisations: list[str] | None = None, language: str = "nl", actor: str) -> views.UserView:
        """Create an account; ``InvalidInput`` per field, ``Conflict`` when the username is taken. Audited."""
        with self.database.unit_of_work() as session:
            user = accounts.create(session, username=username, password=password, display_name=display_name,
                                   roles=roles, organisations=organisations or [], language=language)
            audit.append(session, "accounts", at=self.clock.now(), actor=actor, action="user_created",
                         after={"username": username, "roles": user.roles, "organisations": user.organisations})
            result = accounts.user_view(user)
            session.commit()
        return result

    def authenticate(self, username: str, password: str) -> views.UserView | None:
        """The user with these credentials, or None."""
        with self.database.unit_of_work() as session:
            user = accounts.authenticate(session, username, password)
            result = accounts.user_view(user) if user else None
            session.commit()
        return result

    def user(self, user_id: int) -> views.UserView:
        """One account; ``NotFound`` when it does not exist."""
        with self.database.unit_of_work() as session:
            return accounts.user_view(queries.get(session, User, user_id, "user"))

    def procedures(self) -> list[catalogue.Procedure]:
        """The startable procedures of the catalogue, with who may start them and what starts with a case."""
        return list(self.catalogue.values())

    def definitions(self) -> list[views.Version]:
        """Every deployed version, newest first per process id."""
        with self.database.unit_of_work() as session:
            return [queries.version_view(row) for row in repository.definitions(session)]

    def open_case(self, *, reference: str, employee: str, employer: str, first_day_of_incapacity: date,
                  parties: dict | None = None, actor: str, with_follow_up: bool = True) -> views.CaseView:
        """Open a case for one person's incapacity with one employer.

        The procedures the catalogue marks ``starts_with_case`` (the incapacity follow-up and its legal
        clock) start in the same transaction when they are deployed, unless ``with_follow_up`` is False.
        """
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            if session.scalar(select(Case.id).where(Case.reference == reference)) is not None:
                raise Conflict(f"a case with reference '{reference}' already exists")
            case = Case(reference=reference, employee=employee, employer=employer, parties=parties or {},
                        first_day_of_incapacity=first_day_of_incapacity, opened_at=now, opened_by=actor)
            session.add(case)
            session.flush()
            audit.append(session, f"case:{case.id}", at=now, actor=actor, action="case_opened", case_id=case.id,
                         after={"reference": reference, "first_day_of_incapacity": first_day_of_incapacity})
            if with_follow_up:
                self._start_with_case(session, case, actor)
            result = queries.case_view(case)
            session.commit()
        return result

    def _start_with_case(self, session: Session, case: Case, actor: str) -> None:
        for procedure in self.catalogue.values():
            definition = repository.latest_or_none(session, procedure.process_id)
            if procedure.starts_with_case and definition is not None:
                runtime.start(session, case, self._specs.load(session, definition), {}, actor, self.clock)

    def case(self, case_id: int) -> views.CaseView:
        """One case; ``NotFound`` when it does not exist."""
        with self.database.unit_of_work() as session:
            return queries.case_view(queries.get(session, Case, case_id, "case"))

    def start(self, case_id: int, process_id: str, data: dict | None = None, *, actor: str) -> views.InstanceView:
        """Start the newest version of ``process_id`` for a case and run it until it waits."""
        with self.database.unit_of_work() as session:
            case = queries.get(session, Case, case_id, "case")
            refused = eligibility.refusal(process_id, queries.facts(session, case, data or {}, self.clock.now()))
            if refused is not None:
                raise refused
            loaded = self._specs.load(session, repository.latest(session, process_id))
            run = runtime.start(session, case, loaded, dict(data or {}), actor, self.clock)
            session.flush()
            result = queries.instance_view(session, run.row)
            session.commit()
        return result

    def case_file(self, case_id: int, user_id: int) -> views.CaseFile:
        """The file of a case the user may see; ``NotFound`` otherwise (also for cases of other organisations)."""
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            case = queries.get(session, Case, case_id, "case")
            if not access.may_see_case(user.roles, user.organisations, user.username, case.employer, case.parties):
                raise NotFound(f"case {case_id} does not exist")
            return views.CaseFile(queries.case_view(case), tuple(queries.instances(session, case_id)),
                                  tuple(queries.deadlines(session, case_id=case_id)))

    def today(self) -> date:
        """Today's legal date (Brussels) on the engine's clock."""
        return calendar.legal_date(self.clock.now())

    def instances(self, case_id: int) -> list[views.InstanceView]:
        """The procedures run for a case, oldest first."""
        with self.database.unit_of_work() as session:
            queries.get(session, Case, case_id, "case")
            return queries.instances(session, case_id)

    def instance(self, instance_id: int) -> views.InstanceView:
        """One process instance."""
        with self.database.unit_of_work() as session:
            return queries.instance_view(session, queries.get(session, ProcessInstance, instance_id, "instance"))

    def work_items(self, role: str | None = None, case_id: int | None = None, user: str | None = None, *,
                   state: str | None = "ready") -> list[views.WorkItemView]:
        """Work items by role, case and assignee; by default the ready ones, soonest due first."""
        with self.database.unit_of_work() as session:
            return queries.work_items(session, role=role, case_id=case_id, user=user, state=state)

    def work_item(self, work_item_id: int, user_id: int) -> tuple[views.WorkItemView, dict]:
        """A work item the user may act on, with its form (medical fields only for medical roles).

        ``NotFound`` when it does not exist or none of the user's roles is its role.
        """
        with self.database.unit_of_work() as session:
            item, deadline, user = self._visible_item(session, work_item_id, user_id)
            definition = session.get(ProcessInstance, item.instance_id)
            assert definition is not None
            loaded = self._specs.load(session, queries.get(session, ProcessDefinition, definition.definition_id,
                                                           "definition"))
            schema = forms.visible_to(loaded.forms.get(item.form or "", {}), access.is_medical(user.roles))
            return queries.work_item_view(item, deadline), schema

    def _visible_item(self, session: Session, work_item_id: int,
                      user_id: int) -> tuple[WorkItem, Deadline | None, User]:
        user = queries.get(session, User, user_id, "user")
        item = queries.get(session, WorkItem, work_item_id, "work item")
        case = queries.get(session, Case, item.case_id, "case")
        visible = access.may_see_case(user.roles, user.organisations, user.username, case.employer, case.parties)
        if item.role not in user.roles or not visible:
            raise NotFound(f"work item {work_item_id} does not exist")
        return item, session.get(Deadline, item.deadline_id) if item.deadline_id else None, user

    def inbox(self, user_id: int, *, role: str | None = None, process_id: str | None = None,
              claimed: str | None = None) -> list[views.WorkItemView]:
        """The ready work items of the user's roles in the cases the user may see, soonest due first.

        Filters: one of the user's roles, a procedure, and ``claimed`` = "mine" or "unclaimed".
        """
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            roles = [r for r in user.roles if role in (None, r)]
            items = [i for r in roles for i in queries.work_items(session, role=r)
                     if process_id in (None, i.process_id) and _claim_matches(i, claimed, user.username)]
            cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_({i.case_id for i in items})))}
            visible = [i for i in items if access.may_see_case(user.roles, user.organisations, user.username,
                                                                cases[i.case_id].employer, cases[i.case_id].parties)]
        return sorted(visible, key=lambda i: (i.due_on is None, i.due_on or date.max, i.id))

    def complete(self, work_item_id: int, data: dict, actor: str, expected_version: int | None = None,
                 user_id: int | None = None) -> views.InstanceView:
        """Complete a ready work item with form data and run its instance until it waits again.

        With ``user_id`` the user must hold the item's role (else ``NotFound``) and may fill medical fields
        only with a medical role (else ``NotAllowed``). Raises ``InvalidInput`` (per field) for bad data,
        ``Conflict`` when the item was already done or the instance changed since ``expected_version``;
        nothing is saved then.
        """
        with self.database.unit_of_work() as session:
            item = queries.get(session, WorkItem, work_item_id, "work item")
            if user_id is not None:
                self._check_may_fill(session, item, data, user_id)
            if item.state != "ready":
                raise Conflict(f"work item {work_item_id} is already {item.state}")
            run = self._load(session, item.instance_id, expected_version)
            runtime.complete(session, run, item, data, actor)
            session.flush()
            result = queries.instance_view(session, run.row)
            session.commit()
        return result

    def claim(self, work_item_id: int, user_id: int) -> views.WorkItemView:
        """Take a ready work item so colleagues see it is being worked on; ``Conflict`` when someone else has it."""
        return self._assign(work_item_id, user_id, claim=True)

    def release(self, work_item_id: int, user_id: int) -> views.WorkItemView:
        """Give back a work item I claimed; ``NotAllowed`` when it is someone else's."""
        return self._assign(work_item_id, user_id, claim=False)

    def _assign(self, work_item_id: int, user_id: int, *, claim: bool) -> views.WorkItemView:
        with self.database.unit_of_work() as session:
            item, deadline, user = self._visible_item(session, work_item_id, user_id)
            if item.state != "ready":
                raise Conflict(f"work item {work_item_id} is already {item.state}")
            if claim and item.assignee not in (None, user.username):
                raise Conflict(f"work item {work_item_id} is claimed by {item.assignee}")
            if not claim and item.assignee != user.username:
                raise NotAllowed(f"work item {work_item_id} is not claimed by {user.username}")
            item.assignee = user.username if claim else None
            audit.append(session, f"instance:{item.instance_id}", at=self.clock.now(), actor=user.username,
                         action="work_item_claimed" if claim else "work_item_released", case_id=item.case_id,
                         instance_id=item.instance_id, task=item.bpmn_id)
            result = queries.work_item_view(item, deadline)
            session.commit()
        return result

    def _check_may_fill(self, session: Session, item: WorkItem, data: dict, user_id: int) -> None:
        _, _, user = self._visible_item(session, item.id, user_id)
        if item.assignee not in (None, user.username):
            raise Conflict(f"work item {item.id} is claimed by {item.assignee}")
        if access.is_medical(user.roles):
            return
        row = queries.get(session, ProcessInstance, item.instance_id, "instance")
        definition = queries.get(session, ProcessDefinition, row.definition_id, "definition")
        medical = forms.medical_fields(self._specs.load(session, definition).forms.get(item.form or "", {}))
        if medical.intersection(data):
            raise NotAllowed("only medical roles may record medical fields", sorted(medical.intersection(data)))

    def deliver(self, case_id: int, message: str, payload: dict | None = None, *, actor: str) -> views.Delivery:
        """Deliver a message to the instances of a case that wait for it.

        When none waits, the attempt is audited and the result says so (``is_delivered`` is False).
        """
        with self.database.unit_of_work() as session:
            queries.get(session, Case, case_id, "case")
            query = select(Correlation.instance_id).where(Correlation.case_id == case_id,
                                                          Correlation.message == message).distinct()
            taken = [i for i in session.scalars(query) if self._deliver_to(session, i, message, payload or {}, actor)]
            if not taken:
                audit.append(session, f"case:{case_id}", at=self.clock.now(), actor=actor, case_id=case_id,
                             action="message_not_waiting", task=message, after=payload or {})
            session.commit()
        return views.Delivery(case_id, message, tuple(sorted(taken)))

    def _deliver_to(self, session: Session, instance_id: int, message: str, payload: dict, actor: str) -> bool:
        return runtime.deliver(session, self._load(session, instance_id), message, payload, actor)

    def _load(self, session: Session, instance_id: int, expected_version: int | None = None) -> runtime.Run:
        row = queries.get(session, ProcessInstance, instance_id, "instance")
        if expected_version is not None and row.version != expected_version:
            raise Conflict(f"instance {instance_id} changed since version {expected_version}; reload it")
        if row.state != "running":
            raise Conflict(f"instance {instance_id} is {row.state}")
        definition = queries.get(session, ProcessDefinition, row.definition_id, "definition")
        return runtime.load(session, row, self._specs.load(session, definition), self.clock)

    def next_due(self) -> datetime | None:
        """The earliest instant at which a waiting timer fires, or None."""
        with self.database.unit_of_work() as session:
            return session.scalar(select(func.min(Timer.due_at)))

    def fire_due_timers(self, limit: int = 1000) -> views.TimerRun:
        """Wake the instances whose timers are due, one transaction per instance.

        Safe with several workers on one PostgreSQL: each instance is claimed with a row lock that
        other workers skip. A failing instance is logged, marked ``error`` and audited; the others go on.
        """
        woken, fired, failed = 0, 0, []
        done: set[int] = set()
        while len(done) < limit:
            try:
                outcome = self._wake_next(done)
            except EngineError as err:
                failed.append(self._record_failure(err))
                continue
            if outcome is None:
                break
            woken, fired = woken + (outcome > 0), fired + outcome
        return views.TimerRun(woken, fired, tuple(failed))

    def _wake_next(self, done: set[int]) -> int | None:
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            row = timers.claim_due_instance(session, now, done)
            if row is None:
                return None
            try:
                fired = runtime.wake(session, self._load(session, row.id))
            except EngineError as err:
                err.instance_id = row.id  # type: ignore[attr-defined]
                raise
            session.commit()
        return len(fired)

    def _record_failure(self, err: EngineError) -> int:
        instance_id: int = getattr(err, "instance_id", 0)
        log.error("timer failed on instance %s: %s", instance_id, err.message)
        with self.database.unit_of_work() as session:
            timers.record_failure(session, instance_id, err.message, self.clock.now())
            session.commit()
        return instance_id

    def deadlines(self, case_id: int) -> list[views.DeadlineView]:
        """Every legal term computed for a case, by due date, with its verdict."""
        with self.database.unit_of_work() as session:
            queries.get(session, Case, case_id, "case")
            return queries.deadlines(session, case_id=case_id)

    def trace(self, instance_id: int) -> views.Trace:
        """The audit events, deadlines, work items and waiting timers of one instance."""
        with self.database.unit_of_work() as session:
            return queries.trace(session, instance_id)

    def audit_trail(self, stream: str) -> list[views.AuditEventView]:
        """The events of one audit stream (``instance:<id>``, ``case:<id>``, ``repository``) in order."""
        with self.database.unit_of_work() as session:
            return queries.audit_events(session, stream)

    def verify_audit(self, stream: str | None = None) -> audit.Verification:
        """Check the audit hash chains (one stream, or all) and record that the check ran."""
        with self.database.unit_of_work() as session:
            result = audit.verify(session, stream)
            audit.append(session, "audit", at=self.clock.now(), actor="system", action="audit_verified",
                         after={"stream": stream, "intact": result.is_intact, "broken": result.broken})
            session.commit()
        return result


def _claim_matches(item: views.WorkItemView, claimed: str | None, username: str) -> bool:
    return claimed is None or (claimed == "mine" and item.assignee == username) or (
        claimed == "unclaimed" and item.assignee is None)


def compute_deadline(rule: str, start: date | str, regime_on: date | str | None = None) -> deadlines.Computation:
    """Compute a legal term from the rules in ``processes/`` (no database needed)."""
    return deadlines.compute(rule, start, regime_on=regime_on)



