"""Who is told what: the notifications of the bell and of the mails, made by the worker's sweep.

Decisions (issue 17):
- Three kinds. ``task``: a work item became ready. ``near``: a legal term of kind ``deadline`` falls due within
  its rule's ``notify_before_working_days`` Belgian working days (``DEFAULT_NEAR_WORKING_DAYS`` when the rule sets
  none): from that working day on, counted back from the due date, until the due date. ``expired``: a term of
  kind ``deadline`` was missed (its timer fired). A term of kind ``period`` is never told: its end is no breach.
- Who: for a task, every active person whose inbox shows it (``worklist.inbox``'s rule: its lane role is among
  the person's acting roles on the case, and the worker did not withhold its procedure from them). For a term,
  the same people for the work items the term guards (``WorkItem.deadline_id``): the ready ones for ``near``, any
  for ``expired`` (the timer may have cancelled its task). An expired term is also told to the supervisors of
  the organisation concerned (``supervisors``). A term that guards no task (a wait for a message) is told only
  to those supervisors when it expires.
- Supervisor: an account with the role ``supervisor``; its organisations say whom it supervises. The role gives
  no access to any case by itself (the link in its notification opens only for someone whose other roles give
  the case); it only makes its holder told when a term of those organisations expires.
- Each notification once: its ``key`` (``kind:object:user``) is unique, so a second sweep, a second worker or a
  restart never tells anyone twice.
- What is kept to write the text (``params``): the case reference, the task's name, the rule and the due date.
  Never a form value, the worker's name or the employer: a mail may be read by anyone who sees the mailbox.
- The sweep looks only at what is new: work items created and terms missed since the previous sweep (less a
  margin for transactions that committed late), and the terms that fall due within the largest window (all of
  them once a legal day, the newly created ones in between). After a restart it starts from the newest
  notification; on the very first sweep it looks back ``FIRST_LOOKBACK``, so an installation that upgrades does
  not mail about old tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..law import calendar
from ..law.deadline_rules import Rule
from ..store.models import Case, Deadline, User, WorkItem
from ..store.paper_models import Notification
from . import visibility, withheld

KINDS = ("task", "near", "expired")
DEFAULT_NEAR_WORKING_DAYS = 3
COMMIT_MARGIN = timedelta(minutes=10)
"""Rows written by a transaction that committed after the previous sweep began are still looked at."""
FIRST_LOOKBACK = timedelta(days=7)
SUPERVISOR = "supervisor"
MAIL_PREFERENCES = ("each", "digest", "none")


@dataclass(frozen=True)
class NotificationView:
    """One notification as its recipient reads it, in the bell and in a mail (never a medical value)."""

    id: int
    kind: str
    case_id: int | None
    case_reference: str
    work_item_id: int | None
    task: str | None
    """The task's name as the diagram says it (English): the reader's page or mail translates it."""
    rule: str | None
    due_on: date | None
    created_at: datetime
    is_read: bool
    is_supervision: bool
    """Told as a supervisor of the organisation concerned, not as someone who acts on the task."""
    mail_state: str = "none"
    """``pending``, ``digest`` (waits for the daily digest), ``sent``, ``failed`` (gave up) or ``none``."""
    mail_attempts: int = 0
    """Failed attempts to mail it so far."""


def view(row: Notification) -> NotificationView:
    """The reader's view of a notification row."""
    params = row.params or {}
    due = params.get("due_on")
    return NotificationView(row.id, row.kind, row.case_id, str(params.get("case_reference", "")), row.work_item_id,
                            params.get("task"), params.get("rule"), date.fromisoformat(due) if due else None,
                            row.created_at, row.read_at is not None, params.get("as") == SUPERVISOR, row.mail_state,
                            row.mail_attempts or 0)


def near_working_days(rule: Rule | None) -> int:
    """How many working days before its due date a term is told as near."""
    days = rule.notify_before_working_days if rule is not None else None
    return DEFAULT_NEAR_WORKING_DAYS if days is None else days


def is_near(due_on: date, today: date, working_days: int) -> bool:
    """Whether ``today`` lies in the window of ``working_days`` working days that ends on ``due_on``."""
    return calendar.add_working_days(due_on, -working_days) <= today <= due_on if working_days else today == due_on


def concerned_organisations(role: str | None, case: Case) -> set[str]:
    """The organisations an expired term of a task of ``role`` concerns: the ones through which the role reaches
    the case (the prevention service, the sickness fund, ...); the employer for its own role, for the worker's and
    the treating physician's tasks, and for a term that guards no task."""
    parties = case.parties or {}
    named = {parties[k] for k in visibility.ORGANISATION_PARTIES.get(role or "", ()) if parties.get(k)}
    return named or {case.employer}


def restart_point(session: Session, now: datetime) -> datetime:
    """Where a sweep without a memory of the previous one starts: at the newest notification, else a week back."""
    newest = session.scalar(select(func.max(Notification.created_at)))
    return newest if newest is not None else now - FIRST_LOOKBACK


