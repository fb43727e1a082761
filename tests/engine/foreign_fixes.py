"""The fixes a process owner makes in the modeler to bring a foreign diagram up to our conventions, applied by code:
one per problem code, on the element the problem names (``fix``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

import engine

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORM = "visit_request.json"
ROLE_LANE = "Employer"
TIMER = 'deadline("T15", request_received_on)'
BEFORE_FLOW = {"documentation", "extensionElements", "supportedInterfaceRef", "ioSpecification", "ioBinding",
               "auditing", "monitoring", "property", "laneSet"}
NOT_IN_LANES = {"sequenceFlow", "laneSet", "textAnnotation", "association", "dataObject", "dataObjectReference",
                "dataStoreReference", "group", "category"} | BEFORE_FLOW


def fix(xml: str, problems: list[engine.Problem]) -> str:
    """``xml`` with the fix each problem asks for applied (``AssertionError`` for a problem no fix is written for)."""
    tree = etree.fromstring(xml.encode())
    for problem in problems:
        code = getattr(problem.message, "code", None)
        assert code in FIXES, f"no fix written for {code}: {problem}"
        [element] = tree.xpath("//*[@id=$id]", id=problem.element_id)
        FIXES[code](element)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode()


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _insert_leading(parent: etree._Element, child: etree._Element, before_flow: set[str]) -> None:
    index = 0
    while index < len(parent) and _local(parent[index]) in before_flow:
        index += 1
    parent.insert(index, child)


def _property(element: etree._Element, name: str, value: str) -> None:
    """Set a bpmn-js-spiffworkflow property, as the modeler's panel does, beside any extension already there."""
    extensions = element.find(_q(BPMN, "extensionElements"))
    if extensions is None:
        extensions = etree.Element(_q(BPMN, "extensionElements"))
        _insert_leading(element, extensions, {"documentation"})
    properties = extensions.find(_q(SPIFF, "properties"))
    if properties is None:
        properties = etree.SubElement(extensions, _q(SPIFF, "properties"))
    for prop in properties.findall(_q(SPIFF, "property")):
        if prop.get("name") == name:
            properties.remove(prop)
    etree.SubElement(properties, _q(SPIFF, "property"), name=name, value=value)


def add_lanes(process: etree._Element) -> None:
    lane_set = etree.Element(_q(BPMN, "laneSet"), id=f"{process.get('id')}_lanes")
    lane = etree.SubElement(lane_set, _q(BPMN, "lane"), id=f"{process.get('id')}_employer", name=ROLE_LANE)
    for node in process:
        if _local(node) and _local(node) not in NOT_IN_LANES:
            etree.SubElement(lane, _q(BPMN, "flowNodeRef")).text = node.get("id")
    _insert_leading(process, lane_set, BEFORE_FLOW - {"laneSet"})


def name_lane(lane: etree._Element) -> None:
    lane.set("name", ROLE_LANE)


def set_form(task: etree._Element) -> None:
    _property(task, "formJsonSchemaFilename", FORM)


def say_not_time_bound(task: etree._Element) -> None:
    _property(task, "notTimeBound", "Written for the import tests: the law sets this task no term.")


def set_deadline_rule(event: etree._Element) -> None:
    definition = event.find(_q(BPMN, "timerEventDefinition"))
    for old in list(definition):
        definition.remove(old)
    time_date = etree.SubElement(definition, _q(BPMN, "timeDate"))
    time_date.set(_q(XSI, "type"), "bpmn:tFormalExpression")
    time_date.text = TIMER


def set_act_date(event: etree._Element) -> None:
    _property(event, "actDate", "request_received_on")


def python_condition(flow: etree._Element) -> None:
    """``${approved}`` (Camunda 7) or ``=approved = true`` (FEEL) as the Python our script engine runs."""
    condition = flow.find(_q(BPMN, "conditionExpression"))
    text = re.sub(r"^\$\{(.*)\}$", r"\1", condition.text.strip()).removeprefix("=")
    condition.text = re.sub(r"!(?=\w)", "not ", text).replace(" = ", " == ")


FIXES: dict[str, Callable[[etree._Element], None]] = {
    "model.no_lanes": add_lanes,
    "model.lane_without_role": name_lane,
    "model.lane_unnamed": name_lane,
    "model.task_without_form": set_form,
    "model.form_missing": set_form,
    "model.task_without_deadline": say_not_time_bound,
    "model.timer_one_call": set_deadline_rule,
    "model.deadline_duration": set_deadline_rule,
    "model.act_date_missing": set_act_date,
    "model.expression": python_condition,
    "model.expression_syntax": python_condition,
}
