"""Keep an instance's stored state bounded: drop the finished tasks that SpiffWorkflow keeps of every loop.

SpiffWorkflow 3.2.0 keeps every task it ran: a loop (a repeated invitation, a follow-up) makes the task tree one
chain that grows by every iteration, and every completion deserializes, serializes and scans the whole of it.
After each step (``run.save``), ``prune`` removes the finished tasks SpiffWorkflow no longer needs and re-attaches
what it keeps to the nearest kept ancestor (task data survives: each task holds its own data in memory and is
stored as a delta against its new parent). It keeps:

- the root, every unfinished task and everything below it;
- every finished task that is the parent of an unfinished one (joins and boundary events read the parent) or where
  the paths to two unfinished tasks part (parallel branches);
- while a join waits (a parallel or inclusive gateway, or the end of a process whose other branches still run),
  every task of that join with its parent: SpiffWorkflow cancels the join's earlier waiting tasks, counts an
  incoming branch as arrived by the completed parent of such a cancelled task, and merges that parent's data when
  the join fires;
- the workflow's last task, the called processes still referenced, and ``protected`` tasks with their parent and
  siblings: the timers whose deadline may still be judged again (``protected_timers``);
- completed tasks that a later act may still reopen or read: confirmations of a window (``confirms``) and
  irreversible acts (``irreversibleIf``), with their parent.

What the trace reads of a pruned task is folded into the instance's ``history.History`` first; every other record
(audit trail, work items, deadlines, timers) is in the database already. A completed instance is not pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from ..store.models import Deadline
from . import history

ENABLED = True
"""Whether ``run.save`` prunes; tests switch it off to compare with the whole tree."""
FINISHED = TaskState.COMPLETED | TaskState.CANCELLED
KEPT_PROPERTIES = ("confirms", "irreversibleIf")
"""Task properties that make a completed task one a later act may reopen or read (``late_acts``)."""


def protected_timers(deadlines: Iterable[Deadline], workflow: BpmnWorkflow) -> set[str]:
    """The timer tasks whose deadline a later act may still judge, among ``deadlines`` (pending ones, and missed
    ones without an act: ``projection.Projected.open_to_judgement``): the pending ones, and the missed ones whose
    guarded task is still open or whose rule a confirmation task of the diagram confirms."""
    deadlines = list(deadlines)
    if not deadlines:
        return set()
    confirmable = _confirmable_rules(workflow)
    return {d.task_id for d in deadlines
            if d.state == "pending" or d.rule in confirmable or _guarded_open(workflow, d.task_id)}


def _confirmable_rules(workflow: BpmnWorkflow) -> set[str]:
    """The rules a confirmation task of the diagram confirms (read once per parsed diagram: specs never change)."""
    found = _CONFIRMABLE.get(workflow.spec)
    if found is None:
        specs = [workflow.spec, *workflow.subprocess_specs.values()]
        found = _CONFIRMABLE[workflow.spec] = {rule.strip() for spec in specs for s in spec.task_specs.values()
                                               for rule in _properties(s).get("confirms", "").split(",")
                                               if rule.strip()}
    return found


_CONFIRMABLE: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


def _guarded_open(workflow: BpmnWorkflow, task_id: str) -> bool:
    task = _find(workflow, task_id)
    parent = task.parent if task is not None else None
    return parent is not None and any(not c.has_state(FINISHED) for c in parent.children if c is not task)


def _find(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    try:
        key = UUID(task_id)
    except ValueError:
        return None
    for sub in (workflow, *workflow.subprocesses.values()):
        if key in sub.tasks:
            return sub.tasks[key]
    return None


def prune(workflow: BpmnWorkflow, protected: Iterable[str] = ()) -> int:
    """Remove the finished tasks of ``workflow`` (and its called processes) that it no longer needs; return how
    many were removed."""
    if workflow.completed:
        return 0
    found = history.of(workflow) or history.History()
    protected_ids = {UUID(p) for p in protected}
    calls = _calls_kept(workflow, protected_ids)
    removed = 0
    for sub in [workflow, *workflow.subprocesses.values()]:
        if sub is workflow or sub.parent_task_id in workflow.subprocesses:
            removed += _prune_tree(workflow, sub, protected_ids, calls, found)
    if removed:
        alive = {t for sub in (workflow, *workflow.subprocesses.values()) for t in sub.tasks}
        found.grafted &= {str(t) for t in alive}
        for task in list(workflow.event_manager.tasks.values()):
            if task.id not in alive:
                workflow.event_manager.remove_task(task)
        setattr(workflow, history.ATTRIBUTE, found)
    return removed


def _calls_kept(top: BpmnWorkflow, protected: set[UUID]) -> set[UUID]:
    """The call activities whose called process (or one called from it) holds a task that must stay."""
    found: set[UUID] = set()
    for sub in top.subprocesses.values():
        if any(t.id in protected or _kept_by_property(t) for t in sub.tasks.values()):
            inner = sub
            while inner is not top and inner.parent_task_id not in found:
                found.add(inner.parent_task_id)
                inner = top.get_task_from_id(inner.parent_task_id).workflow
    return found


def _prune_tree(top: BpmnWorkflow, sub: Any, protected: set[UUID], calls: set[UUID], found: history.History) -> int:
    """Prune one task tree (the top workflow's or a called process's)."""
    order = _preorder(sub.task_tree)
    keep = _kept(top, sub, order, protected, calls)
    if len(keep) == len(sub.tasks):
        return 0
    gone = [t for key, t in sub.tasks.items() if key not in keep]
    grafted = [sub.tasks[k] for k in keep if (p := sub.tasks[k]._parent) is not None and p not in keep]
    for task in sub.tasks.values():  # before re-linking: a kept task's way up to its source may change too
        found.fold(task)
    for task in gone:
        if task.id in top.subprocesses:
            for inner in top.delete_subprocess(task):
                found.fold(inner)
    for task in grafted:
        found.grafted.add(str(task.id))
    _relink(sub, order, keep)
    for task in gone:
        del sub.tasks[task.id]
    return len(gone)


def _kept(top: BpmnWorkflow, sub: Any, order: list[Task], protected: set[UUID], calls: set[UUID]) -> set[UUID]:
    """The ids of the tasks of ``sub`` (in ``order``: its tree depth first) that stay."""
    root = sub.task_tree
    open_below: dict[UUID, bool] = {}
    for task in reversed(order):
        open_below[task.id] = not task.has_state(FINISHED) or any(open_below[c] for c in task._children)
    keep = {root.id}
    inside: set[UUID] = set()
    for task in order:
        parent = task._parent
        if parent in inside or not task.has_state(FINISHED):
            inside.add(task.id)
            keep.add(task.id)
        elif open_below[task.id] and (any(not sub.tasks[c].has_state(FINISHED) for c in task._children)
                                      or sum(open_below[c] for c in task._children) > 1):
            keep.add(task.id)
    last = getattr(sub.last_task, "id", None)
    joining = {t.task_spec for t in order if isinstance(t.task_spec, UnstructuredJoin) and not t.has_state(FINISHED)}
    anchors = [t for t in order if t.id in protected or t.id in calls or t.id == last or _kept_by_property(t)
               or (t.id in top.subprocesses and not top.subprocesses[t.id].completed) or t.task_spec in joining]
    for task in anchors:
        keep.add(task.id)
        if task._parent is not None:
            keep.add(task._parent)
            if task.id in protected:
                keep.update(sub.tasks[task._parent]._children)
    return keep


def _preorder(root: Task) -> list[Task]:
    order, pending = [], [root]
    while pending:
        task = pending.pop()
        order.append(task)
        pending.extend(reversed(task.children))
    return order


def _kept_by_property(task: Task) -> bool:
    return task.has_state(TaskState.COMPLETED) and any(_properties(task.task_spec).get(p) for p in KEPT_PROPERTIES)


def _properties(spec: Any) -> dict[str, str]:
    return spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}


def _relink(sub: Any, order: list[Task], keep: set[UUID]) -> None:
    """Attach every kept task to its nearest kept ancestor, keeping the order of children (``order``: the tree
    depth first, as before any change)."""
    def nearest(parent: UUID | None) -> UUID | None:
        while parent is not None and parent not in keep:
            parent = sub.tasks[parent]._parent
        return parent

    new_children: dict[UUID, list[UUID]] = {k: [] for k in keep}
    for task in order:
        if task.id in keep and task.id != sub.task_tree.id:
            task._parent = nearest(task._parent)
            assert task._parent is not None
            new_children[task._parent].append(task.id)
    for key, children in new_children.items():
        sub.tasks[key]._children = children
