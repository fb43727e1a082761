"""Every user task in a lane has a deadline rule, or says why the law sets it no term (README, "Every lane is a
legal lane"): a boundary timer, the property deadlineRules, or the property notTimeBound with its reason.
"""

from __future__ import annotations

import re

import pytest

import engine
from tests.engine.test_repository import GOOD, problems_of
from tests.scenarios.conftest import PROCESSES

REQUEST_REASON = ('<spiffworkflow:property name="notTimeBound" value="Requesting the visit starts the T15 term; '
                  'the law sets no term for the request itself."/>')


def request_with(properties: str) -> str:
    """The demo, with the property lines of the untimed task request_visit replaced."""
    assert GOOD.count(REQUEST_REASON) == 1
    return GOOD.replace(REQUEST_REASON, properties)


def test_a_user_task_in_a_lane_without_a_deadline_is_refused_by_its_element_id(eng):
    [problem] = problems_of(eng, request_with(""))
    assert problem.element_id == "request_visit"
    assert problem.message.startswith("user task 'Request a pre-return visit' is in a legal lane but has no deadline")
    assert "deadlineRules" in problem.message and "notTimeBound" in problem.message


def test_a_task_not_time_bound_with_a_reason_deploys(eng):
    [version] = eng.deploy(request_with(REQUEST_REASON), actor="owner")
    assert version.process_id == "visit_demo"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_task_not_time_bound_without_a_reason_is_refused(eng, reason):
    [problem] = problems_of(eng, request_with(f'<spiffworkflow:property name="notTimeBound" value="{reason}"/>'))
    assert problem.element_id == "request_visit"
    assert "say why the law sets no term" in problem.message


def test_a_task_bounded_by_known_rules_elsewhere_deploys(eng):
    [version] = eng.deploy(request_with('<spiffworkflow:property name="deadlineRules" value="T15, T16"/>'),
                           actor="owner")
    assert version.process_id == "visit_demo"


def test_a_task_bounded_by_an_unknown_rule_is_refused(eng):
    [problem] = problems_of(eng, request_with('<spiffworkflow:property name="deadlineRules" value="T15, T99"/>'))
    assert (problem.element_id, problem.message) == ("request_visit", "unknown deadline rule 'T99'")


def test_a_task_both_bounded_elsewhere_and_not_time_bound_is_refused(eng):
    xml = request_with(f'<spiffworkflow:property name="deadlineRules" value="T15"/>{REQUEST_REASON}')
    [problem] = problems_of(eng, xml)
    assert problem.element_id == "request_visit" and "keep one of the two" in problem.message


def test_a_process_without_lanes_is_refused_like_a_lane_that_is_no_role(eng):
    xml = re.sub(r"<bpmn:laneSet.*?</bpmn:laneSet>", "", request_with(REQUEST_REASON), flags=re.DOTALL)
    [problem] = problems_of(eng, xml)
    assert problem.element_id == "visit_demo" and "no lanes" in problem.message


def test_every_shipped_process_keeps_the_convention(database_url, clock):
    shipped = engine.Engine(database_url, clock=clock)
    try:
        deployed = shipped.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="owner")
    finally:
        shipped.close()
    assert {v.process_id for v in deployed} >= {"pre_return_visit", "plan_or_report", "rtw_coordination"}
