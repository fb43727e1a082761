"""The annual evaluation of an employer's re-integration policy, from trajectories played through time."""

from __future__ import annotations

from collections import Counter

import pytest

import engine
from tests.scenarios.conftest import law  # noqa: F401 (fixture)
from tests.scenarios.test_formal_reintegration import Trajectory, decision

PLAN = {"kind": "plan", "delivered_on": "2027-02-01", "valid_from": "2027-02-15", "valid_until": "2027-08-15",
        "adapted_or_other_work": "Mornings only.", "consulted_on": "2027-01-29", "measures": [{"measure": "Mornings"}]}


def officer(law: engine.Engine, organisations: tuple[str, ...] = ()) -> engine.UserView:  # noqa: F811
    return law.create_user(username="co1", password="correct horse battery", display_name="Officer",
                           roles=["compliance_officer"], organisations=list(organisations), actor="test")


def accepted_plan(law, clock, reference: str):  # type: ignore[no-untyped-def]  # noqa: F811
    rit = Trajectory(law, clock, reference)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    rit.until(2027, 2, 1)
    rit.do("draft", PLAN, "hr1")
    rit.do("reply", {"decision": "accept", "replied_on": "2027-02-01"}, "an")
    return rit


def test_the_evaluation_counts_decisions_plans_replies_and_step_durations(law, clock):  # noqa: F811
    accepted_plan(law, clock, "RIT-1")
    late = Trajectory(law, clock, "RIT-2")
    late.examined()
    late.until(2027, 3, 1)
    reader = officer(law)
    report = law.annual_evaluation("Acme NV", 2027, user_id=reader.id)
    assert report.started == 2 and report.trajectories == Counter({"running": 2})
    assert report.decisions == Counter({"A": 1}) and report.plans == Counter({"plan": 1})
    assert report.replies == Counter({"accept": 1}) and report.missed == Counter({"T08": 1})
    steps = {s.task: s for s in report.steps}
    assert steps["send_invitation"].completed == 2 and steps["send_invitation"].median_days == 1.0
    assert steps["assess"].completed == 1
    assert law.annual_evaluation("Acme NV", 2026, user_id=reader.id).started == 0


def test_the_evaluation_says_how_the_ended_trajectories_ended(law, clock):  # noqa: F811
    accepted_plan(law, clock, "RIT-1")
    ended = Trajectory(law, clock, "RIT-2")
    ended.examined()
    ended.do("assess", decision("C"), "oa1")
    report = law.annual_evaluation("Acme NV", 2027, user_id=officer(law).id)
    assert report.trajectories == Counter({"running": 1, "completed": 1})
    assert report.endings == Counter({"Decision C: no assessment possible now": 1})
    assert report.force_majeure_endings == Counter()


def test_only_overseers_of_the_employer_read_its_evaluation(law, clock):  # noqa: F811
    accepted_plan(law, clock, "RIT-1")
    scoped = officer(law, ("Other NV",))
    with pytest.raises(engine.NotFound):
        law.annual_evaluation("Acme NV", 2027, user_id=scoped.id)
    assert law.evaluated_employers(user_id=scoped.id) == []
    employer = law.create_user(username="hr9", password="correct horse battery", display_name="HR",
                               roles=["employer"], organisations=["Acme NV"], actor="test")
    with pytest.raises(engine.NotAllowed):
        law.annual_evaluation("Acme NV", 2027, user_id=employer.id)
