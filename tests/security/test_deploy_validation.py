"""Issue 13, points 7 and 8: deploy-time validation reads no more into a diagram than the law allows, and never
crashes. Pure validation (no database): every attack is a problem located by its element or file."""

from __future__ import annotations

import json
import re

import pytest

from engine.law import deadline_rules
from engine.modelling import validation
from tests.conftest import FIXTURES

DEMO = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text()
FORMS = {p.name: p.read_bytes() for p in (FIXTURES / "forms").glob("*.json")}
RULES = deadline_rules.load_rules()
TIMER = 'deadline("T15", request_received_on)'
HOLD_END = '      <bpmn:incoming>f2</bpmn:incoming>\n      <bpmn:outgoing>f3</bpmn:outgoing>\n    </bpmn:userTask>'


def problems(xml: str | bytes, forms: dict[str, bytes] | None = None) -> list:
    data = xml.encode() if isinstance(xml, str) else xml
    return validation.check({"demo.bpmn": data}, forms or FORMS, RULES).problems


def variant(old: str, new: str) -> str:
    assert old in DEMO
    return DEMO.replace(old, new)


def located(found: list) -> set[str | None]:
    return {p.element_id for p in found}


def test_the_demo_diagram_is_valid():
    assert problems(DEMO) == []


@pytest.mark.parametrize("expression", [
    '"2026-01-02" if deadline("T15", request_received_on) else "2026-01-02"',
    'deadline("T15", request_received_on) and "2026-01-02"',
    '[deadline("T15", request_received_on), "2026-01-02"][1]',
    'str(deadline("T15", request_received_on))',
    'deadline("T15", "2026-01-02")',
    'deadline("T15", deadline("T15", request_received_on))',
    'deadline("T15", request_received_on, weeks=1)',
], ids=["conditional", "and", "subscript", "wrapped", "literal-start", "nested", "keyword"])
def test_a_timer_is_exactly_one_deadline_call_of_a_rule(expression):
    found = problems(variant(TIMER, expression.replace('"', "&quot;")))
    assert located(found) == {"visit_overdue"}


def test_a_cycle_timer_is_refused_for_a_term_the_law_sets_once():
    [problem] = problems(DEMO.replace("bpmn:timeDate", "bpmn:timeCycle"))
    assert problem.element_id == "visit_overdue" and "does not repeat T15" in problem.message


def test_a_cycle_of_a_repeating_term_in_months_is_refused_as_it_cannot_count_months():
    [problem] = problems(variant(TIMER, 'deadline("T26", request_received_on)').replace("timeDate", "timeCycle"))
    assert problem.element_id == "visit_overdue" and "months" in problem.message


def test_a_duration_timer_cannot_run_a_deadline_and_is_refused():
    [problem] = problems(DEMO.replace("bpmn:timeDate", "bpmn:timeDuration"))
    assert problem.element_id == "visit_overdue" and "timeDate" in problem.message


def test_a_process_without_lanes_is_refused():
    xml = re.sub(r"<bpmn:laneSet.*?</bpmn:laneSet>", "", DEMO, flags=re.DOTALL)
    assert "visit_demo" in located(problems(xml))


def test_a_call_of_a_process_not_deployed_with_it_is_refused():
    xml = variant('<bpmn:endEvent id="end_held"', '<bpmn:callActivity id="call" calledElement="nowhere"/>'
                  '<bpmn:endEvent id="end_held"')
    assert "call" in located(problems(xml))


def test_a_call_of_an_unknown_process_is_named_on_the_call_activity_only():
    """SpiffWorkflow's parser says "The process 'x' was not found" without saying which call activity calls it."""
    caller = (FIXTURES / "foreign" / "call_parent_follow_up.bpmn").read_bytes()
    found = validation.check({"caller.bpmn": caller}, FORMS, RULES).problems
    assert ("call_check", "model.call_unknown") in [(p.element_id, p.message.code) for p in found]
    assert None not in located(found) and all("Did you mean" not in str(p.message) for p in found)


def test_a_file_whose_process_is_not_executable_is_refused_rather_than_deploying_nothing():
    [problem] = problems(DEMO.replace('isExecutable="true"', 'isExecutable="false"'))
    assert problem.element_id == "visit_demo" and 'isExecutable="false"' in problem.message
    assert "would deploy nothing" in problem.message


