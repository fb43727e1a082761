"""Comparing two versions of a process definition: BPMN elements, forms and deadline rules, layout ignored."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine.errors import InvalidModel
from engine.law import deadline_rules, deadlines
from engine.modelling.comparison import Change, Side, compare

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILES = sorted((ROOT / "processes" / "bpmn").glob("*.bpmn"))
RULES = deadlines.load_rules()
VISIT = "pre_return_visit.bpmn"
REPORT = "pre_return_visit_report.json"


def visit_side(bpmn: str | None = None, report: dict | None = None, t15: dict | None = None) -> Side:
    """The pre-return visit as deployed (T15, its report form), with one part replaced when given."""
    text = bpmn if bpmn is not None else (ROOT / "processes" / "bpmn" / VISIT).read_text()
    form = report if report is not None else json.loads((ROOT / "forms" / REPORT).read_text())
    rule = t15 if t15 is not None else deadline_rules.rule_to_dict(RULES["T15"])
    return Side(files={VISIT: text}, forms={REPORT: form}, rules={"T15": rule})


def edited(*replacements: tuple[str, str]) -> Side:
    """The pre-return visit with its BPMN text edited; each replaced text must occur."""
    text = (ROOT / "processes" / "bpmn" / VISIT).read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return visit_side(bpmn=text)


def only_change(old: Side, new: Side) -> Change:
    changes = compare(old, new).changes
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_versions_have_no_changes():
    assert compare(visit_side(), visit_side()).changes == ()


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_shipped_diagram_compared_with_itself_has_no_changes(path):
    side = Side(files={path.name: path.read_text()})
    assert compare(side, side).changes == ()


def test_a_renamed_task_is_one_change_naming_the_old_and_new_name():
    new = edited(('name="Hold the pre-return visit"', 'name="Hold the visit and report"'))
    change = only_change(visit_side(), new)
    assert change == Change("hold_visit", "changed", "userTask", "Hold the visit and report",
                            ("name: 'Hold the pre-return visit' → 'Hold the visit and report'",), VISIT)


def test_a_timer_calling_another_rule_names_both_rules():
    new = edited(('deadline("T15", request_received_on)', 'deadline("T16", request_received_on)'))
    change = only_change(visit_side(), new)
    assert (change.element_id, change.element_type) == ("visit_overdue", "boundaryEvent")
    assert change.details == ("deadline rule: T15 → T16", "timer expression changed")


def test_an_added_task_and_a_removed_flow_are_reported_with_what_they_connect():
    new = edited(
        ('<bpmn:sequenceFlow id="f8" sourceRef="plan_overdue_visit" targetRef="end_overdue_explained"/>', ""),
        ('<bpmn:endEvent id="end_answered"',
         '<bpmn:userTask id="thank_employer" name="Thank the employer"/>\n    <bpmn:endEvent id="end_answered"'),
    )
    comparison = compare(visit_side(), new)
    assert comparison.added == (Change("thank_employer", "added", "userTask", "Thank the employer", (), VISIT),)
    assert comparison.removed == (Change("f8", "removed", "sequenceFlow", "",
                                         ("source: plan_overdue_visit", "target: end_overdue_explained"), VISIT),)
    assert comparison.changed == ()
    assert comparison.element_ids("added", file=VISIT) == {"thank_employer"}
    assert comparison.element_ids("removed", file="other.bpmn") == frozenset()


def test_moving_a_shape_or_bending_an_edge_is_not_a_change():
    new = edited(('<dc:Bounds x="530" y="30" width="120"', '<dc:Bounds x="545" y="60" width="140"'),
                 ('<di:waypoint x="692" y="70"/>', '<di:waypoint x="700" y="75"/>'))
    assert compare(visit_side(), new).changes == ()


def test_a_task_moved_to_another_lane_names_both_lanes():
    new = edited(('        <bpmn:flowNodeRef>answer_recommendations</bpmn:flowNodeRef>\n', ""),
                 ("<bpmn:flowNodeRef>end_closed</bpmn:flowNodeRef>",
                  "<bpmn:flowNodeRef>end_closed</bpmn:flowNodeRef><bpmn:flowNodeRef>answer_recommendations</bpmn:flowNodeRef>"))
    change = only_change(visit_side(), new)
    assert change.element_id == "answer_recommendations"
    assert change.details == ("lane: Employer → Occupational physician",)


def test_a_user_task_given_another_form_names_both_form_files():
    new = edited(('value="pre_return_visit_answer.json"', 'value="other_answer.json"'))
    change = only_change(visit_side(), new)
    assert change.details == ("form: pre_return_visit_answer.json → other_answer.json",)


def test_a_changed_condition_and_documentation_are_reported_without_their_text():
    new = edited(("visit_held and not employee_objects", "visit_held and not worker_objects"),
                 ("the visit can still take place.", "the visit may still take place."))
    changes = compare(visit_side(), new).changes
    assert [(c.element_id, c.details) for c in changes] == [
        ("f_employer", ("condition changed",)),
        ("visit_overdue", ("documentation changed",)),
    ]


def test_the_same_element_id_in_two_files_is_told_apart_by_its_file():
    text = (ROOT / "processes" / "bpmn" / VISIT).read_text()
    renamed = text.replace('name="Visit requested"', 'name="Request received"')
    old = Side(files={VISIT: text, "copy.bpmn": text})
    change = only_change(old, Side(files={VISIT: text, "copy.bpmn": renamed}))
    assert (change.element_id, change.file) == ("start", "copy.bpmn")


def test_the_listed_deadline_rules_of_a_shared_timer_are_compared():
    text = (ROOT / "processes" / "bpmn" / "medical_appeal.bpmn").read_text()
    new = text.replace('name="deadlineRules" value="T09,T41"', 'name="deadlineRules" value="T09"', 1)
    change = only_change(Side(files={"a.bpmn": text}), Side(files={"a.bpmn": new}))
    assert (change.element_id, change.details) == ("window_closed", ("deadline rule: T09, T41 → T09",))


def test_a_field_added_to_a_form_is_named():
    report = json.loads((ROOT / "forms" / REPORT).read_text())
    bigger = copy.deepcopy(report)
    bigger["properties"]["next_visit_on"] = {"type": "string", "format": "date", "x-classification": "case"}
    bigger["x-order"].append("next_visit_on")
    change = only_change(visit_side(report=report), visit_side(report=bigger))
    assert change == Change(REPORT, "changed", "form", "Pre-return visit (health-assessment form, section F)",
                            ("field added: next_visit_on",))


def test_a_form_names_each_changed_label_type_required_and_classification():
    report = json.loads((ROOT / "forms" / REPORT).read_text())
    changed = copy.deepcopy(report)
    findings = changed["properties"]["medical_findings"]
    findings["x-label"]["en"] = "Findings"
    findings["x-classification"] = "case"
    changed["properties"]["held_on"]["type"] = "number"
    changed["required"].append("held_on")
    del changed["properties"]["travel_costs_eur"]
    assert only_change(visit_side(report=report), visit_side(report=changed)).details == (
        "field removed: travel_costs_eur",
        "field held_on: required: no → yes",
        "field held_on: type: string → number",
        "field medical_findings: classification: medical → case",
        "field medical_findings: label (en): 'Medical findings (health file only)' → 'Findings'",
    )


def test_a_longer_deadline_says_that_due_dates_move():
    """T15 lengthened: the figures that moved and their consequence, in plain words."""
    t15 = deadline_rules.rule_to_dict(RULES["T15"])
    longer = copy.deepcopy(t15)
    longer["regimes"][0]["duration"] = 15
    change = only_change(visit_side(t15=t15), visit_side(t15=longer))
    assert change.details == (
        "T15: 10 working_days → 15 working_days",
        "due dates under T15 move for instances of the new version",
    )


def test_a_rule_gaining_a_regime_names_the_date_it_takes_effect():
    """T36 (6 months since 2026, 9 before): a third regime is an addition, dated."""
    t36 = deadline_rules.rule_to_dict(RULES["T36"])
    extended = copy.deepcopy(t36)
    extended["regimes"].append({**extended["regimes"][-1], "effective_from": "2028-01-01", "duration": 4})
    change = only_change(Side({}, rules={"T36": t36}), Side({}, rules={"T36": extended}))
    assert change.details == ("T36: regime from 2028-01-01 added (4 months)",
                              "due dates under T36 move for instances of the new version")


def test_forms_and_rules_used_by_one_side_only_are_added_or_removed():
    report = json.loads((ROOT / "forms" / REPORT).read_text())
    t15 = deadline_rules.rule_to_dict(RULES["T15"])
    comparison = compare(Side({}, forms={REPORT: report}), Side({}, rules={"T15": t15}))
    assert [(c.kind, c.element_id, c.element_type) for c in comparison.changes] == [
        ("added", "T15", "rule"), ("removed", REPORT, "form")]
    assert comparison.added[0].details == ("T15: 10 working_days from 2022-10-01",)


def test_changes_are_ordered_by_kind_then_element_id():
    new = edited(('name="Hold the pre-return visit"', 'name="Hold it"'),
                 ('name="Record the visit request"', 'name="Record it"'),
                 ('<bpmn:sequenceFlow id="f7" sourceRef="visit_overdue" targetRef="plan_overdue_visit"/>', ""),
                 ('<bpmn:endEvent id="end_answered"', '<bpmn:task id="b_task"/><bpmn:task id="a_task"/>'
                                                      '<bpmn:endEvent id="end_answered"'))
    changes = compare(visit_side(), new).changes
    assert [(c.kind, c.element_id) for c in changes] == [
        ("added", "a_task"), ("added", "b_task"), ("removed", "f7"),
        ("changed", "hold_visit"), ("changed", "record_request"),
    ]


@pytest.mark.parametrize("text", [
    "<bpmn:definitions",
    '<!DOCTYPE d [<!ENTITY e "x">]><definitions>&e;</definitions>',
], ids=["malformed", "entity declaration"])
def test_unreadable_bpmn_on_either_side_is_refused_with_every_problem(text):
    broken = Side(files={"broken.bpmn": text})
    with pytest.raises(InvalidModel) as refused:
        compare(broken, broken)
    assert [(p.file, p.message.split(":")[0]) for p in refused.value.problems] == [
        ("broken.bpmn", "old version"), ("broken.bpmn", "new version")]


def test_asking_for_the_ids_of_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        compare(visit_side(), visit_side()).element_ids("moved")


def test_a_form_names_a_field_newly_shared_with_the_employer():
    report = json.loads((ROOT / "forms" / REPORT).read_text())
    changed = copy.deepcopy(report)
    changed["properties"]["recommendations"]["x-employer"] = True
    assert only_change(visit_side(report=report), visit_side(report=changed)).details == (
        "field recommendations: shared with the employer: (none) → true",)
