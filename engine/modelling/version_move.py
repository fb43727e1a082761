"""Move a running workflow onto another version of its diagrams.

SpiffWorkflow's diff aligns the old task specs with the new ones (by BPMN id, then by structure). Our rules
decide what may move: every task the instance completed or is working on must still exist with the same
type, form and scripts, and an open task keeps its role and called process. Names, documentation and
everything ahead may change. A waiting timer or message whose definition changed is re-armed, so a deadline
whose rule changed is computed again; an unchanged one keeps its due date.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from ..runtime import history
from ..runtime.serialization import REGISTRY
from ..runtime.work_item_rows import FORM_PROPERTY

TOUCHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR
OPEN = TaskState.READY | TaskState.STARTED | TaskState.WAITING


@dataclass(frozen=True)
class Blocker:
    """Why an instance cannot move: ``kind`` is removed, kind, form, scripts, role, called, process or
    classification (the new form would loosen the class of a recorded value: ``old`` "form.field: class",
    ``new`` the class);
    ``done`` tells whether the instance completed the element (else it is working on it)."""

    element_id: str
    name: str
    kind: str
    done: bool
    old: str = ""
    new: str = ""


def blockers(workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
             ) -> list[Blocker]:
    """Why ``workflow`` cannot move to ``spec``: one per incompatible element; [] when it can."""
    found = []
    for sub, diff in _diffs(workflow, spec, subprocess_specs):
        if diff is None:
            found.append(Blocker(sub.spec.name, sub.spec.name, "process", False))
            continue
        for task in sub.get_tasks(state=TOUCHED, skip_subprocesses=True):
            blocker = _incompatibility(task, diff.alignment.get(task)) if task.task_spec.bpmn_id else None
            if blocker is not None and blocker not in found:
                found.append(blocker)
    return found + [b for b in _pruned_blockers(workflow, spec, subprocess_specs) if b not in found]


def _pruned_blockers(workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
                     ) -> list[Blocker]:
    """The blockers of the completed elements whose tasks were pruned (``history``), as if they were in the tree."""
    pruned = history.of(workflow)
    found: list[Blocker] = []
    diffs: dict[str, SpecDiff] = {}
    for process, bpmn_id in sorted(pruned.first_done if pruned else ()):
        top = process == workflow.spec.name
        old_process = workflow.spec if top else workflow.subprocess_specs.get(process)
        old = old_process.task_specs.get(bpmn_id) if old_process is not None else None
        if old is None:
            continue
        new_process = spec if top else subprocess_specs.get(process)
        if new_process is None:
            blocker: Blocker | None = Blocker(process, process, "process", False)
        else:
            diff = diffs.setdefault(process, SpecDiff(REGISTRY, old_process, new_process))
            blocker = _compared(old, diff.alignment.get(old), done=True, open_=False)
        if blocker is not None and blocker not in found:
            found.append(blocker)
    return found


def move(workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]) -> None:
    """Put ``workflow`` on the new specs (call ``blockers`` first); re-arms open events whose definition changed.

    Run it inside engine time: a re-armed timer evaluates its expression at once.
    """
    diffs = list(_diffs(workflow, spec, subprocess_specs))
    changed_events = [task for sub, diff in diffs for task in _realign(sub, diff)]
    for sub, _diff in diffs:
        sub.spec = spec if sub is workflow else subprocess_specs[sub.spec.name]
    workflow.subprocess_specs = dict(subprocess_specs)
    for task in changed_events:
        if task.id in task.workflow.tasks:
            task.reset_branch(None)
    for sub, _diff in diffs:
        for task in sub.get_tasks(state=TaskState.READY | TaskState.WAITING, skip_subprocesses=True):
            task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.READY | TaskState.WAITING)
        _drop_stale_predictions(sub)
        if sub.last_task is not None and sub.last_task.id not in sub.tasks:
            sub.last_task = None


def _diffs(workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
           ) -> Iterator[tuple[Any, WorkflowDiff | None]]:
    yield workflow, WorkflowDiff(workflow, SpecDiff(REGISTRY, workflow.spec, spec))
    for sub in workflow.subprocesses.values():
        new = subprocess_specs.get(sub.spec.name)
        yield sub, WorkflowDiff(sub, SpecDiff(REGISTRY, sub.spec, new)) if new is not None else None


def _realign(sub: Any, diff: WorkflowDiff | None) -> list[Task]:
    """Point each task at its new spec; return the open events whose definition changed."""
    assert diff is not None
    changed = []
    for task in list(sub.tasks.values()):
        new = diff.alignment.get(task)
        if new is None:
            continue
        if task.has_state(TaskState.WAITING) and _event(task.task_spec) != _event(new):
            changed.append(task)
        task.task_spec = new
    return changed


def _drop_stale_predictions(sub: Any) -> None:
    """Remove predicted tasks whose spec the new version no longer has (they were never going to run)."""
    current = set(map(id, sub.spec.task_specs.values()))
    for task in list(sub.tasks.values()):
        if id(task.task_spec) not in current and task.has_state(TaskState.PREDICTED_MASK) and task.parent:
            for gone in list(task):
                sub.tasks.pop(gone.id, None)
            task.parent._children.remove(task.id)  # SpiffWorkflow 3.2.0 keeps child ids in _children


def _incompatibility(task: Task, new: Any) -> Blocker | None:
    return _compared(task.task_spec, new, done=task.has_state(TaskState.COMPLETED), open_=task.has_state(OPEN))


def _compared(old: Any, new: Any, *, done: bool, open_: bool) -> Blocker | None:
    def blocker(kind: str, before: Any = "", after: Any = "") -> Blocker:
        return Blocker(old.bpmn_id, old.bpmn_name or old.bpmn_id, kind, done, str(before or ""), str(after or ""))

    if new is None:
        return blocker("removed")
    if type(old) is not type(new):
        return blocker("kind", type(old).__name__, type(new).__name__)
    if form_of(old) != form_of(new):
        return blocker("form", form_of(old), form_of(new))
    if any(getattr(old, a, None) != getattr(new, a, None) for a in ("script", "prescript", "postscript")):
        return blocker("scripts")
    if open_ and getattr(old, "lane", None) != getattr(new, "lane", None):
        return blocker("role", old.lane, new.lane)
    if open_ and getattr(old, "spec", None) != getattr(new, "spec", None):
        return blocker("called", old.spec, new.spec)
    return None


def form_of(spec: Any) -> str | None:
    """The form file a task spec names, or None."""
    return getattr(spec, "extensions", {}).get("properties", {}).get(FORM_PROPERTY)


def _event(spec: Any) -> tuple | None:
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return None
    return type(definition).__name__, getattr(definition, "expression", None), getattr(definition, "name", None)
