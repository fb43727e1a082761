"""Tracing one instance on its own version for compliance officers, and verifying the audit hash chains."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

import engine
from tests.scenarios import conftest as scenarios
from tests.scenarios.test_formal_reintegration import Trajectory, decision
from tests.scenarios.test_pre_return_visit import requested_before_christmas

SECRET = "Burn-out stage 3, SECRET-DIAGNOSIS-7731"
law = scenarios.law
AUDIT = sa.table("audit_event", sa.column("stream"), sa.column("seq"), sa.column("actor"))


def overseer(law: engine.Engine, *organisations: str, role: str = "compliance_officer") -> engine.UserView:
    name = f"{role}-{'-'.join(organisations) or 'all'}".replace(" ", "")
    return law.create_user(username=name, password="correct horse battery", display_name=name, roles=[role],
                           organisations=list(organisations), actor="test")


def late_assessment(law: engine.Engine, clock: engine.SettableClock) -> Trajectory:
    """Examined in January, T08 (due 22 February) expires, decision A with a medical justification on 25 February."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.until(2027, 2, 23)
    rit.until(2027, 2, 25)
    rit.do("assess", {**decision("A", "2027-02-25"), "medical_justification": SECRET}, "oa1")
    return rit


def ids(elements: tuple) -> set[tuple[str, str]]:
    return {(e.process_id, e.bpmn_id) for e in elements}


def test_a_late_assessment_shows_what_was_done_what_is_current_and_what_waits(law, clock):
    rit = late_assessment(law, clock)
    trace = law.instance_trace(rit.instance.id, user_id=overseer(law).id)
    assert (trace.process_id, trace.version, trace.state, trace.case_reference, trace.employer) == (
        "formal_reintegration", 1, "running", "RIT-1", "Acme NV")
    assert trace.main_file == "formal_reintegration.bpmn"
    assert "registered_invitation" in trace.file_processes["registered_invitation.bpmn"]
    assert {("formal_reintegration", "record_request"), ("registered_invitation", "send_invitation"),
            ("formal_reintegration", "assess"), ("formal_reintegration", "assessment_overdue")} <= ids(trace.completed)
    assert ids(trace.current) == {("formal_reintegration", "plan_a"), ("plan_or_report", "draft"),
                                  ("formal_reintegration", "explain_late_assessment")}
    [timer] = trace.waiting
    assert (timer.element.bpmn_id, timer.kind) == ("plan_overdue", "timer")
    assert timer.due_at == datetime(2027, 4, 29, 22, 0, tzinfo=timezone.utc)


def test_only_the_flows_the_token_took_are_marked(law, clock):
    rit = late_assessment(law, clock)
    flows = {(f.process_id, f.bpmn_id) for f in law.instance_trace(rit.instance.id, user_id=overseer(law).id).flows}
    assert {("registered_invitation", "f_send_first"), ("formal_reintegration", "f_examined"),
            ("formal_reintegration", "f_a"), ("formal_reintegration", "f9")} <= flows
    assert ("registered_invitation", "f_sent") not in flows


def test_the_timeline_lists_every_event_in_order_with_its_hash(law, clock):
    rit = late_assessment(law, clock)
    timeline = law.instance_trace(rit.instance.id, user_id=overseer(law).id).timeline
    assert [(e.action, e.task, e.actor) for e in timeline] == [
        ("started", None, "oa1"), ("task_completed", "record_request", "oa1"),
        ("task_completed", "send_invitation", "oa1"), ("task_completed", "record_attendance", "oa1"),
        ("timers_fired", None, "scheduler"), ("task_completed", "assess", "oa1")]
    assert timeline[-1].task_name == "Assess and decide A, B or C"
    assert all(len(e.hash) == 64 for e in timeline)


def test_deadlines_get_a_verdict_missed_by_days_or_days_left(law, clock):
    rit = late_assessment(law, clock)
    verdicts = law.instance_trace(rit.instance.id, user_id=overseer(law).id).deadlines
    assert [(v.deadline.rule, v.verdict, v.days, v.still_open) for v in verdicts] == [
        ("T08", "missed", 3, False), ("T12", "pending", 63, False)]
    assert verdicts[0].deadline.due_on == date(2027, 2, 22) and verdicts[0].deadline.explanation


def test_a_missed_term_whose_task_is_still_open_counts_to_today(law, clock):
    case, instance = requested_before_christmas(law, clock)
    clock.set(datetime(2027, 1, 13, 9, tzinfo=timezone.utc))
    law.fire_due_timers()
    [verdict] = law.instance_trace(instance.id, user_id=overseer(law).id).deadlines
    assert (verdict.deadline.rule, verdict.verdict, verdict.days, verdict.still_open) == ("T15", "missed", 5, True)


