"""Issue 18, defect 2: deploy refuses a diagram that reads a variable no form, script, message or start variable
sets before it on every path (a typo such as ``request_recieved_on``), naming the element and the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.casework import late_acts, part_time
from engine.law import deadline_rules
from engine.modelling import data_flow, script_names, validation
from engine.runtime import run
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
DEMO = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text().replace('"visit_demo"', '"pre_return_visit"')
"""The demo as the procedure ``pre_return_visit`` of the catalogue: the check knows what such a process starts with."""
FORMS = {p.name: p.read_bytes() for p in (FIXTURES / "forms").glob("*.json")}
RULES = deadline_rules.load_rules()
HELD = ('<bpmn:endEvent id="end_held" name="Visit held"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="end_held"/>')


def problems(xml: str) -> list:
    return validation.check({"demo.bpmn": xml.encode()}, FORMS, RULES).problems


def unset(xml: str) -> list[tuple[str | None, str]]:
    """(element, variable) of every unset read the check reports."""
    return [(p.element_id, p.message.params["name"]) for p in problems(xml)
            if getattr(p.message, "code", "") in ("model.unset_variable", "model.output_unset")]


def after_the_visit(nodes: str, flows: str) -> str:
    """The demo diagram with ``nodes`` between the visit and its end: from ``f3`` (the visit) to ``f_end``."""
    xml = DEMO.replace(HELD[0], nodes + '<bpmn:endEvent id="end_held" name="Visit held">'
                                       '<bpmn:incoming>f_end</bpmn:incoming></bpmn:endEvent>')
    return xml.replace(HELD[1], flows + '<bpmn:sequenceFlow id="f_end" sourceRef="last" targetRef="end_held"/>')


def script(task_id: str, body: str) -> str:
    return f'<bpmn:scriptTask id="{task_id}"><bpmn:script>{body}</bpmn:script></bpmn:scriptTask>'


def test_the_demo_and_every_diagram_of_the_project_read_only_variables_set_before():
    files = {p.name: p.read_bytes() for p in (ROOT / "processes" / "bpmn").glob("*.bpmn")}
    forms = {p.name: p.read_bytes() for p in (ROOT / "forms").glob("*.json")}
    assert validation.check(files, forms, RULES).problems == []
    assert unset(DEMO) == []


def test_a_timer_reading_a_misspelt_variable_is_refused_naming_the_timer_and_the_name():
    found = problems(DEMO.replace("request_received_on)</bpmn:timeDate>", "request_recieved_on)</bpmn:timeDate>"))
    [problem] = found
    assert problem.element_id == "visit_overdue" and problem.message.code == "model.unset_variable"
    assert "'request_recieved_on' is read here" in problem.message


def test_a_condition_reading_a_variable_set_on_only_one_branch_is_refused():
    nodes = ('<bpmn:exclusiveGateway id="split" default="f_skip"/>'
             + script("review", "reviewed = True")
             + '<bpmn:exclusiveGateway id="join"/><bpmn:exclusiveGateway id="last" default="f_plain"/>'
             + script("plain", "x = 1"))
    flows = ('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="split"/>'
             '<bpmn:sequenceFlow id="f_review" sourceRef="split" targetRef="review">'
             '<bpmn:conditionExpression>len(recommendations) &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="f_skip" sourceRef="split" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_reviewed" sourceRef="review" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_joined" sourceRef="join" targetRef="last"/>'
             '<bpmn:sequenceFlow id="f_plain" sourceRef="last" targetRef="end_late"/>')
    xml = after_the_visit(nodes, flows).replace(
        '<bpmn:sequenceFlow id="f_end" sourceRef="last" targetRef="end_held"/>',
        '<bpmn:sequenceFlow id="f_end" sourceRef="last" targetRef="end_held">'
        '<bpmn:conditionExpression>reviewed</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert unset(xml) == [("f_end", "reviewed")]


def test_a_variable_set_on_both_branches_may_be_read_after_the_join():
    nodes = ('<bpmn:exclusiveGateway id="split" default="f_skip"/>' + script("review", "reviewed = True")
             + script("skip", "reviewed = False") + '<bpmn:exclusiveGateway id="join"/>'
             + script("last", "summary = reviewed"))
    flows = ('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="split"/>'
             '<bpmn:sequenceFlow id="f_review" sourceRef="split" targetRef="review">'
             '<bpmn:conditionExpression>held_on</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="f_skip" sourceRef="split" targetRef="skip"/>'
             '<bpmn:sequenceFlow id="f_a" sourceRef="review" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_b" sourceRef="skip" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_joined" sourceRef="join" targetRef="last"/>')
    assert unset(after_the_visit(nodes, flows)) == []


def test_a_script_reading_what_earlier_forms_recorded_and_calling_the_engines_functions_is_accepted():
    body = ('due = due_on("T15", request_received_on)\n'
            'late = days_between(due, held_on) &gt; 0 or held_on &gt; today()\n'
            'notes = [line.strip() for line in recommendations.splitlines() if line]\n'
            'count = len(notes)\ncount = count + 1')
    xml = after_the_visit(script("last", body), '<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="last"/>')
    assert problems(xml) == []


def test_a_script_reading_a_variable_before_assigning_it_is_refused():
    xml = after_the_visit(script("last", "visits = visits + 1"),
                          '<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="last"/>')
    assert unset(xml) == [("last", "visits")]


def test_what_a_task_records_is_not_yet_set_for_the_timer_on_that_task():
    xml = DEMO.replace("request_received_on)</bpmn:timeDate>", "held_on)</bpmn:timeDate>")
    assert unset(xml) == [("visit_overdue", "held_on")]


def test_a_received_message_is_set_after_its_event():
    xml = DEMO.replace('<bpmn:sequenceFlow id="f6" sourceRef="resumed" targetRef="end_resumed"/>',
                       '<bpmn:sequenceFlow id="f6" sourceRef="resumed" targetRef="note"/>'
                       '<bpmn:sequenceFlow id="f6b" sourceRef="note" targetRef="end_resumed"/>')
    xml = xml.replace('<bpmn:endEvent id="end_resumed"',
                      script("note", 'resumed_on = resumption["resumed_on"]\nvisit = held_on')
                      + '<bpmn:endEvent id="end_resumed"')
    assert unset(xml) == [("note", "held_on")]


def test_a_variable_set_before_a_loop_stays_set_in_it():
    nodes = (script("count", "rounds = 0") + '<bpmn:exclusiveGateway id="again"/>'
             + script("more", "rounds = rounds + 1") + '<bpmn:exclusiveGateway id="last" default="f_loop"/>')
    flows = ('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="count"/>'
             '<bpmn:sequenceFlow id="f_c" sourceRef="count" targetRef="again"/>'
             '<bpmn:sequenceFlow id="f_m" sourceRef="again" targetRef="more"/>'
             '<bpmn:sequenceFlow id="f_l" sourceRef="more" targetRef="last"/>'
             '<bpmn:sequenceFlow id="f_loop" sourceRef="last" targetRef="again"/>')
    xml = after_the_visit(nodes, flows).replace(
        '<bpmn:sequenceFlow id="f_end" sourceRef="last" targetRef="end_held"/>',
        '<bpmn:sequenceFlow id="f_end" sourceRef="last" targetRef="end_held">'
        '<bpmn:conditionExpression>rounds &gt; 2</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert unset(xml) == []


def test_after_a_parallel_join_what_every_branch_set_is_set():
    nodes = ('<bpmn:parallelGateway id="fork"/>' + script("a", "left = 1") + script("b", "right = left")
             + '<bpmn:parallelGateway id="join"/>' + script("last", "both = left + right"))
    flows = ('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="fork"/>'
             '<bpmn:sequenceFlow id="f_a" sourceRef="fork" targetRef="a"/>'
             '<bpmn:sequenceFlow id="f_b" sourceRef="fork" targetRef="b"/>'
             '<bpmn:sequenceFlow id="f_a2" sourceRef="a" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_b2" sourceRef="b" targetRef="join"/>'
             '<bpmn:sequenceFlow id="f_j" sourceRef="join" targetRef="last"/>')
    assert unset(after_the_visit(nodes, flows)) == [("b", "left")]


CALLED = """<bpmn:process id="sub" isExecutable="true">
  {io}
  <bpmn:laneSet id="sub_lanes"><bpmn:lane id="sub_lane" name="Occupational physician"/></bpmn:laneSet>
  <bpmn:startEvent id="sub_start"/>
  <bpmn:scriptTask id="sub_work"><bpmn:script>outcome = "done"
