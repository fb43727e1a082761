"""Warnings, not refusals: a deadline rule on a boundary timer that does not fit the task it guards.

Two questions, asked of every boundary timer whose expression is a valid ``deadline(rule, start, ...)`` call:

* **Who acts.** Each rule names the role that must act within its term (``acting_role`` in
  ``processes/deadlines.toml``). A timer on a user task whose lane is another role guards someone else's term
  (T19, the employer's answer to a preventive request, on the occupational physician's visit). Only user tasks
  are asked: a lane's role does a user task, while a call activity or a receive task in a lane waits for others.
* **From when.** The start argument names the date the term counts from. When every element of the process that
  records that date (a form field, a script, a message) comes after the task, or is the task itself, the date is
  unknown when the timer is armed, or is an earlier round's: the term counts from an event that has not happened
  yet for this task and can be due before the task exists. A date no element of the process records (a start
  variable, a called process's output) is taken as known at the start: whether it is set at all is the data-flow
  check's concern.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from lxml import etree

from ..casework import access
from ..law.deadlines import Rule
from .diagram_expressions import NS, owner, property_value, timer_problems
from .problem_codes import problem

FORM_PROPERTY = "formJsonSchemaFilename"
Found = list[tuple[etree._Element, str]]


def rule_fit_warnings(process: etree._Element, rules: Mapping[str, Rule], forms: Mapping[str, dict]) -> Found:
    """Every boundary timer of ``process`` whose rule belongs to another role than its task's lane, or counts from
    a date recorded only by or after its task; ``forms`` are the checked form schemas by file name."""
    found: Found = []
    lanes = {ref.text: lane.get("name") for lane in process.iterfind(".//bpmn:lane", NS)
             for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    elements = {e.get("id"): e for e in process.iter() if isinstance(e.tag, str) and e.get("id")}
    writers = _writers(process, forms)
    incoming = _incoming(process)
    for definition in process.iterfind(".//bpmn:boundaryEvent/bpmn:timerEventDefinition", NS):
        event = definition.getparent()
        task = elements.get(event.get("attachedToRef") or "")
        messages, rule_ids = timer_problems(event, definition, rules)
        if task is None or messages:
            continue
        known = [rules[rule_id] for rule_id in rule_ids if rule_id in rules]
        found += [(event, m) for m in _role_messages(task, lanes.get(task.get("id")), known)]
        found += [(event, m) for m in _start_messages(task, definition, known, writers, incoming)]
    return found


def _role_messages(task: etree._Element, lane: str | None, rules: list[Rule]) -> list[str]:
    role = access.role_for_lane(lane)
    if etree.QName(task).localname != "userTask" or role is None:
        return []
    label = task.get("name") or task.get("id")
    return [problem("model.rule_other_role", rule=rule.id, acting_role=rule.acting_role, task=label, lane_role=role)
            for rule in rules if rule.acting_role and rule.acting_role != role]


def _start_messages(task: etree._Element, definition: etree._Element, rules: list[Rule],
                    writers: dict[str, set[str]], incoming: dict[str, set[str]]) -> list[str]:
    if not rules:
        return []
    expression = next(child for child in definition if isinstance(child.tag, str))
    call = ast.parse((expression.text or "").strip(), mode="eval").body
    assert isinstance(call, ast.Call)  # timer_problems accepted it as one deadline() call
    names = sorted({node.id for node in ast.walk(call.args[1]) if isinstance(node, ast.Name)})
    task_id = task.get("id") or ""
    earlier = _before(incoming, task_id)
    late = [name for name in names if writers.get(name) and not (writers[name] - {task_id}) & earlier
            and f"{task_id}:pre" not in writers[name]]
    label = task.get("name") or task_id
    return [problem("model.rule_counts_from_later", rule=", ".join(rule.id for rule in rules), start=name, task=label)
            for name in late]


def _writers(process: etree._Element, forms: Mapping[str, dict]) -> dict[str, set[str]]:
    """Each variable name and the ids of the elements that record it (``<id>:pre`` for a task's preScript, which
    runs before the task)."""
    found: dict[str, set[str]] = {}

    def add(names: set[str], element_id: str) -> None:
        for name in names:
            found.setdefault(name, set()).add(element_id)

    for task in process.iterfind(".//bpmn:userTask", NS):
        schema = forms.get(property_value(task, FORM_PROPERTY) or "") or {}
        add(set(schema.get("properties") or {}), task.get("id"))
    for script in process.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        add(_assigned(script.text or ""), script.getparent().get("id"))
    for path, suffix in ((".//spiffworkflow:preScript", ":pre"), (".//spiffworkflow:postScript", "")):
        for script in process.iterfind(path, NS):
            add(_assigned(script.text or ""), owner(script).get("id") + suffix)
    for variable in process.iterfind(".//spiffworkflow:messageVariable", NS):
        add({(variable.text or "").strip()}, owner(variable).get("id"))
    return found


def _assigned(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _incoming(process: etree._Element) -> dict[str, set[str]]:
    """Each element id and the ids of the elements right before it: along sequence flows, from a task to its
    boundary events, and from a subprocess to the start of its inside."""
    incoming: dict[str, set[str]] = {}
    for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
        incoming.setdefault(flow.get("targetRef"), set()).add(flow.get("sourceRef"))
    for event in process.iterfind(".//bpmn:boundaryEvent", NS):
        incoming.setdefault(event.get("id"), set()).add(event.get("attachedToRef"))
    for sub in process.iterfind(".//bpmn:subProcess", NS):
        for start in sub.iterfind("bpmn:startEvent", NS):
            incoming.setdefault(start.get("id"), set()).add(sub.get("id"))
    return incoming


def _before(incoming: dict[str, set[str]], element_id: str) -> set[str]:
    """The ids of the elements that can run before ``element_id`` (itself excluded, even in a loop)."""
    seen: set[str] = set()
    todo = list(incoming.get(element_id, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(incoming.get(current, ()))
    return seen - {element_id}
