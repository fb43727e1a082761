"""Every expression a diagram holds, checked at deploy: timers take their date from exactly one deadline rule,
everything else compiles in the restricted script engine, names that receive data are plain variable names.

A timer expression is one call ``deadline(rule, start[, regime_on[, alternative_start]])`` and nothing around it,
so the rule alone sets the date. The rule is a literal id, or a variable when the timer lists the rules it may
take in ``deadlineRules``. Only ``timeDate`` runs such a call; ``timeCycle`` is for rules the law repeats
(``repeats = true`` in ``processes/deadlines.toml``).
"""

from __future__ import annotations

import ast
import builtins
import keyword
from collections.abc import Mapping
from functools import lru_cache

from lxml import etree

from ..law import deadlines
from ..law.deadlines import Rule
from ..runtime import sandbox_limits, scripting
from .problem_codes import problem

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
RULES_PROPERTY = "deadlineRules"
MAX_NESTING = 100
DEADLINE_KEYWORDS = ("regime_on", "alternative_start")
_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)
PYTHON_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))

EXPRESSIONS = {
    ".//bpmn:conditionExpression": "eval",
    ".//bpmn:completionCondition": "eval",
    ".//bpmn:loopCardinality": "eval",
    ".//bpmn:loopCondition": "eval",
    ".//bpmn:conditionalEventDefinition/bpmn:condition": "eval",
    ".//bpmn:scriptTask/bpmn:script": "exec",
    ".//spiffworkflow:preScript": "exec",
    ".//spiffworkflow:postScript": "exec",
    ".//spiffworkflow:messagePayload": "eval",
    ".//spiffworkflow:processVariableCorrelation/spiffworkflow:expression": "eval",
    ".//bpmn:messagePath": "eval",
    ".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression": "eval",
}
"""Where SpiffWorkflow evaluates (``eval``) or runs (``exec``) diagram code."""

NAMES = (".//spiffworkflow:messageVariable", ".//bpmn:loopDataInputRef", ".//bpmn:loopDataOutputRef")
NAMED = (".//bpmn:inputDataItem", ".//bpmn:outputDataItem", ".//bpmn:ioSpecification/bpmn:dataInput",
         ".//bpmn:ioSpecification/bpmn:dataOutput")
"""Elements whose text, or whose ``name``, is the variable that receives data."""

UNRUN = {".//bpmn:assignment": "model.assignment_unrun", ".//bpmn:transformation": "model.transformation_unrun"}

Found = list[tuple[etree._Element, str]]


def property_value(element: etree._Element, name: str) -> str | None:
    """The value of the bpmn-js-spiffworkflow property ``name`` of ``element``, or None."""
    for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def listed_rules(listed: str | None) -> list[str]:
    return [r.strip() for r in listed.split(",") if r.strip()] if listed else []


def compile_problems(source: str, mode: str) -> list[str]:
    """Why ``source`` cannot run in the restricted engine; never raises, however long or deep it is."""
    return list(_compile_problems(source, mode))


@lru_cache(maxsize=4096)
def _compile_problems(source: str, mode: str) -> tuple[str, ...]:
    if mode == "eval" and not source.strip():
        return (problem("model.expression_empty"),)
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
        if _nesting(tree) > MAX_NESTING:
            return (problem("model.expression_nested", limit=MAX_NESTING),)
        return (*scripting.compile_problems(source, mode), *_unavailable_builtins(tree))
    except SyntaxError as err:
        return (problem("model.expression_syntax", detail=err.msg, line=err.lineno),)
    except _PARSE_ERRORS:
        return (problem("model.expression_too_long", limit=MAX_NESTING),)


def _unavailable_builtins(tree: ast.AST) -> list[str]:
    """Python's builtins the script engine does not give diagram code (``open``, ``locals``, ``eval``…): each would
    fail only when a case reaches it, so deploy names them."""
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
    assigned = {node.id for node in names if not isinstance(node.ctx, ast.Load)}
    used = {node.id for node in names if isinstance(node.ctx, ast.Load)} - assigned
    return [problem("model.builtin_unavailable", name=name)
            for name in sorted(used & PYTHON_BUILTINS - set(sandbox_limits.restricted_builtins()))]


