"""Rules across procedures, enforced when a procedure is started: refusals name the rule and the date."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import at
from tests.scenarios.test_formal_reintegration import Trajectory, decision


def refusal(law: engine.Engine, case_id: int, process_id: str, data: dict) -> dict:
    with pytest.raises(engine.NotAllowed) as refused:
        law.start(case_id, process_id, data, actor="hr1")
    return refused.value.details[0]


def test_T14_a_new_trajectory_waits_three_months_after_decision_c(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C", "2027-01-12"), "oa1")
    assert refusal(law, rit.case.id, "formal_reintegration", {"requested_by": "employee"}) == {
        "rule": "T14", "allowed_from": "2027-04-12"}
    clock.set(at(2027, 4, 11, 23))
    assert refusal(law, rit.case.id, "formal_reintegration", {"requested_by": "employee"})["rule"] == "T14"
    clock.set(at(2027, 4, 12, 8))
    assert law.start(rit.case.id, "formal_reintegration", {"requested_by": "employee"}, actor="oa1").state == "running"


def test_T14_good_reasons_recorded_by_the_occupational_physician_allow_an_earlier_trajectory(law, clock):
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("C", "2027-01-12"), "oa1")
    started = law.start(rit.case.id, "formal_reintegration", {"requested_by": "employee",
                                                              "good_reasons_after_decision_c": True}, actor="oa1")
    assert started.state == "running"


@pytest.mark.parametrize(("today", "data", "allowed"), [
    (date(2027, 2, 28), {}, False),
    (date(2027, 3, 1), {}, True),                                        # 3 months after 1 December 2026
    (date(2027, 1, 15), {"definitive_unfitness_certificate": True}, True),
    (date(2027, 1, 15), {"employee_consent": True}, True),               # 2026 rules
    (date(2025, 12, 15), {"employee_consent": True}, False),             # 2022 rules: consent is not enough
])
def test_T04_the_employer_may_request_after_three_months_or_with_a_certificate_or_consent(law, clock, today, data,
                                                                                            allowed):
    """T04, art. I.4-72 ff.: employer requests need 3 months of incapacity, a certificate, or (2026) consent."""
    clock.set(at(today.year, today.month, today.day))
    case = law.open_case(reference="EMP-1", employee="Bo", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 12, 1) if today.year > 2025 else date(2025, 10, 1),
                         actor="hr1", with_follow_up=False)
    request = {"requested_by": "employer", **data}
    if allowed:
        assert law.start(case.id, "formal_reintegration", request, actor="hr1").state == "running"
    else:
        refused = refusal(law, case.id, "formal_reintegration", request)
        assert refused["rule"] == "T04"
        assert refused["allowed_from"] == ("2027-03-01" if today.year > 2025 else "2026-01-01")
