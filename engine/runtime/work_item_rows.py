"""The work items of one step of an instance: the ready user tasks as rows, kept in line with plain statements.

``projection`` hands over the ready tasks, each with the deadline that guards it. The items whose task is no longer
ready are ended, the new ones inserted, the others refreshed (their name and legal term change when an instance
migrates). The open items are the ready user tasks of the state the instance was saved with (``Mirrored.ready``):
when none of them is still ready, as when a timer interrupts the task it guards, no item is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..casework import access
from ..law.deadlines import Rule
from ..store import write_batch
from ..store.models import Case, Deadline, ProcessInstance, WorkItem
from . import procedure_terms

FORM_PROPERTY = "formJsonSchemaFilename"


def sync(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, ready: dict[str, tuple[Task, Deadline | None]],
         now: datetime, rules: Mapping[str, Rule], stored: frozenset[str] | None) -> None:
    """End the items whose task is no longer ready, add the new ones, refresh the others; ``ready`` holds each ready
    task with the deadline that guards it, ``stored`` the task ids of the open items (None: read them). Plain
    statements; an item the session holds gets what they wrote."""
    if stored is not None and stored.isdisjoint(ready):
        _end(session, row, workflow, stored, now)
        known = set(stored)
    else:
        known = _refresh(session, row, workflow, ready, now, rules)
    added = [{**_new_work_item(task, row, now), **_terms(task, own, rules)}
             for task_id, (task, own) in ready.items() if task_id not in known]
    if added:
        write_batch.execute(session, _INSERT, added)


def _refresh(session: Session, row: ProcessInstance, workflow: BpmnWorkflow,
             ready: dict[str, tuple[Task, Deadline | None]], now: datetime, rules: Mapping[str, Rule]) -> set[str]:
    """Read the open items: end those no longer ready, refresh the others; return the task ids of all of them."""
    known = set()
    for item in session.connection().execute(_OPEN_ITEMS, {"of_instance": row.id}).mappings().all():
        known.add(item["task_id"])
        if item["task_id"] in ready:
            wanted = _terms(*ready[item["task_id"]], rules)
            wanted["name"] = wanted["name"] or item["bpmn_id"]
            changed = {key: value for key, value in wanted.items() if item[key] != value}
            if changed:  # every term written, so that the statement is always the same one
                write_batch.execute(session, _REFRESH_ITEM, {"item_id": item["id"],
                                                             **{f"new_{key}": wanted[key] for key in _ITEM_TERMS}})
        else:
            changed = {"state": _ended_state(workflow, item["task_id"]), "ended_at": now}
            write_batch.execute(session, _END_ITEM, {"item_id": item["id"], "ended_state": changed["state"],
                                                     "ended": now})
        _written(session.identity_map.get(session.identity_key(WorkItem, item["id"])), changed)
    return known


def _end(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, task_ids: frozenset[str],
         now: datetime) -> None:
    """End the open items of ``task_ids``, none of which is ready any more, in one statement."""
    if not task_ids:
        return
    ended = {task_id: _ended_state(workflow, task_id) for task_id in sorted(task_ids)}
    write_batch.execute(session, _END_TASK_ITEM, [
        {"of_instance": row.id, "of_task": task_id, "ended_state": state, "ended": now}
        for task_id, state in ended.items()])
    for held in [held for held in session.identity_map.values() if isinstance(held, WorkItem)]:
        values = inspect(held).dict  # as the session holds them, never loaded again
        if values.get("instance_id") == row.id and values.get("state") == "ready" and values.get("task_id") in ended:
            _written(held, {"state": ended[values["task_id"]], "ended_at": now})


def _ended_state(workflow: BpmnWorkflow, task_id: str) -> str:
    """How the item of a task no longer ready ends: completed with its task, else cancelled (its task was
    interrupted, or is gone after a late act reset the workflow)."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        task = None
    return "completed" if task is not None and task.has_state(TaskState.COMPLETED) else "cancelled"


def _written(held: WorkItem | None, values: dict[str, Any]) -> None:
    """Give the session's object of a work item, if it holds one, the values a plain statement wrote."""
    for key, value in values.items() if held is not None else ():
        set_committed_value(held, key, value)


_ITEM_TERMS = ("name", "deadline_id", "procedure_rule", "procedure_start_on", "procedure_due_on",
               "procedure_explanation", "risk_due_on")
_OPEN_ITEMS = select(WorkItem.id, WorkItem.task_id, WorkItem.bpmn_id, *(getattr(WorkItem, c) for c in _ITEM_TERMS)
                     ).where(WorkItem.instance_id == bindparam("of_instance"), WorkItem.state == "ready")
_REFRESH_ITEM = update(WorkItem).where(WorkItem.id == bindparam("item_id")).values(
    {key: bindparam(f"new_{key}") for key in _ITEM_TERMS})
_END_ITEM = update(WorkItem).where(WorkItem.id == bindparam("item_id")).values(
    state=bindparam("ended_state"), ended_at=bindparam("ended"))
_END_TASK_ITEM = update(WorkItem).where(
    WorkItem.instance_id == bindparam("of_instance"), WorkItem.task_id == bindparam("of_task"),
    WorkItem.state == "ready").values(state=bindparam("ended_state"), ended_at=bindparam("ended"))
_INSERT = insert(WorkItem).inline().values(
    employer=select(Case.employer).where(Case.id == bindparam("of_case")).scalar_subquery())
"""A new item, with its case's employer (``of_case``: the case id again; the insert's own parameters are its
columns')."""


def _terms(task: Task, own: Deadline | None, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """An item's name and legal term as its task has them now (both change when an instance migrates); with no
    term of its own (``own``), the term of its procedure that governs it."""
    term = procedure_terms.governing(task, rules) if own is None and rules else None
    c = term.computation if term else None
    rule = term.rule if term else None
    return {"name": task.task_spec.bpmn_name or task.task_spec.bpmn_id, "deadline_id": own.id if own else None,
            "procedure_rule": rule, "procedure_start_on": c.start_on if c else None,
            "procedure_due_on": c.due_on if c else None,
            "procedure_explanation": list(c.explanation_parts) if c else None,
            "risk_due_on": own.due_on if own else (c.due_on if c and c.due_on and rule else None) or date.max}


def _new_work_item(task: Task, row: ProcessInstance, now: datetime) -> dict[str, Any]:
    spec: Any = task.task_spec
    form = getattr(spec, "extensions", {}).get("properties", {}).get(FORM_PROPERTY)
    return {"instance_id": row.id, "case_id": row.case_id, "of_case": row.case_id, "task_id": str(task.id),
            "bpmn_id": spec.bpmn_id, "role": access.role_for_lane(spec.lane), "form": form, "state": "ready",
            "created_at": now}