def test_a_medical_value_never_appears_but_its_name_and_recorder_do(law, clock):
    rit = late_assessment(law, clock)
    trace = law.instance_trace(rit.instance.id, user_id=overseer(law).id)
    assert SECRET not in repr(trace)
    assert SECRET not in json.dumps(asdict(trace), default=str)
    assess = trace.timeline[-1]
    [medical] = [f for f in assess.fields if f.withheld]
    assert (medical.name, medical.value, medical.before, assess.actor) == ("medical_justification", None, None, "oa1")
    assert any(f.name == "decision" and f.value == "A" for f in assess.fields)


def test_an_officer_of_another_employer_finds_nothing_and_others_may_not_look(law, clock):
    rit = late_assessment(law, clock)
    stranger = overseer(law, "Other NV")
    with pytest.raises(engine.NotFound):
        law.instance_trace(rit.instance.id, user_id=stranger.id)
    with pytest.raises(engine.NotFound):
        law.verify_trail(user_id=stranger.id, scope="case", ident=rit.case.id)
    with pytest.raises(engine.NotAllowed):
        law.verify_trail(user_id=stranger.id, scope="all")
    hr = overseer(law, "Acme NV", role="employer")
    with pytest.raises(engine.NotAllowed):
        law.instance_trace(rit.instance.id, user_id=hr.id)
    assert law.instance_trace(rit.instance.id, user_id=overseer(law, "Acme NV").id).employer == "Acme NV"


def tamper(law: engine.Engine, how: str, stream: str) -> None:
    """Edit, delete or reorder rows of ``stream`` directly in the audit table."""
    where = AUDIT.c.stream == stream
    statements = {
        "edit": [sa.update(AUDIT).where(where, AUDIT.c.seq == 2).values(actor="mallory")],
        "delete": [sa.delete(AUDIT).where(where, AUDIT.c.seq == 2)],
        "reorder": [sa.update(AUDIT).where(where, AUDIT.c.seq == seq).values(seq=new)
                    for seq, new in ((2, 99), (3, 2), (99, 3))],
    }[how]
    with law.database.engine.begin() as conn:
        for statement in statements:
            conn.execute(statement)


PROBLEMS = {"edit": "edited", "delete": "missing", "reorder": "reordered"}


@pytest.mark.parametrize("how", ["edit", "delete", "reorder"])
@pytest.mark.parametrize("scope", ["instance", "case", "all"])
def test_tampering_is_found_at_its_first_broken_link_and_every_check_is_recorded(law, clock, how, scope):
    case, instance = requested_before_christmas(law, clock)
    officer = overseer(law)
    law.complete(law.work_items(case_id=case.id)[0].id, {"visit_held": False}, actor="oa1")
    ident = {"instance": instance.id, "case": case.id, "all": None}[scope]
    assert law.verify_trail(user_id=officer.id, scope=scope, ident=ident).is_intact
    tamper(law, how, f"instance:{instance.id}")
    result = law.verify_trail(user_id=officer.id, scope=scope, ident=ident)
    assert not result.is_intact
    assert result.broken.startswith(f"instance:{instance.id} #") and PROBLEMS[how] in result.broken
    recorded = [e.after for e in law.audit_trail("compliance")]
    assert [(r["scope"], r["ident"], r["intact"]) for r in recorded] == [(scope, ident, True), (scope, ident, False)]
    assert recorded[1]["broken"] == result.broken and recorded[1]["events_checked"] == result.events_checked


def test_a_case_check_covers_its_own_stream_and_each_instance(law, clock):
    case, instance = requested_before_christmas(law, clock)
    result = law.verify_trail(user_id=overseer(law).id, scope="case", ident=case.id)
    expected = len(law.audit_trail(f"case:{case.id}")) + len(law.audit_trail(f"instance:{instance.id}"))
    assert (result.is_intact, result.events_checked) == (True, expected)
    [check] = law.audit_trail("compliance")
    assert check.actor == "compliance_officer-all" and check.action == "audit_verified"


def test_a_check_without_a_scope_is_invalid_input(law, clock):
    officer = overseer(law)
    with pytest.raises(engine.InvalidInput):
        law.verify_trail(user_id=officer.id, scope="instance", ident=None)
    with pytest.raises(engine.InvalidInput):
        law.verify_trail(user_id=officer.id, scope="everything", ident=1)
