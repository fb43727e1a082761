"""Case operations: open a case, read its file, start procedures, record outside events, deliver messages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotAllowed, NotFound
from ..law import calendar, eligibility, periods
from ..law.catalogue import Event, Procedure, Route
from ..oversight import scope as oversight
from ..runtime import facts, retries
from ..runtime import run as runtime
from ..store import access_log, audit, queries, repository, search_text, views
from ..store.models import Case, Correlation, IncapacityEvent, ProcessInstance, User
from ..wiring import ROOT, Wiring
from . import access, documents, forms, start_data, visibility, withheld
from .problem_codes import problem

EVENT_FORMS = ROOT / "forms"
"""Where the forms of outside events are: they belong to ``processes/events.toml``, not to a deployed version."""


class CaseWork(Wiring):
    """The engine's case operations (mixed into ``Engine``)."""

    def open_case(self, *, reference: str, employee: str, employer: str, first_day_of_incapacity: date,
                  parties: dict | None = None, actor: str, with_follow_up: bool = True,
                  user_id: int | None = None) -> views.CaseView:
        """Open a case for one person's incapacity with one employer.

        The procedures the catalogue marks ``starts_with_case`` (the incapacity follow-up and its legal
        clock) start in the same transaction when they are deployed, unless ``with_follow_up`` is False.
        With ``user_id`` the user must hold a role that opens cases and, unless admin, work for the
        employer or relate to the case through another opener role (``visibility.may_open``; ``NotAllowed``
        otherwise). ``InvalidInput`` for parties that are not names. ``Conflict`` for a taken reference.
        """
        now = self.clock.now()
        visibility.check_parties(parties or {})
        with self.database.unit_of_work() as session:
            if user_id is not None:
                _check_may_open(queries.get(session, User, user_id, "user"), employer, parties or {})
            if session.scalar(select(Case.id).where(Case.reference == reference)) is not None:
                raise Conflict(problem("case.reference_taken", reference=reference))
            case = Case(reference=reference, employee=employee, employer=employer, parties=parties or {},
                        first_day_of_incapacity=first_day_of_incapacity, opened_at=now, opened_by=actor,
                        search_text=search_text.of_case(reference, employee, employer))
            session.add(case)
            session.flush()
            audit.append(session, f"case:{case.id}", at=now, actor=actor, action="case_opened", case_id=case.id,
                         after={"reference": reference, "first_day_of_incapacity": first_day_of_incapacity})
            if with_follow_up:
                self._start_with_case(session, case, actor)
            result = queries.case_view(case)
            session.commit()
        return result

    def _start_with_case(self, session: Session, case: Case, actor: str, only_if_not_running: bool = False) -> None:
        """Start the procedures that start with a case (or, with ``only_if_not_running``, with a new period).

        A procedure ``once_per_period`` starts again when none was started for the current period, running or not.
        """
        today = calendar.legal_date(self.clock.now())
        running = queries.procedures_run(session, case.id, running=True) if only_if_not_running else set()
        for procedure in self.catalogue.values():
            definition = repository.latest_or_none(session, procedure.process_id)
            if not procedure.starts_with_case or definition is None:
                continue
            if only_if_not_running and (queries.started_in_current_period(session, case, procedure.process_id, today)
                                        if procedure.once_per_period else procedure.process_id in running):
                continue
            runtime.start(session, case, self._specs.load(session, definition), {}, actor, self.clock)

    def case(self, case_id: int) -> views.CaseView:
        """One case; ``NotFound`` when it does not exist."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return queries.case_view(queries.get(session, Case, case_id, "case"))

    def case_file(self, case_id: int, user_id: int, *, surface: str = "case_file") -> views.CaseFile:
        """The file of a case the user may see; ``NotFound`` otherwise (also for cases of other organisations).

        Medical fields of its documents are shown only to medical roles, and such a read is audited. The read is
        logged in the access log on ``surface`` (``api`` for the REST API).
        """
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            case, user = self._visible_case(session, case_id, user_id)
            reader = visibility.of_user(user, case)
            hidden = withheld.hidden_instances(session, case_id, reader)
            quiet = hidden | withheld.steps_hidden(session, case_id, reader)
            today = calendar.legal_date(now)
            starts, events = self._start_options(session, case, user), self._event_options(session, case, user)
            items = tuple(i for i in queries.with_days_left(queries.work_items(session, case_id=case_id), self.rules,
                                                            today) if i.instance_id not in quiet)
            # last: a medical read locks the case's audit head until the commit
            shown = tuple(d for d in documents.documents(session, self._loaded, user, now, case_id=case_id)
                          if d.instance_id not in hidden)
            access_log.record_documents(session, user, case_id, surface, None, shown, at=now)
            result = views.CaseFile(
                queries.case_view(case), tuple(i for i in queries.instances(session, case_id) if i.id not in hidden),
                tuple(d for d in queries.with_days_left(queries.deadlines(session, case_id=case_id), self.rules, today)
                      if d.instance_id not in quiet),
                shown, starts, events, items, may_trace=bool(oversight.OVERSIGHT_ROLES.intersection(user.roles)),
                facts=facts.dated(session, case_id, hidden))
            session.commit()
        return result

    def _start_options(self, session: Session, case: Case, user: User) -> tuple[views.StartOption, ...]:
        options = []
        roles = sorted(visibility.acting_roles(user, case))
        known = queries.facts(session, case, {}, calendar.legal_date(self.clock.now()), self.policy)
        run = {p.process_id for p in known.procedures}
        for procedure in self.catalogue.values():
            if repository.latest_or_none(session, procedure.process_id) is None:
                continue
            for route, role in _routes_open_to(procedure, roles):
                facts = replace(known, data=_route_facts(procedure, route, role))
                if procedure.starts_with_case and procedure.process_id in run:
                    continue  # 0.6: started with the case, and again by the engine alone
                routes = _routes(procedure.process_id, role, facts)
                refused = eligibility.refusal(procedure.process_id, facts)
                if refused is not None and refused.details[0]["rule"] == "T04" and any(not r.refusal for r in routes):
                    refused = None  # another T04 route is open: the page offers it
                options.append(views.StartOption(
                    procedure.process_id, procedure.titles, refused.details[0] if refused else None,
                    refused.message if refused else None, route.name if route else None,
                    route.titles if route else None, self._catalogue_form(route.form if route else None), routes))
        return tuple(options)

    def _event_options(self, session: Session, case: Case, user: User) -> tuple[views.EventOption, ...]:
        hidden = withheld.hidden_instances(session, case.id, visibility.of_user(user, case))
        awaited = set(session.scalars(select(Correlation.message).where(Correlation.case_id == case.id,
                                                                         Correlation.instance_id.not_in(hidden))))
        return tuple(views.EventOption(e.message, e.titles, self._event_form(e.form), e.message in awaited)
                     for e in self.events.values() if set(e.recorded_by) & visibility.acting_roles(user, case))

    def _event_form(self, name: str) -> dict:
        return json.loads((EVENT_FORMS / name).read_text(encoding="utf-8"))

    def _catalogue_form(self, name: str | None) -> dict | None:
        return self._event_form(name) if name else None

    def event_schema(self, message: str) -> dict:
        """The form (JSON Schema) of an outside event; ``NotFound`` for an unknown event."""
        event = self.events.get(message)
        if event is None:
            raise NotFound(f"event '{message}' does not exist")
        return self._event_form(event.form)

    def start_form(self, process_id: str, route: str | None) -> dict | None:
        """The start form (JSON Schema) of a procedure's route; None when it needs none or does not exist."""
        procedure = self.catalogue.get(process_id)
        chosen = procedure.routes.get(route or "") if procedure is not None else None
        return self._catalogue_form(chosen.form) if chosen is not None else None

    def start(self, case_id: int, process_id: str, data: dict | None = None, *, actor: str,
              user_id: int | None = None, route: str | None = None, role: str | None = None) -> views.InstanceView:
        """Start the newest version of ``process_id`` for a case and run it until it waits.

        ``NotAllowed`` names the rule and the date from which it is allowed when the law forbids it now.
        With ``user_id`` the user must see the case (``NotFound``) and hold a role that may start the
        procedure, on its route when it has routes (``NotAllowed``); that role is the requester the rules look
        at. Callers without a user (scenarios, the demo) name the requester's role in ``role``. ``Conflict`` for
        a procedure that starts with the case when the case already has one (the engine starts it again with a
        new period of incapacity, 0.6). A procedure with routes (``catalogue.toml``) starts on ``route`` (or the
        route its ``route_field`` in ``data`` names): ``InvalidInput`` for a missing or unknown route; ``data``
        holds only the fields of the route's start form (``start_data.check``: ``InvalidInput`` per refused key
        or field). An employer's trajectory names its T04 route in ``route`` (``eligibility.EMPLOYER_ROUTES``,
        default the 3 months); its evidence is recorded with its date by the occupational physician with the
        request.
        """
        with self.database.unit_of_work() as session:
            case = queries.get(session, Case, case_id, "case")
            user = None
            if user_id is not None:
                case, user = self._visible_case(session, case_id, user_id)
            checked, facts_data = self._start_data(session, process_id, dict(data or {}), route, case,
                                                   _acting(user, case), role)
            if eligibility.is_checked(process_id):
                self._refuse_start(session, case, process_id, facts_data)
            loaded = self._specs.load(session, repository.latest(session, process_id))
            run = runtime.start(session, case, loaded, checked, actor, self.clock, facts_data.get("requested_by"))
            session.flush()
            result = queries.instance_view(session, run.row)
            session.commit()
        return result

    def _refuse_start(self, session: Session, case: Case, process_id: str, data: dict) -> None:
        """Raise ``NotAllowed`` when a rule forbids the start today; reads only the instances the rules look at."""
        facts = queries.facts(session, case, data, calendar.legal_date(self.clock.now()), self.policy,
                              reads=eligibility.READS.get(process_id, frozenset()))
        refused = eligibility.refusal(process_id, facts)
        if refused is not None:
            raise refused

    def _start_data(self, session: Session, process_id: str, data: dict, route: str | None, case: Case,
                    roles: list[str] | None, role: str | None) -> tuple[dict, dict]:
        """The checked start data, and the facts the start rules look at: the requester's role and the route.

        ``roles`` are the signed-in user's; without a user, ``role`` (if any) is the requester.
        """
        if roles is None and role is not None:
            roles = [role]
        if roles is not None:
            role = self._require_starter(process_id, roles)
        procedure = self.catalogue.get(process_id)
        if procedure is not None and procedure.starts_with_case:
            start_data.refuse_restart(procedure, queries.procedures_run(session, case.id))
        field, chosen = start_data.route_of(procedure, route, data)
        if chosen is not None and roles is not None:
            role = start_data.route_role(process_id, chosen, roles)
        fields = {k: v for k, v in data.items() if k != field}
        start_data.check(process_id, self._catalogue_form(chosen.form if chosen else None), fields,
                         calendar.legal_date(self.clock.now()),
                         {"first_day_of_incapacity": case.first_day_of_incapacity.isoformat()})
        requester = {"requested_by": role} if role else {}
        if field is None or chosen is None:
            return fields, {**requester, **start_data.t04_route(process_id, route)}
        fields[field] = chosen.name
        return fields, {**requester, **fields}

    def _require_starter(self, process_id: str, roles: list[str]) -> str:
        procedure = self.catalogue.get(process_id)
        if procedure is None:
            raise NotFound(f"procedure '{process_id}' does not exist")
        role = start_data.starter_role(procedure.started_by, roles)
        if role is None:
            raise NotAllowed(problem("start.role", process=process_id),
                             [{"roles": list(procedure.started_by)}])
        return role

    def instances(self, case_id: int) -> list[views.InstanceView]:
        """The procedures run for a case, oldest first."""
        with self.database.unit_of_work() as session:
            queries.get(session, Case, case_id, "case")
            return queries.instances(session, case_id)

    def instance(self, instance_id: int) -> views.InstanceView:
        """One process instance."""
        with self.database.unit_of_work() as session:
            return queries.instance_view(session, queries.get(session, ProcessInstance, instance_id, "instance"))

    def deadlines(self, case_id: int, user_id: int | None = None, *,
                  surface: str = "case_file") -> list[views.DeadlineView]:
        """Every legal term computed for a case, by due date, with its verdict and the days left.

        With ``user_id``: without the instances withheld from that user and, for the employer side, the terms of
        procedures it is no party to (``withheld``); the read is logged in the access log on ``surface``.
        """
        with self.database.unit_of_work() as session:
            hidden: set[int] = set()
            if user_id is None:
                queries.get(session, Case, case_id, "case")
            else:
                case, user = self._visible_case(session, case_id, user_id)
                reader = visibility.of_user(user, case)
                hidden = withheld.hidden_instances(session, case_id, reader) | withheld.steps_hidden(session, case_id,
                                                                                                   reader)
                access_log.record(session, user, case_id, surface, "deadlines", ["case"], at=self.clock.now())
            rows = [d for d in queries.deadlines(session, case_id=case_id) if d.instance_id not in hidden]
            result = queries.with_days_left(rows, self.rules, calendar.legal_date(self.clock.now()))
            session.commit()
        return result

    def record_event(self, case_id: int, message: str, data: dict, *, user_id: int) -> views.Delivery:
        """Record an outside event (``events.toml``) for a case and deliver it to the instances waiting for it.

        ``NotFound`` for an unknown event or a case the user may not see, ``NotAllowed`` when none of the
        user's roles records it, ``InvalidInput`` per field for data its form refuses. A race lost to another
        writer on a waiting instance is retried (``retries``).
        """
        event = self.events.get(message)
        if event is None:
            raise NotFound(f"event '{message}' does not exist")
        return retries.retried(lambda is_retry: self._record_event(case_id, message, data, user_id, event, is_retry))

    def _record_event(self, case_id: int, message: str, data: dict, user_id: int, event: Event,
                      is_retry: bool) -> views.Delivery:
        with self.database.unit_of_work() as session:
            case, user = self._visible_case(session, case_id, user_id)
            if not set(event.recorded_by) & visibility.acting_roles(user, case):
                raise NotAllowed(problem("event.role", message=message), [{"roles": list(event.recorded_by)}])
            forms.validate(self._event_form(event.form), data, calendar.legal_date(self.clock.now()))
            result = self._deliver(session, case_id, message, data, user.username, lock=is_retry)
            hidden = withheld.hidden_instances(session, case_id, visibility.of_user(user, case))
            session.commit()
        return replace(result, instance_ids=tuple(i for i in result.instance_ids if i not in hidden))

    def deliver(self, case_id: int, message: str, payload: dict | None = None, *, actor: str) -> views.Delivery:
        """Deliver a message to the instances of a case that wait for it.

        When none waits, the attempt is audited and the result says so (``is_delivered`` is False). A race lost
        to another writer on a waiting instance is retried (``retries``).
        """
        return retries.retried(lambda is_retry: self._deliver_once(case_id, message, payload or {}, actor, is_retry))

    def _deliver_once(self, case_id: int, message: str, payload: dict, actor: str, is_retry: bool) -> views.Delivery:
        with self.database.unit_of_work() as session:
            result = self._deliver(session, case_id, message, payload, actor, lock=is_retry)
            session.commit()
        return result

    def _deliver(self, session: Session, case_id: int, message: str, payload: dict, actor: str, *,
                 lock: bool = False) -> views.Delivery:
        """Hand the message to the instances waiting for it; with ``lock`` (a retry) wait for each instance first."""
        case = queries.get(session, Case, case_id, "case")
        is_incapacity = self._mark_period(session, case, message, payload, actor)
        query = select(Correlation.instance_id).where(Correlation.case_id == case_id,
                                                      Correlation.message == message).distinct()
        waiting = sorted(session.scalars(query))
        if lock:
            for instance_id in waiting:
                retries.lock_instance(session, instance_id)
        taken = [i for i in waiting if runtime.deliver(session, self._load(session, i), message, payload, actor)]
        if not taken:
            audit.append(session, f"case:{case_id}", at=self.clock.now(), actor=actor, case_id=case_id,
                         action="message_not_waiting", task=message, after=payload)
        if is_incapacity:
            self._start_with_case(session, case, actor, only_if_not_running=True)
        return views.Delivery(case_id, message, tuple(sorted(taken)))

    def _mark_period(self, session: Session, case: Case, message: str, payload: dict, actor: str) -> bool:
        """Keep a return to work or a new incapacity on its legal date (0.6); True for an incapacity.

        An incapacity needs the legal clock: after a return of 14 days it starts a new period; within them,
        recorded after the clock stopped, the period goes on. Either way the follow-up starts again when none
        runs, counted from the period's first day. ``InvalidInput`` at the date field for an incapacity dated
        before the last return (or without one) and for a return dated before the current period began.
        """
        event = self.events.get(message)
        if event is None or event.marks is None:
            return False
        kind, field = event.marks
        on = _payload_date(payload, field)
        known = queries.incapacity_events(session, case.id)
        problem = periods.misplaced(case.first_day_of_incapacity, known, kind, on)
        if problem is not None:
            raise InvalidInput(problem, {field: [problem]})
        session.add(IncapacityEvent(case_id=case.id, kind=kind, on=on, recorded_at=self.clock.now(),
                                    recorded_by=actor))
        audit.append(session, f"case:{case.id}", at=self.clock.now(), actor=actor, case_id=case.id,
                     action="incapacity_event_recorded", task=message, after={"kind": kind, "on": on})
        return kind == periods.INCAPACITY

