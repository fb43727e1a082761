"""Acts posted in time that arrive after a closed window was confirmed (issue 12, the principle: legal dates)."""

from __future__ import annotations

import pytest

import engine
from tests.scenarios.test_formal_reintegration import Trajectory, decision, plan
from tests.scenarios.test_medical_force_majeure import NOTIFICATION, ForceMajeure


def user(law: engine.Engine, username: str, role: str) -> engine.UserView:
    return law.create_user(username=username, password="correct horse battery", display_name=username,
                           roles=[role], organisations=["Acme NV"], actor="test")


def confirmation(law: engine.Engine, case_id: int, task: str) -> engine.WorkItemView:
    return next(i for i in law.work_items(case_id=case_id, state="completed") if i.task == task)


def test_T41_an_appeal_posted_in_time_that_arrives_after_the_confirmation_reopens_the_appeal(law, clock):
    """T41: the employer confirmed that no appeal arrived; the worker's appeal posted on the last day (13 April)
    turns up a week later. Nothing irreversible happened, so the procedure goes back to the appeal."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    mfm.finding_final()
    assert mfm.tasks() == ["describe_adapted_work"]
    mfm.until(2027, 4, 20)
    hr = user(law, "hr.acme", "employer")
    law.record_late_act(confirmation(law, mfm.case.id, "confirm_appeal").id,
                        {"appeal_arrived": True, "lodged_on": "2027-04-13"}, user_id=hr.id)
    assert mfm.tasks() == ["decide"]
    assert mfm.deadline_states()["T44"] == "cancelled"


def test_T41_a_late_act_posted_after_the_window_is_refused_at_its_date(law, clock):
    """T41: posted on 14 April, the day after the window: it is late, not recorded late."""
    mfm = ForceMajeure(law, clock)
    mfm.found_unfit({**NOTIFICATION, "adapted_work_requested": True})
    mfm.finding_final()
    hr = user(law, "hr.acme", "employer")
    with pytest.raises(engine.InvalidInput) as late:
        law.record_late_act(confirmation(law, mfm.case.id, "confirm_appeal").id,
                            {"appeal_arrived": True, "lodged_on": "2027-04-14"}, user_id=hr.id)
    assert "window closed on 2027-04-13" in late.value.fields["lodged_on"][0]
    assert mfm.tasks() == ["describe_adapted_work"]


def test_T41_after_a_termination_a_timely_appeal_is_refused_and_a_compliance_review_opens(law, clock):
    """T41: once the termination is recorded the procedure cannot go back; the refusal says why and a compliance
    officer gets a review task."""
    mfm = ForceMajeure(law, clock)
    mfm.terminated()
    hr = user(law, "hr.acme", "employer")
    officer = user(law, "co.acme", "compliance_officer")
    with pytest.raises(engine.NotAllowed) as refused:
        law.record_late_act(confirmation(law, mfm.case.id, "confirm_appeal").id,
                            {"appeal_arrived": True, "lodged_on": "2027-04-12"}, user_id=hr.id)
    assert "can no longer reopen" in str(refused.value)
    assert refused.value.details[0]["rule"] == "T41"
    assert mfm.tasks() == ["notify_fund", "review"]
    [review] = law.inbox(officer.id)
    assert (review.task, review.role) == ("review", "compliance_officer")


def test_T13_a_reply_posted_in_time_reopens_a_trajectory_that_ended_by_silence(law, clock):
    """T13b: the employer confirmed continued silence and the trajectory ended; the worker's signature, posted on
    the last day of the second term, arrives later: the trajectory runs again from the accepted plan."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.do("draft", plan("2027-01-12"), "hr1")
    rit.until(2027, 1, 27, 1)
    rit.do("confirm_reply", {"reply_arrived": False}, "hr1")
    rit.do("reinvite", {"reinvited_on": "2027-01-27", "reinvitation_received_on": "2027-01-27"}, "hr1")
    rit.until(2027, 2, 11, 1)
    rit.do("confirm_silence", {"reply_arrived": False}, "hr1")
    assert rit.state() == "completed"
    rit.until(2027, 2, 15)
    hr = user(law, "hr.acme", "employer")
    law.record_late_act(confirmation(law, rit.case.id, "confirm_silence").id,
                        {"reply_arrived": True, "decision": "accept", "replied_on": "2027-02-10"}, user_id=hr.id)
    assert rit.state() == "running" and rit.tasks() == [("employer", "execute_plan")]
    assert law.instance(rit.instance.id).end_event is None


def test_only_a_confirmation_takes_a_late_act(law, clock):
    """A task that confirms no window cannot be reopened this way."""
    rit = Trajectory(law, clock)
    rit.examined()
    officer = user(law, "oa.acme", "occupational_physician")
    with pytest.raises(engine.NotAllowed):
        law.record_late_act(confirmation(law, rit.case.id, "record_attendance").id, {"attended": True},
                            user_id=officer.id)
