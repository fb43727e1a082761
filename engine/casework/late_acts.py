"""Acts posted in time that arrive after a closed window was confirmed: back to the path of a timely act.

A window that protects a party's right (appeal T09/T41, late adapted-work request T43, the worker's reply to a
plan T13/T46 and T13b/T46b) ends in a confirmation task: the party that receives the act says what arrived. When
an act dated inside the window turns up after that confirmation, the confirmation is done again with the act,
and the procedure goes back to where a timely act leads, as long as nothing irreversible happened; after a
termination was recorded the act is refused and a compliance officer must review the case.

A confirmation task says what it confirms with spiffworkflow properties: ``confirms`` (the window's rules, e.g.
``T09,T41``), ``actArrived`` (the field saying the act arrived) and ``actDate`` (the field with the date it was
posted). A task whose completion cannot be undone names, in ``irreversibleIf``, the field that makes it so
(``terminate`` on the force-majeure termination).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotAllowed
from ..law import calendar
from ..runtime import run as runtime
from ..runtime.verdicts import Window, properties, window
from ..store.models import Deadline, WorkItem
from . import disclosure, forms
from .problem_codes import problem

REVIEW_PROCESS = "compliance_review"
"""The procedure a compliance officer follows when a timely act came after an irreversible one."""


def check(session: Session, run: runtime.Run, item: WorkItem, data: dict) -> str:
    """Check that ``item`` confirmed a closed window and that ``data`` is an act posted inside it; return the
    window's rule (e.g. T41).

    Raises ``NotAllowed`` when ``item`` confirms no window, ``InvalidInput`` when the data is invalid, says
    nothing arrived or the act was posted after the window.
    """
    task = _find(run, item.task_id)
    confirmed = window(task)
    if task is None or confirmed is None or item.state != "completed":
        raise NotAllowed(problem("late_act.no_window", task=item.name))
    forms.validate(run.loaded.forms.get(item.form or ""), data, calendar.legal_date(run.clock.now()),
                   context=task.data, labels=runtime.recorded_labels(run))
    return _check_timely(session, item, confirmed, data)


def record(session: Session, run: runtime.Run, item: WorkItem, data: dict, actor: str) -> None:
    """Do the confirmation of ``item`` again with the act (checked by ``check``) and run on from there."""
    task = _find(run, item.task_id)
    assert task is not None, "checked by check()"
    before = dict(item.data or {})
    run.steps(lambda: _redo(run, task, data))
    item.data, item.completed_by = copy.deepcopy(data), actor
    item.classifications = disclosure.recorded_classes(run.loaded.forms.get(item.form or "") or {})
    _reopen(run)
    runtime.save(session, run, actor=actor, action="late_act_recorded", task=item.bpmn_id, before=before,
                 after=data, work_item=item)


def _find(run: runtime.Run, task_id: str) -> Task | None:
    try:
        return run.workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None


def _check_timely(session: Session, item: WorkItem, confirmed: Window, data: dict) -> str:
    if data.get(confirmed.arrived_field) is not True:
        raise InvalidInput("a late act must have arrived", {confirmed.arrived_field: ["say what arrived"]})
    rule, closed_on = window_end(session, item.instance_id, confirmed.rules)
    posted = data.get(confirmed.date_field)
    if closed_on is not None and isinstance(posted, str) and date.fromisoformat(posted) > closed_on:
        message = f"posted after the window closed on {closed_on.isoformat()}: it is late, not recorded late"
        raise InvalidInput(message, {confirmed.date_field: [message]})
    return rule


def window_end(session: Session, instance_id: int, rules: tuple[str, ...]) -> tuple[str, date | None]:
    """The rule and last day (rolled forward as computed) of the latest window of ``rules`` in the instance."""
    query = (select(Deadline.rule, Deadline.due_on).where(Deadline.instance_id == instance_id,
                                                          Deadline.rule.in_(rules))
             .order_by(Deadline.due_on.desc()).limit(1))
    found = session.execute(query).first()
    return (found[0], found[1]) if found else (rules[0], None)


def irreversible_act(run: runtime.Run) -> str | None:
    """The name of a completed task whose completion cannot be undone (a termination), or None."""
    for task in run.workflow.get_tasks(state=TaskState.COMPLETED):
        field = properties(task).get("irreversibleIf")
        if field and task.data.get(field):
            return task.task_spec.bpmn_name or task.task_spec.bpmn_id
    return None


def _redo(run: runtime.Run, task: Task, data: dict[str, Any]) -> None:
    run.workflow.reset_from_task_id(task.id)
    again = run.workflow.get_task_from_id(task.id)
    _unfinish(run.workflow, again)
    _forget_removed_waits(run.workflow)
    again.set_data(**copy.deepcopy(data))
    again.run()


def _forget_removed_waits(top: Any) -> None:
    """Drop the waiting events of tasks the reset removed (SpiffWorkflow 3.2.0 keeps them and would fire them)."""
    alive = {id(task) for workflow in (top, *top.subprocesses.values()) for task in workflow.tasks.values()}
    for task in list(top.event_manager.tasks.values()):
        if id(task) not in alive:
            top.event_manager.remove_task(task)


def _unfinish(top: Any, task: Task) -> None:
    """Clear the "completed" flag that SpiffWorkflow 3.2.0 keeps on every workflow around a reset task
    (it would otherwise finish a called process again at once and look for an end that is gone)."""
    workflow = task.workflow
    while workflow is not top:
        workflow.completed = False
        workflow = top.get_task_from_id(workflow.parent_task_id).workflow
    top.completed = False


def _reopen(run: runtime.Run) -> None:
    """An ended instance that a late act sends back on its way is running again, without an end."""
    if not run.workflow.completed:
        run.row.ended_at, run.row.end_event, run.row.end_event_name = None, None, None
