"""The limits of one engine call: how many engine steps it runs, for how long, how many instances it creates.

A diagram may loop through automatic tasks (scripts, gateways) without ever waiting; an engine call that ran
it would never end and would hold its transaction, and on SQLite the writer lock, for ever. A multi-instance
activity creates all its parallel instances in one step. Both are bounded here; reaching a limit ends the call
with ``InvalidModel`` naming the element, and the call's transaction rolls back, so nothing of it is kept.
"""

from __future__ import annotations

import ast
import time
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from ..errors import InvalidModel, Problem
from .problem_codes import problem

MAX_ENGINE_STEPS = 1_000  # automatic tasks run in one engine call; the shipped procedures need a few dozen
MAX_CALL_SECONDS = 10.0  # a handful of scripts at their 1 s limit, never an endless cycle
MAX_INSTANCES = 1_000  # instances of one multi-instance activity


class StepBudget:
    """Count the engine steps of one call; ``spend`` is SpiffWorkflow's ``will_complete_task`` callback."""

    def __init__(self) -> None:
        self.steps = 0
        self.ends_at = time.monotonic() + MAX_CALL_SECONDS

    def spend(self, task: Any) -> None:
        self.steps += 1
        if self.steps > MAX_ENGINE_STEPS or time.monotonic() > self.ends_at:
            message = problem("run.endless_steps", steps=MAX_ENGINE_STEPS, seconds=f"{MAX_CALL_SECONDS:g}")
            raise InvalidModel(message, [Problem(task.task_spec.bpmn_id, message)])


def bound_instances(workflow: BpmnWorkflow) -> None:
    """Make every multi-instance activity of ``workflow`` refuse to create more than ``MAX_INSTANCES`` instances."""
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    for spec in (s for process in specs for s in process.task_specs.values() if isinstance(s, MultiInstanceTask)):
        if not spec.update_event.is_connected(_check_instances):
            spec.update_event.connect(_check_instances)


def _check_instances(workflow: BpmnWorkflow, task: Any) -> None:
    """Before a multi-instance activity creates its instances (SpiffWorkflow's ``update_event``), count them."""
    spec = task.task_spec
    if spec.data_input is not None:
        count = len(spec.data_input.get(task)) if spec.data_input.exists(task) else 0
    else:
        count = workflow.script_engine.evaluate(task, spec.cardinality)
    if isinstance(count, int) and count > MAX_INSTANCES:
        message = problem("run.too_many_instances", limit=MAX_INSTANCES, count=count)
        raise InvalidModel(message, [Problem(spec.bpmn_id, message)])


def literal_cardinality_problem(expression: str) -> str | None:
    """Why a literal loop cardinality is refused at deploy (too many instances), else None."""
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, int) and value > MAX_INSTANCES:
        return problem("run.cardinality_too_high", value=value, limit=MAX_INSTANCES)
    return None