def _routes(process_id: str, role: str, facts: eligibility.Facts) -> tuple[views.StartRoute, ...]:
    """T04: the routes an employer may take to request a trajectory, each open or refused with its first day."""
    if process_id != eligibility.TRAJECTORY or role != "employer":
        return ()
    return tuple(views.StartRoute(route, refused.details[0] if refused else None, refused.message if refused else None)
                 for route, refused in eligibility.employer_routes(facts).items())


def _payload_date(payload: dict, field: str) -> date:
    try:
        return date.fromisoformat(str(payload.get(field)))
    except ValueError:
        raise InvalidInput(f"{field} must be a date", {field: ["must be a date (YYYY-MM-DD)"]}) from None


def _routes_open_to(procedure: Procedure, roles: list[str]) -> list[tuple[Route | None, str]]:
    """The routes of ``procedure`` the ``roles`` may take, each with its role (one None route without routes)."""
    if not procedure.routes:
        role = start_data.starter_role(procedure.started_by, roles)
        return [] if role is None else [(None, role)]
    taken = [(route, start_data.starter_role(route.started_by, roles)) for route in procedure.routes.values()]
    return [(route, role) for route, role in taken if role is not None]


def _route_facts(procedure: Procedure, route: Route | None, role: str) -> dict:
    if route is None or procedure.route_field is None:
        return {"requested_by": role}
    return {"requested_by": role, procedure.route_field: route.name}


def _acting(user: User | None, case: Case) -> list[str] | None:
    """The roles a signed-in user starts with on this case: only those related to it (None without a user)."""
    return None if user is None else sorted(visibility.acting_roles(user, case))


def _check_may_open(user: User, employer: str, parties: dict) -> None:
    """The opener relates to the new case through an opener role: naming one's own organisation as a party of
    another employer's case is no relation (an employer opens cases only for its own organisations)."""
    if not set(user.roles) & set(access.CASE_OPENERS):
        raise NotAllowed("none of your roles opens cases", [{"roles": list(access.CASE_OPENERS)}])
    if not visibility.may_open(user.roles, user.organisations, user.username, employer, parties):
        raise NotAllowed("you may open cases only for an organisation you work for")
