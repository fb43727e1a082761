"""Checks a bundle of BPMN files before it may be deployed, and reports every problem at once.

Order: the file's encoding (``model_files``), safe XML (no DTD, entities or external references, at most 255
levels deep), the BPMN XSD, SpiffWorkflow's parser, then our conventions: every process has lanes and every lane
is a role, user tasks name existing forms (``forms``, ``form_refs``), timers are one call of a known deadline rule,
every expression compiles in the restricted script engine (``diagram_expressions``) and reads only variables set
before it on every path (``data_flow``). Nothing raises: whatever
is wrong is a ``Problem`` with its element or file.

A boundary timer whose rule is of kind ``deadline`` names in ``actDate`` the variable holding the legal
date of the act that meets the term: the verdict compares that date with the due date (``verdicts``).

Every lane is a case role and every case role acts under the law, so every lane is a legal lane: a user
task in a lane has a boundary timer (whose rule the timer check verifies), lists in ``deadlineRules`` the
known rules that bound it through a timer elsewhere, or says in ``notTimeBound`` why the law sets it no term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from jsonschema import Draft202012Validator, SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from ..casework import access, forms
from ..errors import Problem
from ..law.deadlines import Rule
from ..runtime import run_limits
from . import data_flow, model_files
from .diagram_expressions import NS, RULES_PROPERTY, expression_problems, listed_rules, timer_problems
from .diagram_expressions import property_value as _property
from .parser_problems import parser_problem
from .problem_codes import problem
from .rule_fit import rule_fit_warnings

MAX_FILE_BYTES = 5_000_000
FORM_PROPERTY = "formJsonSchemaFilename"
NOT_TIME_BOUND_PROPERTY = "notTimeBound"
ACT_DATE_PROPERTY = "actDate"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class Checked:
    """What validation learnt: the parser (when it succeeded), forms and rules used, and problems."""

    parser: SpiffBpmnParser | None = None
    process_ids: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    forms_by_file: dict[str, set[str]] = field(default_factory=dict)
    rules_by_file: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """What deploys but deserves a look (``rule_fit``): a timer's rule that does not fit its task."""
    texts: dict[str, str] = field(default_factory=dict)
    """Each file's text as it is stored: decoded as its encoding says, declared UTF-8."""

    def files_of(self, process_id: str) -> set[str]:
        """The files a process needs: its own and those of the processes it calls, transitively."""
        assert self.parser is not None
        wanted = {process_id, *self.parser.get_subprocess_specs(process_id)}
        return {self.parser.process_parsers[p].filename for p in wanted}


def check(files: Mapping[str, bytes], form_sources: Mapping[str, bytes], rules: Mapping[str, Rule]) -> Checked:
    """Validate BPMN ``files`` against the forms and deadline rules available (rules by id, each with a
    ``kind``)."""
    result = Checked()
    trees = {name: tree for name, data in files.items() if (tree := _parse(name, data, result)) is not None}
    if len(trees) < len(files):
        return result
    for name, tree in trees.items():
        _check_schema(name, tree, result)
        _check_executable(name, tree, result)
    if result.problems:
        return result
    _parse_spiff(trees, result)
    for name, tree in trees.items():
        _check_conventions(name, tree, form_sources, rules, result)
    _check_called(trees, result)
    for file, element, message in data_flow.unset_reads(trees, result.forms, form_sources):
        _problem(result, element, message, file)
    return result


def calls(files: Mapping[str, bytes]) -> dict[str, tuple[set[str], set[str]]]:
    """Per file that reads as safe XML: the executable processes it holds and the processes its call activities
    call (``repository.with_called`` looks the missing ones up among the deployed versions)."""
    found = {}
    for name, data in files.items():
        tree = _parse(name, data, Checked())
        if tree is not None:
            called = {call.get("calledElement") or "" for call in tree.iterfind(".//bpmn:callActivity", NS)}
            found[name] = (set(_executable_ids({name: tree})), called - {""})
    return found


def _check_executable(name: str, tree: etree._Element, result: Checked) -> None:
    """A file whose every process is ``isExecutable="false"`` (a new bpmn.io diagram) would deploy nothing: say so."""
    processes = tree.findall("bpmn:process", NS)
    if processes and all(p.get("isExecutable", "true") != "true" for p in processes):
        for process in processes:
            _problem(result, process, problem("model.not_executable", process=process.get("id")), name)


def _check_called(trees: Mapping[str, etree._Element], result: Checked) -> None:
    """A call activity calls a process deployed with it (or deployed before, which ``repository.with_called`` adds to
    the files), so no instance fails when it gets there."""
    known = set(_executable_ids(trees))
    for name, tree in trees.items():
        for call in tree.iterfind(".//bpmn:callActivity", NS):
            if call.get("calledElement") not in known:
                _problem(result, call, problem("model.call_unknown", called=call.get("calledElement")), name)


