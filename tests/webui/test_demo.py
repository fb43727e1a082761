"""The demo cases of `make run` play through the real diagrams and land at the promised stages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import engine
from tests.scenarios.conftest import PROCESSES
from webui import demo
from webui.cli import DEMO_PASSWORD, DEMO_ROLE_ORGANISATIONS, _demo_accounts


@pytest.fixture
def law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="owner")
    yield eng
    eng.close()


def test_the_demo_cases_reach_their_stages_once(law):
    assert demo.seed(law) == ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4", "DEMO-5", "DEMO-6", "DEMO-7", "DEMO-8"]
    assert sorted((i.case_id, i.task) for i in law.work_items()) == [
        (1, "assess"), (2, "reply"), (4, "return_questionnaire"), (5, "hold_visit"), (5, "plan_overdue_visit"),
        (7, "decide"), (8, "record_contact")]
    assert law.next_due() is not None
    missed = [d for case_id in range(1, 9) for d in law.deadlines(case_id) if d.state == "missed"]
    assert [d.rule for d in missed] == ["T15"]
    [ended] = law.find_instances(user_id=law.create_user(username="co", password="correct horse battery",
                                                         display_name="CO", roles=["compliance_officer"],
                                                         actor="test").id, state="completed").rows
    assert (ended.case_reference, ended.end_event_name) == ("DEMO-6", "Decision C: no assessment possible now")
    assert demo.seed(law) == []


def test_the_demo_worker_and_their_physician_see_only_their_own_case(law):
    demo.seed(law)
    worker = law.create_user(username="employee", password="correct horse battery", display_name="Worker",
                             roles=["employee"], actor="test")
    physician = law.create_user(username="treating_physician", password="correct horse battery",
                                display_name="Physician", roles=["treating_physician"], actor="test")
    assert [c.reference for c in law.cases(worker.id)] == [demo.WORKER_CASE]
    assert [c.reference for c in law.cases(physician.id)] == [demo.WORKER_CASE]
    assert [(i.case_reference, i.task) for i in law.inbox(worker.id)] == [(demo.WORKER_CASE, "return_questionnaire")]
    assert law.inbox(physician.id) == []


def test_each_demo_account_relates_to_the_demo_cases_through_its_organisation(law):
    demo.seed(law)
    for role, organisations in DEMO_ROLE_ORGANISATIONS.items():
        if organisations:
            user = law.create_user(username=role, password="correct horse battery", display_name=role,
                                   roles=[role], organisations=organisations, actor="test")
            assert len(law.cases(user.id)) == 8, role


def test_the_demo_employer_reads_nothing_of_the_coordinator_track_but_that_it_exists(law):
    demo.seed(law)
    worker = law.create_user(username="employee", password="correct horse battery", display_name="Worker",
                             roles=["employee"], actor="test")
    [questionnaire] = law.inbox(worker.id)
    law.complete(questionnaire.id, {"returned_on": law.clock.now().date().isoformat(), "expects_to_return": False,
                                    "wants_support": True, "health_situation": "Burn-out"},
                 actor="employee", user_id=worker.id)
    hr = law.create_user(username="employer", password="correct horse battery", display_name="HR",
                         roles=["employer"], organisations=["Acme NV"], actor="test")
    fund = law.create_user(username="advisory_physician", password="correct horse battery", display_name="AA",
                           roles=["advisory_physician"], organisations=["CM"], actor="test")
    track = next(c for c in law.cases(hr.id) if c.reference == demo.WORKER_CASE)
    seen = law.case_file(track.id, hr.id)
    assert [i.process_id for i in seen.instances] == ["rtw_coordination"]
    assert (seen.documents, seen.deadlines, seen.work_items) == ((), (), ())
    read = {f.name for d in law.case_file(track.id, fund.id).documents for f in d.fields}
    assert {"expects_to_return", "wants_support", "health_situation"} <= read


def test_the_demo_has_a_case_in_progressive_resumption_asked_for_in_time(law):
    """T28 met; the advisory physician's decision (T30) is what the case waits for."""
    demo.seed(law)
    case_id = 7
    assert [(d.rule, d.state) for d in law.deadlines(case_id) if d.rule in ("T28", "T30")] == [
        ("T28", "met"), ("T30", "pending")]
    [decision] = law.work_items(case_id=case_id)
    assert (decision.role, decision.task, decision.rule) == ("advisory_physician", "decide", "T30")


def test_the_demo_has_a_case_with_acme_nvs_2026_contact_cadence(law, clock):
    """T20: Acme NV's work regulations say every 14 days (set by the demo's admin); the worker was called 5 days
    ago, so the HR department's inbox shows the next contact due in 9 days."""
    _demo_accounts(law)
    demo.seed(law)
    hr = law.authenticate("employer", DEMO_PASSWORD)
    assert hr is not None
    [contact] = [i for i in law.inbox(hr.id) if i.case_reference == demo.CONTACT_CASE]
    today = law.today()
    assert (contact.task, contact.rule, contact.due_on) == ("record_contact", "T20", today + timedelta(days=9))
    [(met, pending)] = [tuple(d.state for d in law.deadlines(contact.case_id))]
    assert (met, pending) == ("met", "pending")
    assert demo.seed(law) == []


def test_the_demo_plan_to_sign_includes_half_days_and_signing_it_starts_progressive_resumption(law, clock):
    """T28: the worker of DEMO-2 signs the plan; the request is due the working day before the first half day."""
    demo.seed(law)
    [reply] = law.work_items(case_id=2)
    law.complete(reply.id, {"decision": "accept", "replied_on": law.today().isoformat()}, actor="worker-2")
    request = next(i for i in law.work_items(case_id=2) if i.task == "submit_request")
    first_day = law.today() + timedelta(days=14)
    assert (request.role, request.rule) == ("employee", "T28")
    assert request.due_on is not None and request.due_on < first_day
    assert engine.compute_deadline("T28", first_day).due_on == request.due_on