class Telling:
    """One sweep's notifications, written in the caller's transaction, each once."""

    def __init__(self, session: Session, now: datetime, rules: Mapping[str, Rule], *, is_mailing: bool) -> None:
        self.session, self.now, self.rules, self.is_mailing = session, now, rules, is_mailing
        self.today = calendar.legal_date(now)
        self.made = 0
        self._users: list[User] | None = None
        self._cases: dict[int, Case] = {}

    def new_tasks(self, since: datetime) -> list[WorkItem]:
        """Tell the people of every work item that became ready since ``since``; the items, for their terms."""
        items = list(self.session.scalars(select(WorkItem).where(WorkItem.state == "ready",
                                                                 WorkItem.created_at >= since)))
        for item in items:
            case = self._case(item.case_id)
            params = {"task": item.name, "case_reference": case.reference}
            self._tell("task", f"task:{item.id}", self._acting(case, [item]), case, params, item=item)
        return items

    def missed_terms(self, since: datetime) -> None:
        """Tell the people and the supervisors of every term of kind deadline missed since ``since``."""
        query = select(Deadline).where(Deadline.state == "missed", Deadline.kind == "deadline",
                                       Deadline.closed_at >= since)
        for term in self.session.scalars(query):
            case = self._case(term.case_id)
            guarded = list(self.session.scalars(select(WorkItem).where(WorkItem.deadline_id == term.id)))
            params = self._term_params(term, case, guarded)
            item = guarded[0] if guarded else None
            self._tell("expired", f"expired:{term.id}", self._acting(case, guarded), case, params, item=item,
                       term=term)
            roles = {i.role for i in guarded} or {None}
            concerned = set().union(*(concerned_organisations(role, case) for role in roles))
            self._tell("expired", f"expired:{term.id}", self._supervisors(concerned), case,
                       {**params, "as": SUPERVISOR}, item=item, term=term)

    def near_terms(self, created_since: datetime | None, items: Iterable[WorkItem] = ()) -> None:
        """Tell the people of the pending terms whose window has begun: all of them (``created_since`` None), or
        those created since ``created_since`` and those guarding ``items``."""
        horizon = calendar.add_working_days(self.today, max([near_working_days(r) for r in self.rules.values()]
                                                            + [DEFAULT_NEAR_WORKING_DAYS]))
        query = select(Deadline).where(Deadline.state == "pending", Deadline.kind == "deadline",
                                       Deadline.due_on >= self.today, Deadline.due_on <= horizon)
        if created_since is not None:
            guarded_ids = {i.deadline_id for i in items if i.deadline_id is not None}
            fresh = Deadline.created_at >= created_since
            query = query.where(or_(fresh, Deadline.id.in_(guarded_ids)) if guarded_ids else fresh)
        for term in self.session.scalars(query):
            if not is_near(term.due_on, self.today, near_working_days(self.rules.get(term.rule))):
                continue
            case = self._case(term.case_id)
            guarded = list(self.session.scalars(select(WorkItem).where(WorkItem.deadline_id == term.id,
                                                                       WorkItem.state == "ready")))
            self._tell("near", f"near:{term.id}", self._acting(case, guarded), case,
                       self._term_params(term, case, guarded), item=guarded[0] if guarded else None, term=term)

    @staticmethod
    def _term_params(term: Deadline, case: Case, guarded: list[WorkItem]) -> dict[str, Any]:
        task = guarded[0].name if guarded else None
        return {"task": task, "case_reference": case.reference, "rule": term.rule,
                "due_on": term.due_on.isoformat()}

    def _tell(self, kind: str, key: str, users: Iterable[User], case: Case, params: dict, *,
              item: WorkItem | None = None, term: Deadline | None = None) -> None:
        wanted = {f"{key}:{u.id}": u for u in users}
        if not wanted:
            return
        known = set(self.session.scalars(select(Notification.key).where(Notification.key.in_(wanted))))
        for full_key, user in wanted.items():
            if full_key in known:
                continue
            self.session.add(Notification(
                user_id=user.id, key=full_key, kind=kind, case_id=case.id, work_item_id=item.id if item else None,
                deadline_id=term.id if term else None, params=params, created_at=self.now,
                mail_state=self._mail_state(user), mail_attempts=0, next_attempt_at=self.now))
            self.made += 1
        self.session.flush()

    def _mail_state(self, user: User) -> str:
        if not self.is_mailing or not user.email or user.mail_preference == "none":
            return "none"
        return "digest" if user.mail_preference == "digest" else "pending"

    def _acting(self, case: Case, items: list[WorkItem]) -> list[User]:
        """The active people who may act on one of ``items``: the people whose inbox shows it."""
        found = []
        for user in self._active_users():
            roles = visibility.acting_roles(user, case)
            mine = [i for i in items if i.role in roles]
            if not mine:
                continue
            hidden = withheld.hidden_instances(self.session, case.id, visibility.of_user(user, case))
            if any(i.instance_id not in hidden for i in mine):
                found.append(user)
        return found

    def _supervisors(self, organisations: set[str]) -> list[User]:
        return [u for u in self._active_users() if SUPERVISOR in u.roles and organisations & set(u.organisations)]

    def _active_users(self) -> list[User]:
        if self._users is None:
            self._users = list(self.session.scalars(select(User).where(User.is_active.is_(True))))
        return self._users

    def _case(self, case_id: int) -> Case:
        if case_id not in self._cases:
            case = self.session.get(Case, case_id)
            assert case is not None
            self._cases[case_id] = case
        return self._cases[case_id]