EVIL = "__import__(&quot;os&quot;).getcwd()"
CONDITIONAL = ('<bpmn:boundaryEvent id="watch" attachedToRef="hold_visit" cancelActivity="false">'
               '<bpmn:conditionalEventDefinition id="ced"><bpmn:condition xsi:type="bpmn:tFormalExpression">'
               f'{EVIL}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:boundaryEvent>')


@pytest.mark.parametrize(("old", "new", "element"), [
    (HOLD_END, HOLD_END.replace("</bpmn:userTask>", '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>'
                                f'{EVIL}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
                                "</bpmn:userTask>"), "hold_visit"),
    (HOLD_END, HOLD_END.replace("</bpmn:userTask>", '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>'
                                '2</bpmn:loopCardinality><bpmn:completionCondition>'
                                f'{EVIL}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>'
                                "</bpmn:userTask>"), "hold_visit"),
    (HOLD_END, HOLD_END.replace("</bpmn:userTask>", "<bpmn:standardLoopCharacteristics><bpmn:loopCondition>"
                                f"{EVIL}</bpmn:loopCondition></bpmn:standardLoopCharacteristics></bpmn:userTask>"),
     "hold_visit"),
    ('<bpmn:endEvent id="end_held"', f'{CONDITIONAL}<bpmn:endEvent id="end_held"', "watch"),
    ("<spiffworkflow:messageVariable>resumption</spiffworkflow:messageVariable>",
     "<spiffworkflow:messageVariable>__class__</spiffworkflow:messageVariable>", "resumed"),
    ('<bpmn:message id="msg_work_resumed" name="work_resumed"/>',
     '<bpmn:message id="msg_work_resumed" name="work_resumed"><bpmn:extensionElements>'
     "<spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>case</spiffworkflow:propertyId>"
     f"<spiffworkflow:expression>{EVIL}</spiffworkflow:expression></spiffworkflow:processVariableCorrelation>"
     "</bpmn:extensionElements></bpmn:message>", "msg_work_resumed"),
], ids=["loop-cardinality", "completion-condition", "loop-condition", "conditional-event", "message-variable",
        "correlation"])
def test_every_expression_of_a_diagram_is_checked_at_deploy(old, new, element):
    found = problems(variant(old, new))
    assert element in located(found), [str(p) for p in found]


PROPERTIES_END = '''          <spiffworkflow:property name="formJsonSchemaFilename" value="visit_report.json"/>
        </spiffworkflow:properties>'''


@pytest.mark.parametrize("script", ['notes = open("/etc/passwd").read()', "seen = locals()",
                                    "n = eval(&quot;1&quot;)"], ids=["open", "locals", "eval"])
def test_a_script_calling_a_builtin_diagram_code_lacks_is_refused_at_deploy(script):
    found = problems(variant(PROPERTIES_END, f"{PROPERTIES_END}<spiffworkflow:preScript>{script}"
                                             "</spiffworkflow:preScript>"))
    name = script.split("(")[0].split("= ")[-1]
    assert located(found) == {"hold_visit"}
    assert any(f"'{name}' is not available to diagram code" in p.message for p in found)


def test_a_builtin_the_script_engine_gives_passes():
    assert problems(variant(PROPERTIES_END, f"{PROPERTIES_END}<spiffworkflow:preScript>n = len(sorted([2, 1]))"
                                            "</spiffworkflow:preScript>")) == []


def test_a_script_task_without_a_script_is_refused():
    xml = variant('<bpmn:endEvent id="end_held"', '<bpmn:scriptTask id="compute"/><bpmn:endEvent id="end_held"')
    found = problems(xml)
    assert "compute" in located(found) and any("has no script" in p.message for p in found)


def test_an_expression_of_a_thousand_terms_is_a_problem_not_a_crash():
    long_timer = problems(variant(TIMER, TIMER + " + 1" * 1000))
    long_condition = problems(variant('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="end_held"/>',
                                      '<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="end_held">'
                                      f'<bpmn:conditionExpression>{" + ".join(["x"] * 1000)}'
                                      "</bpmn:conditionExpression></bpmn:sequenceFlow>"))
    assert located(long_timer) == {"visit_overdue"} and "f3" in located(long_condition)


