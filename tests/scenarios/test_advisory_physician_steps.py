"""The advisory physician's own steps in the legal clock of an incapacity (issue 16, point 6): the work-potential
estimate the employer asks for (T03) and what it opens (T04, T05), the T05 sanction weighed by the employer's
headcount, the switch to all occupations after six months as a dated fact (T34a), and the optional proposal of
invalidity before one year (T34b)."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.scenarios.conftest import Scenario, at


@pytest.fixture
def law(follow_up_law: engine.Engine) -> engine.Engine:
    """The follow-up without the employer's duties that start with the case too (they have their own tests)."""
    return follow_up_law

ESTIMATE = {"estimated_on": "2027-03-02", "work_potential": "yes", "medical_considerations": "(medical)"}


class Incapacity(Scenario):
    """An incapacity that began on Monday 4 January 2027 (2026 rules) at Acme NV, its follow-up running."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, headcount: int | None = None) -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 1, 4))
        if headcount is not None:
            admin = law.create_user(username="root9", password="long enough password", display_name="Admin",
                                    roles=["admin"], actor="test")
            acme = law.administration.add_organisation(admin.id, name="Acme NV", kind="employer")
            law.administration.set_employer_policy(admin.id, acme.id, headcount=headcount, contact_every_days=None)
        self.hr = law.create_user(username="hr9", password="long enough password", display_name="Hanne HR",
                                  roles=["employer"], organisations=["Acme NV"], actor="test")
        self.case = law.open_case(reference="AA-1", employee="Fien", employer="Acme NV",
                                  first_day_of_incapacity=date(2027, 1, 4), actor="hr9")
        [self.instance] = law.instances(self.case.id)

    def estimated(self, outcome: str = "yes") -> None:
        """T03 elapsed; the employer asked on 2 March 2027 and the advisory physician answered the same day."""
        self.until(2027, 3, 2)
        self.do("ask_estimate", {"asked_on": "2027-03-02"}, actor="hr9")
        self.do("record_estimate", {**ESTIMATE, "work_potential": outcome}, actor="aa1")

    def deadline(self, rule: str) -> tuple[date, str]:
        [row] = [(d.due_on, d.state) for d in self.law.deadlines(self.case.id) if d.rule == rule]
        return row

    def mine(self) -> list[str]:
        return [t for _, t in self.tasks() if t not in ("notify_oa", "inform_options", "send_questionnaire")]


def test_T03_the_advisory_physician_records_the_estimate_the_employer_asked_for(law, clock):
    inc = Incapacity(law, clock)
    inc.until(2027, 3, 2)
    assert ("employer", "ask_estimate") in inc.tasks()
    inc.do("ask_estimate", {"asked_on": "2027-03-02"}, actor="hr9")
    estimate = inc.item("record_estimate")
    assert (estimate.role, estimate.due_on) == ("advisory_physician", date(2027, 7, 4))  # T05 needs it before
    with pytest.raises(engine.InvalidInput) as refused:
        law.complete(estimate.id, {**ESTIMATE, "estimated_on": "2027-03-01"}, actor="aa1")
    assert list(refused.value.fields) == ["estimated_on"]
    law.complete(estimate.id, ESTIMATE, actor="aa1")
    request = inc.item("request_if_potential")
    assert (request.role, request.rule, request.due_on) == ("employer", "T05", date(2027, 7, 4))


@pytest.mark.parametrize("outcome", ["no", "unclear"])
def test_T03_T05_without_work_potential_the_employer_need_not_request_a_trajectory(law, clock, outcome):
    inc = Incapacity(law, clock)
    inc.estimated(outcome)
    assert "request_if_potential" not in inc.mine()
    assert "T05" not in {d.rule for d in law.deadlines(inc.case.id)}
    inc.until(2027, 7, 5)
    assert "explain_late_request" not in inc.mine()


def test_T03_the_employer_reads_the_outcome_of_the_estimate_not_the_medical_considerations(law, clock):
    inc = Incapacity(law, clock)
    inc.estimated()
    [doc] = [d for d in law.case_file(inc.case.id, inc.hr.id).documents if d.task == "record_estimate"]
    shown = {f.name: f.value for f in doc.fields}
    assert shown == {"estimated_on": "2027-03-02", "work_potential": "yes"} and doc.hidden_fields == 1


@pytest.mark.parametrize(("outcome", "admissible"), [("yes", True), ("no", False)])
def test_T04_the_employers_work_potential_route_reads_the_recorded_estimate(law, clock, outcome, admissible):
    """2026: before 3 months the employer may request a trajectory when the T03 estimate shows work potential;
    the request need not repeat the estimate's date: the advisory physician recorded it."""
    inc = Incapacity(law, clock)
    inc.estimated(outcome)
    inc.until(2027, 3, 3)
    law.start(inc.case.id, "formal_reintegration", {}, role="occupational_physician", actor="oa1")
    inc.do("record_request", {"request_received_on": "2027-03-03", "requested_by": "employer"}, actor="oa1")
    expected = "send_invitation" if admissible else "inform_not_admissible"
    assert expected in inc.mine()