def _nesting(tree: ast.AST) -> int:
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        todo.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def expression_problems(tree: etree._Element) -> Found:
    """Every expression of the file that does not compile, name that is no variable, and data mapping not run."""
    found: Found = []
    for path, mode in EXPRESSIONS.items():
        for element in tree.iterfind(path, NS):
            found += [(owner(element), m if getattr(m, "code", "") == "model.expression_empty"
                       else problem("model.expression", problem=m)) for m in compile_problems(element.text or "", mode)]
    for path in NAMES:
        found += [(owner(e), problem("model.not_a_variable", name=e.text or "")) for e in tree.iterfind(path, NS)
                  if not _is_variable(e.text)]
    for path in NAMED:
        found += [(owner(e), problem("model.not_a_variable", name=e.get("name"))) for e in tree.iterfind(path, NS)
                  if e.get("name") is not None and not _is_variable(e.get("name"))]
    for path, code in UNRUN.items():
        found += [(owner(e), problem(code)) for e in tree.iterfind(path, NS)]
    found += [(task, problem("model.script_empty")) for task in tree.iterfind(".//bpmn:scriptTask", NS)
              if not (task.findtext("bpmn:script", default="", namespaces=NS) or "").strip()]
    return found


def _is_variable(text: str | None) -> bool:
    name = (text or "").strip()
    return name.isidentifier() and not name.startswith("_") and not keyword.iskeyword(name)


def owner(element: etree._Element) -> etree._Element:
    """The nearest element with an id that the diagram draws (an event, not its event definition)."""
    while (element.get("id") is None or etree.QName(element).localname.endswith("EventDefinition")) \
            and element.getparent() is not None:
        element = element.getparent()
    return element


def timer_problems(event: etree._Element, definition: etree._Element, rules: Mapping[str, Rule]) \
        -> tuple[list[str], list[str]]:
    """The problems of one timer, and the rules it may take (for the version's snapshot)."""
    expressions = [child for child in definition if isinstance(child.tag, str)]
    if len(expressions) != 1:
        return [problem("model.timer_expressions")], []
    kind, source = etree.QName(expressions[0]).localname, expressions[0].text or ""
    messages: list[str] = [problem("model.timer_expression", problem=m) for m in compile_problems(source, "eval")]
    call = None if messages else _deadline_call(source)
    if call is None:
        return messages or [_one_call()], []
    rule_ids = _rule_ids(event, call)
    if not rule_ids:
        return [_one_call()], []
    messages = [problem("model.unknown_rule", rule=rule) for rule in rule_ids if rule not in rules]
    messages += _argument_problems(call) + _kind_problems(kind, [rules[r] for r in rule_ids if r in rules])
    return messages, rule_ids


def _one_call() -> str:
    return problem("model.timer_one_call", example='deadline("T08", start)', property=RULES_PROPERTY)


def _deadline_call(source: str) -> ast.Call | None:
    body = ast.parse(source.strip(), mode="eval").body
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == "deadline":
        return body
    return None


def _rule_ids(event: etree._Element, call: ast.Call) -> list[str]:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return [first.value]
    return listed_rules(property_value(event, RULES_PROPERTY)) if isinstance(first, ast.Name) else []


def _argument_problems(call: ast.Call) -> list[str]:
    messages: list[str] = []
    if not 2 <= len(call.args) <= 4 or any(isinstance(a, ast.Starred) for a in call.args):
        messages.append(problem("model.deadline_arguments"))
    if any(k.arg not in DEADLINE_KEYWORDS for k in call.keywords):
        messages.append(problem("model.deadline_keywords", keywords=", ".join(DEADLINE_KEYWORDS)))
    arguments = [*call.args[1:], *(k.value for k in call.keywords)]
    if any(isinstance(a, ast.Constant) and a.value is not None for a in arguments):
        messages.append(problem("model.deadline_literal_start"))
    calls = [n for a in arguments for n in ast.walk(a) if isinstance(n, ast.Call)]
    if any(getattr(call.func, "id", None) == "deadline" for call in calls):
        messages.append(problem("model.deadline_nested"))
    return messages


def _kind_problems(kind: str, rules: list[Rule]) -> list[str]:
    if kind == "timeDuration":
        return [problem("model.deadline_duration")]
    if kind != "timeCycle":
        return []
    once = [rule.id for rule in rules if not rule.repeats]
    if once:
        return [problem("model.cycle_not_repeating", rules=", ".join(once))]
    uneven = [rule.id for rule in rules if any(r.unit not in deadlines.CYCLE_UNITS for r in rule.regimes)]
    if uneven:
        return [problem("model.cycle_uneven", rules=", ".join(uneven))]
    return []
