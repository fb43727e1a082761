"""Who reads an item a person added to a case with a class: a document (``case_documents``) or a comment
(``case_comments``). One rule for both, so a file and a remark of the same class at the same place read alike.

An item is read as a form field of its class is (``disclosure.may_read``): an item added at a task keeps the rules
of that task's procedure (``Procedure.for_task``: the coordinator track stays the track inside the follow-up); one
added on the case itself is read under ``CASE_LEVEL``, a procedure whose lanes are every case role: ``case`` items
by everyone with the case, ``personal`` ones by the case's parties but the employer, ``medical`` ones by the
case's medical roles and the treating physician the worker named, ``insurance`` ones by the sickness fund's roles.
The worker the case is about reads everything; who added an item always reads it back. An item of an instance the
worker keeps from the employer (``withheld``) does not exist for the employer's side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ..errors import NotFound
from ..store import queries
from ..store.models import Case, ProcessInstance, User, WorkItem
from . import disclosure, visibility, withheld
from .access import CASE_ROLES
from .disclosure import FieldClass, Procedure

if TYPE_CHECKING:
    from ..api import Engine

CASE_LEVEL = Procedure("case", frozenset(CASE_ROLES))
"""The procedure an item added on the case itself (not at a task) is read under."""


class ClassifiedReads:
    """Who may read which classified item of one case: one reader, the case's hidden instances, and the procedure
    of each task computed once (``loaded`` gives a process instance's deployed version, ``Engine._loaded``)."""

    def __init__(self, session: Session, case: Case, user: User,
                 loaded: Callable[[Session, ProcessInstance], Any]) -> None:
        self._session, self._user, self._loaded = session, user, loaded
        self.reader = visibility.of_user(user, case)
        self._hidden = withheld.hidden_instances(session, case.id, self.reader)
        self._procedures: dict[int, Procedure | None] = {}

    def may_read(self, created_by: str, work_item_id: int | None, classification: str) -> bool:
        """Whether the reader may read an item of ``classification`` added by ``created_by`` at the task
        ``work_item_id`` (None: on the case itself)."""
        if created_by == self._user.username:
            return True
        procedure = CASE_LEVEL if work_item_id is None else self._procedure_of(work_item_id)
        if procedure is None:
            return False
        return disclosure.may_read(self.reader, FieldClass(classification), procedure)

    def _procedure_of(self, work_item_id: int) -> Procedure | None:
        if work_item_id not in self._procedures:
            item = self._session.get(WorkItem, work_item_id)
            if item is None or item.instance_id in self._hidden:
                self._procedures[work_item_id] = None
            else:
                instance = queries.get(self._session, ProcessInstance, item.instance_id, "instance")
                procedure = disclosure.procedure_for(self._loaded(self._session, instance))
                self._procedures[work_item_id] = procedure.for_task(item.bpmn_id)
        return self._procedures[work_item_id]


def require_may_add(engine: Engine, session: Session, case: Case, user: User, work_item_id: int | None) -> None:
    """Refuse (``NotFound``, never a hint) an item added by someone who is no party to the case (overseers only
    read), or at a task that is not an open task of this case the user may act on."""
    if not visibility.of_user(user, case).relation_roles:
        raise NotFound(f"case {case.id} does not exist")
    if work_item_id is None:
        return
    item, _, _ = engine._visible_item(session, work_item_id, user.id)
    if item.case_id != case.id or item.state != "ready":
        raise NotFound(f"work item {work_item_id} does not exist")