@pytest.mark.parametrize(("headcount", "explained"), [(None, True), (19, False), (20, True), (250, True)])
def test_T05_weigh_sanction_by_the_employers_headcount(law, clock, headcount, explained):
    """T05 (2026): missing the mandatory request is sanctionable for employers of 20 workers or more (the wider
    reading of conflicting sources); an unknown headcount is explained as if sanctionable."""
    inc = Incapacity(law, clock, headcount)
    inc.estimated()
    inc.until(2027, 7, 5)
    assert inc.deadline("T05") == (date(2027, 7, 4), "missed")
    assert ("explain_late_request" in inc.mine()) is explained
    trace = law.trace(inc.instance.id)
    fired = [e for e in trace.events if e.action == "timers_fired"]
    assert any("six_months_mandatory" in e.after.get("fired", []) for e in fired)


def test_T05_a_request_in_time_meets_the_term_whatever_the_headcount(law, clock):
    inc = Incapacity(law, clock, 5)
    inc.estimated()
    inc.until(2027, 6, 1)
    inc.do("request_if_potential", {"trajectory_requested_on": "2027-06-01"}, actor="hr9")
    assert inc.deadline("T05") == (date(2027, 7, 4), "met")


def test_T34_T34a_after_six_months_the_case_file_records_the_switch_to_all_occupations(law, clock):
    inc = Incapacity(law, clock)
    assert law.case_file(inc.case.id, inc.hr.id).facts == ()
    inc.until(2027, 7, 4)
    assert law.case_file(inc.case.id, inc.hr.id).facts == ()
    inc.until(2027, 7, 5)
    [fact] = law.case_file(inc.case.id, inc.hr.id).facts
    assert (fact.name, fact.on, fact.rule, fact.instance_id) == (
        "assessed_against_all_occupations", date(2027, 7, 4), "T34a", inc.instance.id)
    assert inc.deadline("T34a") == (date(2027, 7, 4), "met")  # a period: it ran out, no breach
    recorded = [e for e in law.audit_trail(f"instance:{inc.instance.id}") if e.action == "fact_recorded"]
    assert [(e.actor, e.after) for e in recorded] == [
        ("system", {"fact": "assessed_against_all_occupations", "on": "2027-07-04", "rule": "T34a"})]
    assert law.verify_audit(f"instance:{inc.instance.id}").is_intact


def test_T34_T34b_the_advisory_physician_may_propose_invalidity_before_one_year(law, clock):
    inc = Incapacity(law, clock)
    inc.until(2027, 7, 4)
    assert "propose_invalidity" not in inc.mine()
    inc.until(2027, 7, 5)
    proposal = inc.item("propose_invalidity")
    assert (proposal.role, proposal.rule, proposal.due_on) == ("advisory_physician", "T34b", date(2028, 1, 4))
    inc.until(2027, 11, 15)
    with pytest.raises(engine.InvalidInput) as refused:
        law.complete(proposal.id, {"proposed_on": "2027-11-16", "reasons": "(medical)"}, actor="aa1")
    assert list(refused.value.fields) == ["proposed_on"]
    law.complete(proposal.id, {"proposed_on": "2027-11-15", "reasons": "(medical)"}, actor="aa1")
    assert "propose_invalidity" not in inc.mine()
    assert inc.deadline("T34b") == (date(2028, 1, 4), "cancelled")  # the offer was taken up


def test_T34_T34b_without_a_proposal_the_offer_lapses_at_one_year_without_a_breach(law, clock):
    inc = Incapacity(law, clock)
    inc.until(2027, 7, 5)
    assert "propose_invalidity" in inc.mine()
    inc.until(2028, 1, 5)
    assert "propose_invalidity" not in inc.mine()
    assert inc.deadline("T34b") == inc.deadline("T34") == (date(2028, 1, 4), "met")  # periods: no breach