seen = visit_date</bpmn:script></bpmn:scriptTask>
  <bpmn:endEvent id="sub_end"/>
  <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="sub_work"/>
  <bpmn:sequenceFlow id="s2" sourceRef="sub_work" targetRef="sub_end"/>
</bpmn:process>"""
INPUTS = ('<bpmn:ioSpecification id="sub_io"><bpmn:dataInput id="visit_date" name="visit_date"/>'
          '<bpmn:dataOutput id="verdict" name="verdict"/><bpmn:inputSet id="si">'
          '<bpmn:dataInputRefs>visit_date</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet id="so">'
          '<bpmn:dataOutputRefs>verdict</bpmn:dataOutputRefs></bpmn:outputSet></bpmn:ioSpecification>')


def calling(before: str, io: str = "", after: str = "result = outcome") -> str:
    nodes = script("prepare", before) + '<bpmn:callActivity id="call" calledElement="sub"/>' + script("last", after)
    flows = ('<bpmn:sequenceFlow id="f3" sourceRef="hold_visit" targetRef="prepare"/>'
             '<bpmn:sequenceFlow id="f_p" sourceRef="prepare" targetRef="call"/>'
             '<bpmn:sequenceFlow id="f_c" sourceRef="call" targetRef="last"/>')
    return after_the_visit(nodes, flows).replace("</bpmn:definitions>", CALLED.format(io=io) + "</bpmn:definitions>")


def test_a_call_activity_hands_its_data_over_and_gets_what_the_called_process_set():
    assert unset(calling("visit_date = held_on")) == []


def test_a_called_process_reads_only_what_its_callers_set():
    assert unset(calling("x = 1")) == [("sub_work", "visit_date")]


def test_a_called_process_may_read_what_it_sets_itself_as_a_caller_may_hand_it_over():
    assert unset(calling("x = 1").replace("seen = visit_date", "seen = outcome")) == []


def test_a_shared_part_deployed_without_its_callers_is_not_judged_as_its_start_data_is_unknown():
    alone = DEMO[:DEMO.index("<bpmn:collaboration")] + CALLED.format(io="") + "</bpmn:definitions>"
    assert problems(alone) == []
    assert unset(calling("x = 1")) == [("sub_work", "visit_date")]


def test_a_call_activity_must_set_the_declared_inputs_and_the_called_process_its_outputs():
    found = unset(calling("x = 1", INPUTS, after="result = verdict"))
    assert found == [("call", "visit_date"), ("sub_end", "verdict")]


@pytest.mark.parametrize(("source", "mode", "read"), [
    ("a + b", "eval", ["a", "b"]),
    ("x = 1\ny = x + z", "exec", ["z"]),
    ("n += 1", "exec", ["n"]),
    ("[i for i in items if i]", "eval", ["items"]),
    ("flag and late", "eval", ["flag"]),
    ("a if c else b", "eval", ["c"]),
    ("x if 'x' in data else 0", "eval", ["data"]),
    ("if c:\n    y = 1\nz = y", "exec", ["c"]),
    ("f = lambda v: v + w", "exec", ["w"]),
    ("not valid (", "eval", []),
], ids=["names", "assigned-before", "augmented", "comprehension", "and", "conditional", "guarded", "if", "lambda",
        "syntax"])
def test_a_piece_of_code_reads_the_names_it_loads_before_setting_them(source, mode, read):
    assert script_names.reads(source, mode) == read


def test_the_functions_the_check_accepts_are_those_the_engine_gives_diagram_code():
    assert set(data_flow.ENGINE_FUNCTIONS) == set(run.SCRIPT_FUNCTIONS)


def test_the_start_data_the_check_expects_is_what_the_engine_hands_the_procedures_it_starts():
    assert set(data_flow.ENGINE_STARTS) == {late_acts.REVIEW_PROCESS, part_time.PROCEDURE}
