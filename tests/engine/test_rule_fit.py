"""Issue 18, defect 3: every deadline rule names the role that must act, and a timer whose rule does not fit the
task it guards (another role's term, or a term counted from a date the task has not reached yet) deploys with a
warning instead of without a word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import engine
from engine.casework import access
from engine.law import deadline_rules
from engine.modelling import validation

ROOT = Path(__file__).resolve().parents[2]
BPMN = ROOT / "processes" / "bpmn"
FORMS_DIR = ROOT / "forms"
RULES = deadline_rules.load_rules()
VISIT = (BPMN / "pre_return_visit.bpmn").read_text()
TIMER = 'deadline("T15", request_received_on)'


@pytest.fixture
def law_engine(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    """An engine reading the shipped forms and rules."""
    eng = engine.Engine(database_url, clock=clock, forms_dir=FORMS_DIR)
    yield eng
    eng.close()


def visit_with(timer: str) -> bytes:
    assert TIMER in VISIT
    return VISIT.replace(TIMER, timer).encode()


def test_every_rule_names_a_case_role_that_must_act():
    assert len(RULES) > 50
    assert {rule.id: rule.acting_role for rule in RULES.values() if rule.acting_role not in access.CASE_ROLES} == {}


@pytest.mark.parametrize(("rule", "role"), [
    ("T08", "occupational_physician"),  # the OA completes the assessment
    ("T09", "employee"),                # the worker may appeal
    ("T10", "medical_inspector"),       # the inspector decides the appeal
    ("T11", "employer"),                # the employer's plan or report
    ("T13b", "employee"),               # the worker answers the new invitation (Corrections after review)
    ("T15", "occupational_physician"),  # the OA holds the pre-return visit
    ("T19", "employer"),                # the employer answers a preventive request
    ("T23", "advisory_physician"),      # the AA's quickscan
    ("T24", "rtw_coordinator"),         # the coordinator's first contact
    ("T44", "occupational_physician"),  # the OA's form on adapted work
    ("T47", "employer"),                # the employer notifies RIZIV and pays the fund
])
def test_a_rule_names_the_party_the_law_makes_act(rule: str, role: str):
    assert RULES[rule].acting_role == role


def test_who_acts_is_not_part_of_a_versions_snapshot_so_no_version_changes():
    assert "acting_role" not in deadline_rules.rule_to_dict(RULES["T19"])


def test_the_shipped_diagrams_deploy_without_a_warning():
    files = {path.name: path.read_bytes() for path in sorted(BPMN.glob("*.bpmn"))}
    forms = {path.name: path.read_bytes() for path in FORMS_DIR.glob("*.json")}
    checked = validation.check(files, forms, RULES)
    assert (checked.problems, checked.warnings) == ([], [])


def test_T19_on_the_occupational_physicians_visit_warns_and_still_deploys(law_engine: engine.Engine):
    """T19 is the employer's answer to a preventive request; the visit is the occupational physician's task."""
    deployed = law_engine.deploy(visit_with('deadline("T19", request_received_on)'))
    assert [version.process_id for version in deployed] == ["pre_return_visit"]
    [warning] = deployed.warnings
    assert warning.element_id == "visit_overdue" and warning.message.code == "model.rule_other_role"
    assert dict(warning.message.params) == {"rule": "T19", "acting_role": "employer",
                                           "task": "Hold the pre-return visit", "lane_role": "occupational_physician"}
    assert law_engine.definitions()[0].content_hash == deployed[0].content_hash


VISIT_FORM = '<spiffworkflow:property name="formJsonSchemaFilename" value="pre_return_visit_report.json"/>'
RERECORDED = (VISIT_FORM + '\n        </spiffworkflow:properties>\n'
              "        <spiffworkflow:postScript>first_day_of_incapacity = held_on</spiffworkflow:postScript>\n"
              "        <spiffworkflow:properties>")


def test_a_term_counted_from_a_date_its_own_task_records_again_warns(law_engine: engine.Engine):
    """The case gives first_day_of_incapacity, but only the visit records it in the diagram: in a later round the
    term would count from the date of the visit it guards."""
    assert VISIT.count(VISIT_FORM) == 1
    diagram = visit_with('deadline("T15", first_day_of_incapacity)').decode().replace(VISIT_FORM, RERECORDED)
    deployed = law_engine.deploy(diagram.encode())
    assert len(deployed) == 1
    [warning] = deployed.warnings
    assert warning.element_id == "visit_overdue" and warning.message.code == "model.rule_counts_from_later"
    assert warning.message.params["start"] == "first_day_of_incapacity"


@pytest.mark.parametrize("start", ["held_on", "answered_on"])
def test_a_term_counted_from_a_date_recorded_only_by_or_after_its_task_is_refused(law_engine: engine.Engine,
                                                                                start: str):
    """The data-flow check refuses it outright: the date has no value when the timer starts."""
    with pytest.raises(engine.InvalidModel) as refused:
        law_engine.deploy(visit_with(f'deadline("T15", {start})'))
    assert [(p.element_id, p.message.code) for p in refused.value.problems] == [("visit_overdue",
                                                                                 "model.unset_variable")]


def test_a_deploy_without_warnings_says_so(law_engine: engine.Engine):
    deployed = law_engine.deploy(VISIT.encode())
    assert len(deployed) == 1 and deployed.warnings == []