def _parse(name: str, data: bytes, result: Checked) -> etree._Element | None:
    if len(data) > MAX_FILE_BYTES:
        result.problems.append(Problem(None, problem("model.file_too_large", limit=MAX_FILE_BYTES), name))
        return None
    try:
        text = model_files.xml_text(data)
    except model_files.Unreadable as err:
        result.problems.append(Problem(None, err.args[0], name))
        return None
    tree = _parse_text(name, text.encode(), result)
    if tree is not None:
        result.texts[name] = text
    return tree


def _parse_text(name: str, data: bytes, result: Checked) -> etree._Element | None:
    try:
        safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        message = problem("model.xml_declarations", kind=type(err).__name__)
        result.problems.append(Problem(None, message, name))
        return None
    except safe_xml.ParseError as err:
        result.problems.append(Problem(None, problem("model.xml_malformed", detail=str(err)), name,
                                       err.position[0]))
        return None
    except RecursionError:
        result.problems.append(Problem(None, problem("model.xml_too_deep"), name))
        return None
    try:
        return etree.fromstring(data, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as err:
        message = problem("model.xml_depth_limit") if "depth" in str(err) else problem("model.xml_syntax",
                                                                                         detail=str(err))
        result.problems.append(Problem(None, message, name, err.lineno))
        return None


def _check_schema(name: str, tree: etree._Element, result: Checked) -> None:
    VALIDATOR.preprocess(tree)
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return
    for error in schema.error_log:
        message = problem("model.bpmn_schema", detail=error.message)
        result.problems.append(Problem(_element_id_at(tree, error.line), message, name, error.line))


def _element_id_at(tree: etree._Element, line: int) -> str | None:
    found = None
    for element in tree.iter():
        if isinstance(element.tag, str) and element.sourceline == line and element.get("id"):
            found = element.get("id")
    return found


def _parse_spiff(trees: Mapping[str, etree._Element], result: Checked) -> None:
    parser = SpiffBpmnParser()
    try:
        for name, tree in trees.items():
            parser.add_bpmn_xml(tree, name)
        for process_id in _executable_ids(trees):
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
            result.process_ids.append(process_id)
    except ValidationException as err:
        found = parser_problem(err, trees)
        result.problems.extend([found] if found is not None else [])
        return
    result.parser = parser


def _executable_ids(trees: Mapping[str, etree._Element]) -> list[str]:
    return [
        process.get("id")
        for tree in trees.values()
        for process in tree.iterfind("bpmn:process", NS)
        if process.get("isExecutable", "true") == "true"
    ]


def _check_conventions(
    name: str, tree: etree._Element, form_sources: Mapping[str, bytes], rules: Mapping[str, Rule], result: Checked
) -> None:
    rule_ids = set(rules)
    for process in tree.iterfind("bpmn:process", NS):
        if process.get("isExecutable") == "false":
            continue  # never run (a pool drawn as a black box): no lanes, forms or deadlines to check
        result.names[process.get("id")] = process.get("name") or process.get("id")
        _check_lanes(name, process, result)
        _check_user_tasks(name, process, form_sources, result)
        _check_task_deadlines(name, process, rule_ids, result)
        _check_timers(name, process, rules, result)
        result.warnings += [Problem(e.get("id"), m, name, e.sourceline) for e, m in rule_fit_warnings(process, rules,
                                                                                                        result.forms)]
        _check_cardinality(name, process, result)
        _check_refused_elements(name, process, result)
    for element, message in expression_problems(tree):
        _problem(result, element, message, name)
    _check_messages(name, tree, result)


def _problem(result: Checked, element: etree._Element, message: str, file: str) -> None:
    result.problems.append(Problem(element.get("id"), message, file, element.sourceline))


def _check_lanes(file: str, process: etree._Element, result: Checked) -> None:
    if process.find(".//bpmn:lane", NS) is None:
        roles = ", ".join(access.CASE_ROLES)
        _problem(result, process, problem("model.no_lanes", roles=roles), file)
    for lane in process.iterfind(".//bpmn:lane", NS):
        if access.role_for_lane(lane.get("name")) is None:
            roles = ", ".join(access.CASE_ROLES)
            message = (problem("model.lane_without_role", lane=lane.get("name"), roles=roles) if lane.get("name")
                       else problem("model.lane_unnamed", roles=roles))
            _problem(result, lane, message, file)


def _check_user_tasks(file: str, process: etree._Element, forms: Mapping[str, bytes], result: Checked) -> None:
    in_lanes = {ref.text for ref in process.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}
    for task in process.iterfind(".//bpmn:userTask", NS):
        if process.find(".//bpmn:lane", NS) is not None and task.get("id") not in in_lanes:
            _problem(result, task, problem("model.task_in_no_lane"), file)
        form = _property(task, FORM_PROPERTY)
        if not form:
            _problem(result, task, problem("model.task_without_form", property=FORM_PROPERTY), file)
        elif form not in forms:
            _problem(result, task, problem("model.form_missing", form=form), file)
        else:
            _check_form(file, task, form, forms[form], result)


def _check_task_deadlines(file: str, process: etree._Element, rule_ids: set[str], result: Checked) -> None:
    if process.find(".//bpmn:lane", NS) is None:
        return
    in_lanes = {ref.text for ref in process.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}
    timed = {
        event.get("attachedToRef")
        for event in process.iterfind(".//bpmn:boundaryEvent", NS)
        if event.find("bpmn:timerEventDefinition", NS) is not None
    }
    for task in process.iterfind(".//bpmn:userTask", NS):
        if task.get("id") in in_lanes and task.get("id") not in timed:
            _check_untimed_task(file, task, rule_ids, result)


def _check_untimed_task(file: str, task: etree._Element, rule_ids: set[str], result: Checked) -> None:
    label = task.get("name") or task.get("id")
    rules = listed_rules(_property(task, RULES_PROPERTY))
    reason = _property(task, NOT_TIME_BOUND_PROPERTY)
    if rules and reason is not None:
        _problem(result, task, problem("model.deadline_twice", task=label), file)
    elif reason is not None and not reason.strip():
        message = problem("model.untimed_without_reason", task=label, property=NOT_TIME_BOUND_PROPERTY)
        _problem(result, task, message, file)
    elif reason is None and not rules:
        message = problem("model.task_without_deadline", task=label, rules=RULES_PROPERTY,
                          untimed=NOT_TIME_BOUND_PROPERTY)
        _problem(result, task, message, file)
    for rule in rules:
        if rule not in rule_ids:
            _problem(result, task, problem("model.unknown_rule", rule=rule), file)


def _check_form(file: str, task: etree._Element, form: str, source: bytes, result: Checked) -> None:
    not_schema, conventions = _form_problems(source)
    if not_schema is not None:
        _problem(result, task, problem("model.form_not_schema", form=form, detail=not_schema), file)
        return
    for message in conventions:
        _problem(result, task, problem("model.form_convention", form=form, problem=message), file)
    result.forms[form] = model_files.load_json(source)
    result.forms_by_file.setdefault(file, set()).add(form)


@lru_cache(maxsize=256)
def _form_problems(source: bytes) -> tuple[str | None, tuple[str, ...]]:
    """Why ``source`` is no JSON Schema (None when it is one), and how it breaks the form conventions.

    Checking a schema against JSON Schema's own is most of a deploy's time, and a form's verdict depends on its
    bytes alone: the forms several tasks or versions share are checked once per process."""
    try:
        schema = model_files.load_json(source)
        Draft202012Validator.check_schema(schema)
    except (ValueError, SchemaError) as err:
        return str(err).splitlines()[0], ()
    return None, tuple(forms.convention_problems(schema))


def _check_timers(file: str, process: etree._Element, rules: Mapping[str, Rule], result: Checked) -> None:
    for definition in process.iterfind(".//bpmn:timerEventDefinition", NS):
        event = definition.getparent()
        messages, timer_rules = timer_problems(event, definition, rules)
        for message in messages:
            _problem(result, event, message, file)
        known = [rule for rule in timer_rules if rule in rules]
        result.rules_by_file.setdefault(file, set()).update(known)
        _check_act_date(file, event, [rules[r] for r in known], result)


def _check_act_date(file: str, event: etree._Element, rules: list[Rule], result: Checked) -> None:
    """A boundary timer guarding a legal deadline names the variable with the legal date of the act."""
    guarded = [rule.id for rule in rules if rule.kind == "deadline"]
    if etree.QName(event).localname != "boundaryEvent" or not guarded:
        return
    if not (_property(event, ACT_DATE_PROPERTY) or "").strip():
        message = problem("model.act_date_missing", rules=", ".join(guarded), property=ACT_DATE_PROPERTY)
        _problem(result, event, message, file)


def _check_cardinality(file: str, process: etree._Element, result: Checked) -> None:
    for element in process.iterfind(".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", NS):
        problem = run_limits.literal_cardinality_problem(element.text or "")
        if problem:
            _problem(result, element.getparent().getparent(), problem, file)


_REFUSED = {
    "bpmn:eventBasedGateway": "model.event_based_gateway",
    "bpmn:serviceTask": "model.service_task",
    "bpmn:businessRuleTask": "model.business_rule_task",
}


def _check_refused_elements(file: str, process: etree._Element, result: Checked) -> None:
    for tag, code in _REFUSED.items():
        for element in process.iterfind(f".//{tag}", NS):
            _problem(result, element, problem(code), file)


def _check_messages(file: str, tree: etree._Element, result: Checked) -> None:
    names = {m.get("id"): m.get("name") for m in tree.iterfind("bpmn:message", NS)}
    for definition in tree.iterfind(".//bpmn:messageEventDefinition", NS):
        if not names.get(definition.get("messageRef") or ""):
            _problem(result, definition.getparent(), problem("model.message_unnamed"), file)
    for task in tree.iterfind(".//bpmn:receiveTask", NS):
        if not names.get(task.get("messageRef") or ""):
            _problem(result, task, problem("model.receive_unnamed"), file)