def test_xml_nested_300_levels_is_a_problem_of_its_file():
    deep = "<bpmn:documentation>" + "<x>" * 300 + "</x>" * 300 + "</bpmn:documentation>"
    [problem] = problems(variant('<bpmn:startEvent id="start" name="Visit wanted">',
                                 f'<bpmn:startEvent id="start" name="Visit wanted">{deep}'))
    assert problem.file == "demo.bpmn" and "nested" in problem.message


def test_a_file_in_an_encoding_python_does_not_know_is_a_problem():
    [problem] = problems(DEMO.replace('encoding="UTF-8"', 'encoding="klingon"'))
    assert problem.file == "demo.bpmn" and "klingon" in problem.message


def form_with(change: dict) -> dict[str, bytes]:
    schema = json.loads(FORMS["visit_report.json"])
    schema["properties"]["held_on"].update(change)
    return {**FORMS, "visit_report.json": json.dumps(schema).encode()}


@pytest.mark.parametrize("change", [
    {"$ref": "#"},
    {"$ref": "#/properties/held_on"},
    {"$ref": "https://example.com/form.json"},
    {"$ref": "other.json#/x"},
    {"$dynamicRef": "#meta"},
    {"$ref": "#/$defs/missing"},
], ids=["self", "own-field", "remote", "other-file", "dynamic", "dangling"])
def test_a_form_refers_only_to_its_own_parts_without_cycles(change):
    found = problems(DEMO, form_with(change))
    assert located(found) == {"hold_visit", "explain_delay"}
    assert all("visit_report.json" in p.message and "held_on" in p.message for p in found)


def test_a_local_reference_without_a_cycle_is_accepted():
    schema = json.loads(FORMS["visit_report.json"])
    schema["$defs"] = {"day": {"type": "string", "format": "date"}}
    schema["properties"]["held_on"]["$ref"] = "#/$defs/day"
    assert problems(DEMO, {**FORMS, "visit_report.json": json.dumps(schema).encode()}) == []


def test_json_nested_100000_deep_is_a_problem_of_the_form():
    found = problems(DEMO, {**FORMS, "visit_report.json": ("[" * 100_000 + "]" * 100_000).encode()})
    assert located(found) == {"hold_visit", "explain_delay"} and all("nested" in p.message for p in found)


def test_an_empty_condition_is_said_to_be_empty_on_its_flow():
    flow = '<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="end_held"/>'
    empty = ('><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">  </bpmn:conditionExpression>'
             "</bpmn:sequenceFlow>")
    [problem] = problems(variant(flow, flow.replace("/>", empty)))
    assert problem.element_id == "f3" and problem.message.startswith("the expression is empty")
    assert "line 0" not in problem.message


def test_a_syntax_error_says_what_and_on_which_line_once():
    [problem] = problems(variant(TIMER, TIMER + " +"))
    assert problem.message.count("does not compile") == 1 and "on line 1" in problem.message


def test_a_lane_without_a_name_is_said_to_have_none():
    lane = re.search(r'<bpmn:lane id="(\w+)" name="[^"]*"', DEMO)
    assert lane
    found = problems(DEMO.replace(lane.group(0), f'<bpmn:lane id="{lane.group(1)}"'))
    [problem] = [p for p in found if p.element_id == lane.group(1)]
    assert problem.message.startswith("this lane has no name") and "None" not in problem.message


@pytest.mark.parametrize("association", [
    '<bpmn:dataInputAssociation id="dia"><bpmn:sourceRef>missing_object</bpmn:sourceRef>'
    "<bpmn:targetRef>hold_visit</bpmn:targetRef></bpmn:dataInputAssociation>",
    '<bpmn:dataOutputAssociation id="doa"><bpmn:targetRef>missing_object</bpmn:targetRef></bpmn:dataOutputAssociation>',
])
def test_an_unresolved_data_reference_is_named_on_its_element_and_line(association):
    xml = variant(HOLD_END, HOLD_END.replace("</bpmn:userTask>", f"{association}</bpmn:userTask>"))
    [problem] = problems(xml)
    assert (problem.element_id, problem.line) == ("hold_visit", xml[:xml.index('id="hold_visit"')].count("\n") + 1)
    assert "'missing_object'" in problem.message and "data object" in problem.message
    assert "<Element" not in problem.message and " at 0x" not in problem.message
