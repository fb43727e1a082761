"""Work item operations: inboxes, task pages, claiming, and completing tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotAllowed, NotFound
from ..law import calendar, eligibility
from ..runtime import retries, telemetry
from ..runtime import run as runtime
from ..store import access_log, audit, keyset, queries, repository, views
from ..store.models import Case, Deadline, ProcessInstance, User, WorkItem
from ..wiring import Wiring
from . import disclosure, document_fields, documents, form_drafts, late_acts, part_time, visibility, withheld
from . import inbox as inbox_query
from .inbox import InboxPage
from .problem_codes import problem


class WorkList(Wiring):
    """The engine's work item operations (mixed into ``Engine``)."""

    def work_items(self, role: str | None = None, case_id: int | None = None, user: str | None = None, *,
                   state: str | None = "ready") -> list[views.WorkItemView]:
        """Work items by role, case and assignee; by default the ready ones, soonest due first."""
        with self.database.unit_of_work() as session:
            rows = queries.work_items(session, role=role, case_id=case_id, user=user, state=state)
            return queries.with_days_left(rows, self.rules, calendar.legal_date(self.clock.now()))

    def inbox(self, user_id: int, **filters: Any) -> list[views.WorkItemView]:
        """Every ready work item of the user's roles in the cases the user may see, by legal risk by default.

        The pages of ``inbox_page`` (with the same filters) one after the other: for a program that wants them all.
        """
        items: list[views.WorkItemView] = []
        cursor = None
        while True:
            page = self.inbox_page(user_id, cursor=cursor, limit=keyset.MAX_PER_PAGE, **filters)
            items += page.rows
            if page.next_cursor is None:
                return items
            cursor = page.next_cursor

    def inbox_page(self, user_id: int, *, cursor: str | None = None, limit: int = keyset.PER_PAGE,
                   role: str | None = None, process_id: str | None = None, claimed: str | None = None,
                   urgency: str | None = None, sort: str = "risk", query: str | None = None) -> InboxPage:
        """One page of the ready work items of the user's roles in the cases the user may see, from ``cursor``
        (a page's ``next_cursor`` or ``previous_cursor``; the first page without one).

        An item shows only when the user holds its lane role through that role's relation to the case
        (``visibility.acting_roles``): the worker gets only their own case's tasks. The database filters
        (``case_scope``) and pages (``keyset``): a page costs the same however many items the role has.

        Filters: one of the user's roles, a procedure, ``claimed`` = "mine" or "unclaimed", ``urgency`` =
        "overdue" or "due_soon", ``query``: words the case's reference, worker or employer holds, whatever
        their case and accents (``search_text``). ``sort``: "risk" (the default: the most overdue first), "newest"
        or "case". ``InvalidInput`` for a refused cursor, or fewer than 1 or more than ``keyset.MAX_PER_PAGE`` rows.
        """
        filters = inbox_query.Filters(role, process_id, claimed, urgency, sort, query)
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            today = calendar.legal_date(self.clock.now())
            return inbox_query.page(session, user, filters, today=today, rules=self.rules, cursor=cursor, limit=limit)

    def task(self, work_item_id: int, user_id: int, *, surface: str = "task") -> views.Task:
        """A work item the user may act on, with its form and the documents of its procedure so far.

        The form without the fields the user may not fill (``disclosure.form_for``), the documents as the user
        may read them (``disclosure.shown_fields``); a medical read is audited.
        ``NotFound`` when it does not exist or none of the user's roles is its role. The read is logged in the
        access log on ``surface`` (``api`` for the REST API).
        """
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            item, deadline, user = self._visible_item(session, work_item_id, user_id)
            schema = self._fillable_form(session, item, user)
            own = queries.with_procedure_terms(session, [queries.work_item_view(item, deadline)])
            view = queries.with_days_left(own, self.rules, calendar.legal_date(now))[0]
            case = queries.case_view(queries.get(session, Case, item.case_id, "case"))
            shown = documents.documents(session, self._loaded, user, now, case_id=item.case_id,
                                        instance_id=item.instance_id)
            access_log.record_documents(session, user, item.case_id, surface, item.id, shown, at=now)
            session.commit()
        return views.Task(view, schema, case, shown)

    def _fillable_form(self, session: Session, item: WorkItem, user: User) -> dict:
        loaded = self._loaded(session, queries.get(session, ProcessInstance, item.instance_id, "instance"))
        reader = visibility.of_user(user, queries.get(session, Case, item.case_id, "case"))
        procedure = disclosure.procedure_for(loaded).for_task(item.bpmn_id)
        return disclosure.form_for(reader, loaded.forms.get(item.form or "", {}), procedure)

    def _visible_item(self, session: Session, work_item_id: int,
                      user_id: int) -> tuple[WorkItem, Deadline | None, User]:
        item = queries.get(session, WorkItem, work_item_id, "work item")
        try:
            case, user = self._visible_case(session, item.case_id, user_id)
        except NotFound:
            raise NotFound(f"work item {work_item_id} does not exist") from None
        if item.role not in visibility.acting_roles(user, case) or item.instance_id in withheld.hidden_instances(
                session, case.id, visibility.of_user(user, case)):
            raise NotFound(f"work item {work_item_id} does not exist")
        return item, session.get(Deadline, item.deadline_id) if item.deadline_id else None, user

    def complete(self, work_item_id: int, data: dict, actor: str, expected_version: int | None = None,
                 user_id: int | None = None) -> views.InstanceView:
        """Complete a ready work item with form data and run its instance until it waits again.

        With ``user_id`` the user must hold the item's role (else ``NotFound``) and may fill only the fields
        of the form they are shown: medical ones only when the disclosure model lets them read them (else
        ``NotAllowed``). Raises ``InvalidInput`` (per field) for bad data,
        ``Conflict`` when the item was already done or the instance changed since ``expected_version``;
        nothing is saved then. Completing another item of the same instance at the same moment is no conflict:
        the engine retries the lost race itself (``retries``).
        """
        return telemetry.timed_completion(self.telemetry, lambda: retries.retried(
            lambda is_retry: self._complete(work_item_id, data, actor, expected_version, user_id, is_retry)),
            lambda view: view.process_id)

    def _complete(self, work_item_id: int, data: dict, actor: str, expected_version: int | None,
                  user_id: int | None, is_retry: bool) -> views.InstanceView:
        with self.database.unit_of_work() as session:
            item = queries.get(session, WorkItem, work_item_id, "work item")
            if is_retry:
                retries.lock_instance(session, item.instance_id)
                session.refresh(item)
            if user_id is not None:
                self._check_may_fill(session, item, data, user_id)
            if item.state != "ready":
                raise Conflict(problem("work_item.not_open", item=work_item_id, state=item.state))
            run = self._load(session, item.instance_id, expected_version)
            part_time.check_may_carry_out(session, run, item)
            document_fields.check(session, run.loaded.forms.get(item.form or ""), data, item)
            runtime.complete(session, run, item, data, actor, self._judged(session, run, item, data))
            part_time.route_planned(self, session, run, actor)
            form_drafts.discard_all(session, item.id)
            session.flush()
            result = queries.instance_view(session, run.row)
            session.commit()
        return result

    def _judged(self, session: Session, run: runtime.Run, item: WorkItem, data: dict) -> dict | None:
        """Judge an act recorded by this task (a request, a notification) by the rules across procedures, on its date.

        Raises ``InvalidInput`` at the date field when the act is refused; returns the outcome variables when
        the act stands either way (``eligibility.Recorded``); None when the task records no such act.
        """
        recorded = eligibility.RECORDED.get((run.loaded.definition.process_id, item.bpmn_id))
        if recorded is None:
            return None
        try:
            on = date.fromisoformat(str(data.get(recorded.date_field)))
        except ValueError:
            return None  # the form's own validation names the field
        case = queries.get(session, Case, item.case_id, "case")
        refused = eligibility.inadmissible(recorded, queries.facts(
            session, case, data, on, self.policy, excluded=item.instance_id,
            reads=eligibility.READS.get(run.loaded.definition.process_id, frozenset())))
        if recorded.outcome is None:
            if refused is not None:
                raise InvalidInput(str(refused), {recorded.date_field: [str(refused)]})
            return None
        detail = refused.details[0] if refused is not None else {}
        return {recorded.outcome: refused is None, f"{recorded.outcome}_rule": detail.get("rule"),
                f"{recorded.outcome}_reason": str(refused) if refused is not None else None}

    def record_late_act(self, work_item_id: int, data: dict, *, user_id: int) -> views.InstanceView:
        """Record an act posted inside a closed window that arrived after the window's confirmation.

        The confirmation is done again with the act and the procedure goes back to where a timely act leads
        (``late_acts``). The user must hold the confirmation's role (else ``NotFound``). ``InvalidInput`` when
        the act was posted after the window; ``NotAllowed`` when the item confirms no window, or when an
        irreversible act (a termination) was recorded: then a compliance review is opened and committed.
        """
        with self.database.unit_of_work() as session:
            item, _, user = self._visible_item(session, work_item_id, user_id)
            row = queries.get(session, ProcessInstance, item.instance_id, "instance")
            if row.state == "failed":
                raise Conflict(problem("work_item.instance_failed", instance=row.id))
            run = runtime.load(session, row, self._loaded(session, row), self.clock)
            rule = late_acts.check(session, run, item, data)
            irreversible = late_acts.irreversible_act(run)
            if irreversible is not None:
                self._open_review(session, item, data, user.username, irreversible)
                session.commit()
                raise NotAllowed(f"'{irreversible}' was recorded: an act posted in time can no longer reopen the "
                                 "procedure; a compliance officer reviews the case",
                                 [{"rule": rule, "irreversible": irreversible}])
            late_acts.record(session, run, item, data, user.username)
            part_time.route_planned(self, session, run, user.username)
            session.flush()
            result = queries.instance_view(session, run.row)
            session.commit()
        return result

    def _open_review(self, session: Session, item: WorkItem, data: dict, actor: str, irreversible: str) -> None:
        """Start a compliance review of an act that came after an irreversible one, and record why."""
        case = queries.get(session, Case, item.case_id, "case")
        details = {"confirmation": item.name, "instance_id": item.instance_id, "irreversible": irreversible,
                   "act": data}
        loaded = self._specs.load(session, repository.latest(session, late_acts.REVIEW_PROCESS))
        runtime.start(session, case, loaded, {"late_act": details}, actor, self.clock)
        audit.append(session, f"case:{case.id}", at=self.clock.now(), actor=actor, action="late_act_refused",
                     case_id=case.id, instance_id=item.instance_id, task=item.bpmn_id, after=details)

    def _check_may_fill(self, session: Session, item: WorkItem, data: dict, user_id: int) -> None:
        _, _, user = self._visible_item(session, item.id, user_id)
        if item.assignee not in (None, user.username):
            raise Conflict(problem("work_item.claimed", item=item.id, assignee=item.assignee))
        row = queries.get(session, ProcessInstance, item.instance_id, "instance")
        fields = set(self._loaded(session, row).forms.get(item.form or "", {}).get("properties", {}))
        refused = (fields - set(self._fillable_form(session, item, user).get("properties", {}))) & set(data)
        if refused:
            raise NotAllowed(problem("work_item.medical_fields"), sorted(refused))

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
                raise Conflict(problem("work_item.not_open", item=work_item_id, state=item.state))
            if claim and item.assignee not in (None, user.username):
                raise Conflict(problem("work_item.claimed", item=work_item_id, assignee=item.assignee))
            if not claim and item.assignee != user.username:
                raise NotAllowed(problem("work_item.not_claimed", item=work_item_id, user=user.username))
            item.assignee = user.username if claim else None
            audit.append(session, f"instance:{item.instance_id}", at=self.clock.now(), actor=user.username,
                         action="work_item_claimed" if claim else "work_item_released", case_id=item.case_id,
                         instance_id=item.instance_id, task=item.bpmn_id)
            result = queries.work_item_view(item, deadline)
            session.commit()
        return result
