"""The term of its procedure that governs a user task with no term of its own.

A task that comes before the activity a term guards lives under that term: recording the re-integration request
and sending the invitations come before the assessment whose boundary timer counts T08. The governing term is
the earliest of the nearest boundary timers of a deadline rule downstream of the task in its own process or,
when there is none, downstream of the call activity it runs in. Its due date is computed as the timer will
compute it, from the instance's data; it stays open while the date the term counts from is still to be recorded
(the task that records the request knows the rule, not yet the date).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.task import Task

from ..errors import EngineError
from ..law import deadlines
from ..law.deadlines import Computation, Rule

_ARGUMENTS = ("start", "regime_on", "alternative_start")
_MISSING = object()


@dataclass(frozen=True)
class ProcedureTerm:
    """A rule that governs a task through a timer further on, with its computation once its start is known."""

    rule: str
    computation: Computation | None


def enclosing(task: Task) -> list[Task]:
    """``task`` and the call activities (or subprocesses) it runs inside, innermost first."""
    found: list[Task] = []
    current: Task | None = task
    while current is not None:
        found.append(current)
        parent_id = getattr(current.workflow, "parent_task_id", None)
        current = current.workflow.top_workflow.get_task_from_id(parent_id) if parent_id else None
    return found


def governing(task: Task, rules: Mapping[str, Rule]) -> ProcedureTerm | None:
    """The earliest due of the nearest deadline terms downstream of ``task`` (or of a call activity around it)."""
    for level in enclosing(task):
        terms = _downstream(level, rules)
        if terms:
            return min(terms, key=lambda t: (t.computation is None, t.computation and t.computation.due_on))
    return None


def _downstream(level: Task, rules: Mapping[str, Rule]) -> list[ProcedureTerm]:
    """Deadline terms on the guarded activities along every path from ``level``, up to the first dated one: a
    term still waiting for its start (the worker's window after an invitation not yet sent) lets the path go on
    to a later term that is dated (the finding due three months after the notification)."""
    found: list[ProcedureTerm] = []
    seen, queue = {level.task_spec.name}, list(level.task_spec.outputs)
    while queue:
        spec = queue.pop(0)
        if spec.name in seen or isinstance(spec, BoundaryEvent):
            continue
        seen.add(spec.name)
        terms = _guarding_terms(spec, level.data, rules) if isinstance(spec, BoundaryEventSplit) else []
        found.extend(terms)
        if not any(t.computation for t in terms):
            queue.extend(o for o in spec.outputs if not isinstance(o, BoundaryEvent))
    return found


def _guarding_terms(split: Any, data: Mapping[str, Any], rules: Mapping[str, Rule]) -> list[ProcedureTerm]:
    timers = [o.event_definition for o in split.outputs if isinstance(o, BoundaryEvent)
              and isinstance(o.event_definition, TimerEventDefinition)]
    return [term for timer in timers if (term := _term(timer.expression, data, rules)) is not None]


def _term(expression: str, data: Mapping[str, Any], rules: Mapping[str, Rule]) -> ProcedureTerm | None:
    """The term a ``deadline(rule, start, ...)`` expression counts, if its rule is a deadline the data names."""
    try:
        call = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "deadline"
            and len(call.args) >= 2):
        return None
    rule, *values = [_value(node, data) for node in call.args]
    if not isinstance(rule, str) or rule not in rules or rules[rule].kind != "deadline":
        return None
    keywords = {k.arg: _value(k.value, data) for k in call.keywords if k.arg}
    arguments = dict(zip(_ARGUMENTS, values, strict=False)) | keywords
    if _MISSING in arguments.values():
        return ProcedureTerm(rule, None)
    try:
        length = deadlines.length_of(rules[rule], data)
        return ProcedureTerm(rule, deadlines.compute(rule, rules=rules, length=length, **arguments))
    except (EngineError, TypeError):
        return ProcedureTerm(rule, None)


def _value(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and data.get(node.id) is not None:
        return data[node.id]
    return _MISSING
