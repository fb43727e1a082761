"""Messages are routed by case to the instances waiting for them; nobody waiting is said and audited."""

from __future__ import annotations

from tests.engine.test_runtime import open_case, start_demo


def test_a_message_reaches_the_waiting_instance_of_its_case_only(eng):
    case, instance = start_demo(eng)
    other = open_case(eng, "C-2")
    other_instance = eng.start(other.id, "visit_demo", {}, actor="e2")
    for c in (case, other):
        item = eng.work_items(case_id=c.id)[0]
        eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="e")
    delivery = eng.deliver(case.id, "work_resumed", {"resumed_on": "2027-01-04"}, actor="hr1")
    assert delivery.instance_ids == (instance.id,)
    assert eng.instance(instance.id).state == "completed"
    assert eng.instance(other_instance.id).state == "running"
    assert [d.state for d in eng.deadlines(case.id)] == ["cancelled"]
    assert eng.next_due() is not None


def test_a_message_nobody_waits_for_is_reported_and_audited(eng):
    case, instance = start_demo(eng)
    delivery = eng.deliver(case.id, "work_resumed", {"resumed_on": "2027-01-04"}, actor="hr1")
    assert not delivery.is_delivered
    assert eng.instance(instance.id).state == "running"
    [opened, kept, refused] = eng.audit_trail(f"case:{case.id}")
    assert (kept.action, kept.after) == ("incapacity_event_recorded", {"kind": "return", "on": "2027-01-04"})
    assert (refused.action, refused.task, refused.after) == (
        "message_not_waiting", "work_resumed", {"resumed_on": "2027-01-04"})
