"""What an instance's finished tasks tell the trace, whether they are still in the task tree or were pruned.

SpiffWorkflow keeps every task it ran; ``pruning`` drops the finished tasks of loops from the stored tree and folds
what the trace reads of them into a ``History`` kept beside the tree: for each element its first completion, every
flow taken, and the last completion of each form. Its size is bounded by the diagram, not by the number of loops.
The readers here (``completed``, ``steps``, ``completed_forms``) merge the history with the tree, so their answer
is the same whether or not a tree was pruned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

FORM_PROPERTY = "formJsonSchemaFilename"
REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING
ATTRIBUTE = "reintegra_history"
"""The attribute of the top workflow that holds its ``History`` (absent until a first pruning)."""

Step = tuple[str, str, str]
"""A flow taken: (process id, source element, target element)."""


@dataclass
class History:
    """What the pruned tasks of one instance (top workflow and called processes) told the trace."""

    first_done: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    """(process, element) → (first completion time, element name then)."""
    steps: set[Step] = field(default_factory=set)
    forms: dict[str, float] = field(default_factory=dict)
    """form file → last completion time of a task with that form."""
    grafted: set[str] = field(default_factory=set)
    """Ids of kept tasks whose parent was pruned: their parent in the tree is no longer their predecessor."""

    def to_json(self) -> dict[str, Any]:
        return {"first_done": [[p, e, t, n] for (p, e), (t, n) in sorted(self.first_done.items())],
                "steps": sorted(list(s) for s in self.steps), "forms": dict(sorted(self.forms.items())),
                "grafted": sorted(self.grafted)}

    @classmethod
    def from_json(cls, dct: dict[str, Any]) -> History:
        return cls({(p, e): (t, n) for p, e, t, n in dct.get("first_done", [])},
                   {(p, s, t) for p, s, t in dct.get("steps", [])}, dict(dct.get("forms", {})),
                   set(dct.get("grafted", [])))

    def fold(self, task: Task) -> None:
        """Remember what the trace reads of ``task`` (a finished task about to be pruned, or grafted)."""
        spec = task.task_spec
        bpmn_id = getattr(spec, "bpmn_id", None)
        if not bpmn_id:
            return
        step = step_of(task, self.grafted)
        if step is not None:
            self.steps.add(step)
        if not task.has_state(TaskState.COMPLETED):
            return
        key, at = (task.workflow.spec.name, bpmn_id), task.last_state_change
        if key not in self.first_done or at < self.first_done[key][0]:
            self.first_done[key] = (at, spec.bpmn_name or bpmn_id)
        form = form_of(task)
        if form and at > self.forms.get(form, float("-inf")):
            self.forms[form] = at


def of(workflow: BpmnWorkflow) -> History | None:
    """The history of a workflow's pruned tasks, or None when none was pruned."""
    return getattr(workflow.top_workflow, ATTRIBUTE, None)


def form_of(task: Task) -> str | None:
    spec: Any = task.task_spec
    return spec.extensions.get("properties", {}).get(FORM_PROPERTY) if hasattr(spec, "extensions") else None


def step_of(task: Task, grafted: set[str] | frozenset[str] = frozenset()) -> Step | None:
    """The flow that led to ``task``, when its source completed and the token reached it; None too when the way
    up to its source passes a grafted task (the tree no longer tells that step: the history does)."""
    if not getattr(task.task_spec, "bpmn_id", None) or not task.has_state(REACHED):
        return None
    node: Task | None = task
    while node is not None:
        if str(node.id) in grafted:
            return None
        node = node.parent
        if node is not None and getattr(node.task_spec, "bpmn_id", None):
            break
    if node is None or not node.has_state(TaskState.COMPLETED):
        return None
    return task.workflow.spec.name, node.task_spec.bpmn_id, task.task_spec.bpmn_id


def steps(workflow: BpmnWorkflow) -> set[Step]:
    """Every flow the instance took (its called processes included)."""
    history = of(workflow)
    grafted = history.grafted if history else set()
    found = {s for t in workflow.get_tasks() if (s := step_of(t, grafted)) is not None}
    return found | (history.steps if history else set())


def completed(workflow: BpmnWorkflow) -> list[tuple[str, str, str]]:
    """The completed elements (process, element, name), each once, in the order of their first completion."""
    first: dict[tuple[str, str], tuple[float, str]] = {}
    history = of(workflow)
    if history:
        names = _names(workflow)
        first.update({key: (at, names.get(key, name)) for key, (at, name) in history.first_done.items()})
    for task in workflow.get_tasks():  # a state filter would not descend below unfinished tasks
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) and task.has_state(TaskState.COMPLETED):
            key, at = (task.workflow.spec.name, spec.bpmn_id), task.last_state_change
            if key not in first or at < first[key][0]:
                first[key] = (at, spec.bpmn_name or spec.bpmn_id)
    return [(p, e, name) for (p, e), (_, name) in sorted(first.items(), key=lambda kv: kv[1][0])]


def completed_forms(workflow: BpmnWorkflow) -> list[str]:
    """The forms of the completed tasks, each once, ordered by its last completion."""
    last: dict[str, float] = dict(history.forms) if (history := of(workflow)) else {}
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        form = form_of(task)
        if form and task.last_state_change > last.get(form, float("-inf")):
            last[form] = task.last_state_change
    return sorted(last, key=lambda form: last[form])


def _names(workflow: BpmnWorkflow) -> dict[tuple[str, str], str]:
    """Element names in the specs the instance runs on now (a version move may have renamed elements)."""
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    return {(spec.name, s.bpmn_id): s.bpmn_name or s.bpmn_id for spec in specs for s in spec.task_specs.values()
            if getattr(s, "bpmn_id", None)}
