"""Every task shows the term that governs it: a task with no term of its own lives under its procedure's term."""

from __future__ import annotations

from datetime import date

from tests.scenarios.test_formal_reintegration import INVITATION, REQUEST, Trajectory
from tests.scenarios.test_medical_force_majeure import NOTIFICATION, ForceMajeure


def governing(items) -> list[tuple]:
    return [(i.task, i.rule, i.due_on, i.of_procedure) for i in items]


def test_T08_recording_the_request_and_inviting_live_under_the_assessment_term(law, clock):
    rit = Trajectory(law, clock)
    assert governing(law.work_items(case_id=rit.case.id)) == [("record_request", "T08", None, True)]
    rit.do("record_request", REQUEST, "oa1")
    [invite] = law.work_items(case_id=rit.case.id)
    assert governing([invite]) == [("send_invitation", "T08", date(2027, 2, 22), True)]
    assert (invite.start_on, invite.days_left, invite.counts_working_days) == (date(2027, 1, 4), 49, False)
    rit.until(2027, 1, 5)
    rit.do("send_invitation", INVITATION, "oa1")
    rit.until(2027, 1, 12)
    assert governing(law.work_items(case_id=rit.case.id)) == [
        ("record_attendance", "T08", date(2027, 2, 22), True)]
    rit.do("record_attendance", {"attended": True}, "oa1")
    assert governing(law.work_items(case_id=rit.case.id)) == [("assess", "T08", date(2027, 2, 22), False)]
    assert [(d.rule, d.due_on) for d in law.deadlines(rit.case.id)] == [("T08", date(2027, 2, 22))]


def test_T40_the_first_invitation_lives_under_the_finding_term(law, clock):
    mfm = ForceMajeure(law, clock)
    mfm.do("record_notification", NOTIFICATION)
    mfm.until(2027, 3, 12, 1)
    [invite] = law.work_items(case_id=mfm.case.id)
    assert governing([invite]) == [("send_first_invitation", "T40", date(2027, 6, 1), True)]
