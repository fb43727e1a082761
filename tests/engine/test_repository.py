"""Deploy validation and versioning: bad models are refused with every problem, nothing half-deployed."""

from __future__ import annotations

import pytest

import engine
from tests.engine.test_runtime import DEMO, open_case

GOOD = DEMO.read_text()

XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&xxe;</bpmn:definitions>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol3;</bpmn:definitions>"""


def variant(**replacements: str) -> str:
    text = GOOD
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def problems_of(eng: engine.Engine, xml: str) -> list[engine.Problem]:
    with pytest.raises(engine.InvalidModel) as refused:
        eng.deploy(xml, actor="owner")
    assert eng.definitions() == []
    return refused.value.problems


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_with_entities_is_refused_before_parsing(eng, xml):
    [problem] = problems_of(eng, xml)
    assert "not allowed" in problem.message


def test_malformed_xml_is_refused_with_its_line(eng):
    [problem] = problems_of(eng, GOOD.replace("</bpmn:process>", "</bpmn:proces>"))
    assert "malformed XML" in problem.message and problem.line


def test_every_convention_problem_is_listed_at_once_by_element_id(eng):
    xml = variant(**{
        'name="Occupational physician"': 'name="Janitor"',
        'value="visit_report.json"/>\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
        '      <bpmn:incoming>f2': 'value="nope.json"/>\n        </spiffworkflow:properties>\n'
        '      </bpmn:extensionElements>\n      <bpmn:incoming>f2',
        'deadline("T15", request_received_on)': 'deadline("T99", request_received_on)',
    })
    found = {(p.element_id, p.message.split(" '")[0].split(":")[0]) for p in problems_of(eng, xml)}
    assert found == {("lane_oa", "lane"), ("hold_visit", "form"), ("visit_overdue", "unknown deadline rule")}


@pytest.mark.parametrize("expression", [
    "deadline(\"T15\", request_received_on",
    "__import__('os').system('id')",
    "\"P10D\"",
])
def test_timers_that_do_not_compile_or_use_no_rule_are_refused(eng, expression):
    xml = variant(**{'deadline("T15", request_received_on)': expression.replace('"', "&quot;")})
    problems = problems_of(eng, xml)
    assert {p.element_id for p in problems} == {"visit_overdue"}


def test_a_lane_that_is_no_role_and_a_missing_form_are_both_reported(eng):
    xml = variant(**{'name="Employee"': 'name="Visitors"', 'value="visit_request.json"': 'value="gone.json"'})
    assert {p.element_id for p in problems_of(eng, xml)} == {"lane_employee", "request_visit"}


def test_invalid_bpmn_structure_is_refused_by_the_schema(eng):
    xml = variant(**{'<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="request_visit"/>':
                     '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="request_visit"><bpmn:bogus/>'
                     '</bpmn:sequenceFlow>'})
    problems = problems_of(eng, xml)
    assert problems and problems[0].line


def test_versions_are_numbered_and_unchanged_content_is_not_redeployed(eng):
    [first] = eng.deploy(DEMO, actor="owner", comment="first")
    assert eng.deploy(DEMO, actor="owner") == []
    [second] = eng.deploy(variant(**{'name="Hold the pre-return visit"': 'name="Hold the visit"'}), actor="owner")
    assert (first.version, second.version) == (1, 2)
    assert first.content_hash != second.content_hash
    assert [v.version for v in eng.definitions()] == [2, 1]


def test_running_instances_stay_on_their_version(eng):
    eng.deploy(DEMO, actor="owner")
    case = open_case(eng)
    old = eng.start(case.id, "visit_demo", {}, actor="e1")
    eng.deploy(variant(**{'name="Request a pre-return visit"': 'name="Ask for a visit"'}), actor="owner")
    new = eng.start(case.id, "visit_demo", {}, actor="e1")
    names = {i.instance_id: i.name for i in eng.work_items(case_id=case.id)}
    assert (old.version, new.version) == (1, 2)
    assert names == {old.id: "Request a pre-return visit", new.id: "Ask for a visit"}
    item = next(i for i in eng.work_items(case_id=case.id) if i.instance_id == old.id)
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e1")
    assert eng.instance(old.id).version == 1


def test_deploys_are_audited(eng):
    eng.deploy(DEMO, actor="owner", comment="first version")
    [event] = eng.audit_trail("repository")
    assert (event.actor, event.action, event.after["process_id"], event.after["comment"]) == (
        "owner", "deployed", "visit_demo", "first version")


def test_deploying_several_files_versions_only_the_process_that_changed(eng, tmp_path):
    other = GOOD.replace("visit_demo", "visit_other").replace('id="defs_visit_other"', 'id="defs_other"')
    first, second = tmp_path / "visit_demo.bpmn", tmp_path / "visit_other.bpmn"
    first.write_text(GOOD)
    second.write_text(other)
    assert {v.process_id for v in eng.deploy([first, second], actor="owner")} == {"visit_demo", "visit_other"}
    second.write_text(other.replace('name="Hold the pre-return visit"', 'name="Hold it"'))
    assert [(v.process_id, v.version) for v in eng.deploy([first, second], actor="owner")] == [("visit_other", 2)]


ACT_DATE = '\n          <spiffworkflow:property name="actDate" value="held_on"/>'


def test_T15_a_boundary_timer_guarding_a_deadline_must_name_the_act_date(eng):
    """T15 is a deadline: its timer names the variable with the legal date of the visit, or deploy refuses it."""
    [problem] = problems_of(eng, variant(**{ACT_DATE: ""}))
    assert problem.element_id == "visit_overdue"
    assert "names no act date" in problem.message and "actDate" in problem.message and "T15" in problem.message


def test_T15_an_empty_act_date_is_refused_too(eng):
    [problem] = problems_of(eng, variant(**{'name="actDate" value="held_on"': 'name="actDate" value=" "'}))
    assert problem.element_id == "visit_overdue" and "names no act date" in problem.message


def test_T04_a_timer_of_a_waiting_period_needs_no_act_date(eng):
    """T04 is a period (expiry opens a right, it is nobody's breach): its timer needs no act date."""
    xml = variant(**{ACT_DATE: "", 'deadline("T15", request_received_on)': 'deadline("T04", request_received_on)'})
    assert [d.process_id for d in eng.deploy(xml, actor="owner")]
