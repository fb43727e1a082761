"""Moving running instances between versions: preview, refusal, migrate one or all eligible, revert."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import engine
from tests.conftest import approve
from tests.scenarios.conftest import at

ROOT = Path(__file__).resolve().parents[2]
FILE = "pre_return_visit.bpmn"
REQUEST = {"request_received_on": "2026-12-23", "requested_by": "employee",
           "employee_objects_to_informing_employer": False, "employer_informed_on": "2026-12-23"}


@pytest.fixture
def law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    instance = engine.Engine(database_url, clock=clock)
    instance.deploy(sorted((ROOT / "processes" / "bpmn").glob("*.bpmn")), actor="process_owner")
    yield instance
    instance.close()


@pytest.fixture
def owner(law: engine.Engine) -> engine.UserView:
    return law.create_user(username="po1", password="correct horse battery", display_name="Pia Owner",
                           roles=["process_owner"], actor="test")


def visit(law: engine.Engine, reference: str, *, recorded: bool = True) -> engine.InstanceView:
    case = law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="hr1", with_follow_up=False)
    instance = law.start(case.id, "pre_return_visit", {}, actor="oa1")
    if recorded:
        [item] = law.work_items(case_id=case.id)
        law.complete(item.id, REQUEST, actor="oa1")
    return instance


def new_version(law: engine.Engine, owner: engine.UserView, change) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    law.save_draft(draft.id, files={FILE: change(draft.files[FILE])}, expected_revision=draft.revision,
                   user_id=owner.id)
    approve(law, draft.id)
    [version] = law.deploy_draft(draft.id, comment="test", user_id=owner.id)
    return draft.based_on or 0, version.id


def faster_rule(xml: str) -> str:
    return (xml.replace('deadline("T15", request_received_on)', 'deadline("T08", request_received_on)')
               .replace('name="Hold the pre-return visit"', 'name="Hold the visit"'))


def visit_by_employer(xml: str) -> str:
    xml = xml.replace("        <bpmn:flowNodeRef>hold_visit</bpmn:flowNodeRef>\n", "")
    ref = "        <bpmn:flowNodeRef>hold_visit</bpmn:flowNodeRef>\n"
    return re.sub(r'(<bpmn:lane id="lane_employer"[^>]*>\n)', lambda m: m[1] + ref, xml)


def deadlines(law: engine.Engine, case_id: int) -> list[tuple[str, date, str]]:
    return [(d.rule, d.due_on, d.state) for d in law.deadlines(case_id)]


def test_the_preview_shows_the_deadline_that_moves_and_the_task_renamed(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-1")
    old, new = new_version(law, owner, faster_rule)
    preview = law.migration_preview(old, new, user_id=owner.id)
    [move] = preview.instances
    assert move.eligible and move.case_reference == "PRV-1" and move.instance_id == instance.id
    kinds = {c.kind: c for c in move.changes}
    moved = kinds["deadline_moved"]
    assert (moved.element_id, moved.old, moved.new) == ("visit_overdue", "T15", "T08")
    assert (moved.old_on, moved.new_on) == (date(2027, 1, 8), date(2027, 2, 10))
    assert (kinds["task_renamed"].old, kinds["task_renamed"].new) == ("Hold the pre-return visit", "Hold the visit")
    assert law.instance(instance.id).version == 1, "a preview changes nothing"


def test_migrating_moves_the_deadline_renames_the_task_and_is_audited(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-1")
    old, new = new_version(law, owner, faster_rule)
    result = law.migrate_instances(old, new, reason="T08 applies", user_id=owner.id)
    assert [m.instance_id for m in result.moved] == [instance.id] and result.refused == ()
    assert law.instance(instance.id).version == 2
    [item] = law.work_items(case_id=instance.case_id)
    assert (item.name, item.rule, item.due_on) == ("Hold the visit", "T08", date(2027, 2, 10))
    assert deadlines(law, instance.case_id) == [("T15", date(2027, 1, 8), "replaced"),
                                                ("T08", date(2027, 2, 10), "pending")]
    event = law.audit_trail(f"instance:{instance.id}")[-1]
    assert (event.action, event.actor, event.after["reason"]) == ("migrated", "po1", "T08 applies")
    assert law.audit_trail("repository")[-1].after["moved"] == [instance.id]


def test_an_instance_working_on_a_task_whose_role_changed_is_refused_the_others_move(law, owner, clock):
    clock.set(at(2026, 12, 23))
    busy = visit(law, "PRV-1")
    fresh = visit(law, "PRV-2", recorded=False)
    old, new = new_version(law, owner, visit_by_employer)
    preview = {m.instance_id: m for m in law.migration_preview(old, new, user_id=owner.id).instances}
    [blocker] = preview[busy.id].blockers
    assert (blocker.element_id, blocker.kind, blocker.done) == ("hold_visit", "role", False)
    assert preview[fresh.id].eligible
    result = law.migrate_instances(old, new, reason="the employer holds visits now", user_id=owner.id)
    assert [m.instance_id for m in result.moved] == [fresh.id]
    assert [m.instance_id for m in result.refused] == [busy.id]
    assert (law.instance(busy.id).version, law.instance(fresh.id).version) == (1, 2)


def test_one_instance_can_be_migrated_alone(law, owner, clock):
    clock.set(at(2026, 12, 23))
    first, second = visit(law, "PRV-1"), visit(law, "PRV-2")
    old, new = new_version(law, owner, faster_rule)
    law.migrate_instances(old, new, reason="pilot", user_id=owner.id, instance_ids=[second.id])
    assert (law.instance(first.id).version, law.instance(second.id).version) == (1, 2)
    with pytest.raises(engine.NotFound):
        law.migrate_instances(old, new, reason="again", user_id=owner.id, instance_ids=[second.id])


def test_a_revert_restores_the_instance_exactly(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-1")
    old, new = new_version(law, owner, faster_rule)
    [migration] = law.migrate_instances(old, new, reason="T08 applies", user_id=owner.id).moved
    reverted = law.revert_migration(migration.id, reason="wrong rule", user_id=owner.id)
    assert reverted.reverted_by == "po1" and law.instance(instance.id).version == 1
    [item] = law.work_items(case_id=instance.case_id)
    assert (item.name, item.rule, item.due_on) == ("Hold the pre-return visit", "T15", date(2027, 1, 8))
    assert ("T15", date(2027, 1, 8), "pending") in deadlines(law, instance.case_id)
    event = law.audit_trail(f"instance:{instance.id}")[-1]
    assert (event.action, event.after["restored"], event.after["reason"]) == ("migration_reverted", True, "wrong rule")
    clock.set(at(2027, 1, 9, 0, 0, 1))
    assert law.fire_due_timers().timers_fired == 1, "the restored T15 timer still fires"
    with pytest.raises(engine.Conflict):
        law.revert_migration(migration.id, reason="twice", user_id=owner.id)


def test_a_revert_after_work_went_on_migrates_back(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-1", recorded=False)
    old, new = new_version(law, owner, faster_rule)
    [migration] = law.migrate_instances(old, new, reason="T08 applies", user_id=owner.id).moved
    [item] = law.work_items(case_id=instance.case_id)
    law.complete(item.id, REQUEST, actor="oa1")
    law.revert_migration(migration.id, reason="back to T15", user_id=owner.id)
    assert law.instance(instance.id).version == 1
    [item] = law.work_items(case_id=instance.case_id)
    assert (item.name, item.rule, item.due_on) == ("Hold the pre-return visit", "T15", date(2027, 1, 8))
    assert law.audit_trail(f"instance:{instance.id}")[-1].after["restored"] is False


def test_a_migration_needs_a_reason_a_process_owner_and_two_versions_of_one_process(law, owner, clock):
    clock.set(at(2026, 12, 23))
    visit(law, "PRV-1")
    old, new = new_version(law, owner, faster_rule)
    employer = law.create_user(username="hr1", password="correct horse battery", display_name="HR",
                               roles=["employer"], organisations=["Acme NV"], actor="test")
    with pytest.raises(engine.InvalidInput):
        law.migrate_instances(old, new, reason=" ", user_id=owner.id)
    with pytest.raises(engine.NotAllowed):
        law.migrate_instances(old, new, reason="x", user_id=employer.id)
    with pytest.raises(engine.NotAllowed):
        law.migration_preview(old, new, user_id=employer.id)
    other = next(v.id for v in law.definitions() if v.process_id == "formal_reintegration")
    with pytest.raises(engine.InvalidInput):
        law.migration_preview(old, other, user_id=owner.id)


def test_an_instance_inside_a_called_process_moves_with_it(law, owner, clock):
    from tests.scenarios.test_formal_reintegration import Trajectory, decision

    rit = Trajectory(law, clock)
    rit.examined()
    rit.do("assess", decision("A"), "oa1")
    draft = law.create_draft("formal_reintegration", user_id=owner.id)
    files = dict(draft.files)
    files["plan_or_report.bpmn"] = files["plan_or_report.bpmn"].replace(
        'deadline(plan_rule, plan_term_start, None, plan_other_start)', 'deadline("T08", plan_term_start)').replace(
        'name="Deliver a re-integration plan or a motivated report"', 'name="Deliver a plan or a report"')
    law.save_draft(draft.id, files=files, expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft.id)
    [version] = [v for v in law.deploy_draft(draft.id, comment="T08", user_id=owner.id)
                 if v.process_id == "formal_reintegration"]
    [move] = law.migration_preview(draft.based_on or 0, version.id, user_id=owner.id).instances
    assert move.eligible, move.blockers
    assert {c.kind for c in move.changes} == {"deadline_moved", "task_renamed"}
    law.migrate_instances(draft.based_on or 0, version.id, reason="test", user_id=owner.id)
    [item] = law.work_items(case_id=rit.case.id)
    assert (item.name, item.rule, item.due_on) == ("Deliver a plan or a report", "T08", date(2027, 3, 2))
    rit.until(2027, 2, 1)
    rit.do("draft", {"kind": "plan", "delivered_on": "2027-02-01", "valid_from": "2027-02-15",
                     "valid_until": "2027-08-15", "adapted_or_other_work": "Mornings only.",
                     "consulted_on": "2027-01-29", "measures": [{"measure": "Mornings only."}]}, "hr1")
    assert rit.tasks() == [("employee", "reply")]
    assert ("T08", date(2027, 3, 2), "met") in rit.deadlines(), "the plan term ends when the plan is handed over"


def form_version(law: engine.Engine, owner: engine.UserView) -> tuple[int, int]:
    """A version whose visit report gains next_visit_on, loses travel_costs_eur and requires held_on."""
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    form = law.form_source(draft.id, "pre_return_visit_report.json")
    form["properties"]["next_visit_on"] = {**form["properties"]["held_on"], "x-label": {
        "nl": "Volgend bezoek", "fr": "Prochaine visite", "en": "Next visit"}}
    form["x-order"].append("next_visit_on")
    del form["properties"]["travel_costs_eur"]
    form["x-order"].remove("travel_costs_eur")
    form["required"].append("held_on")
    law.save_draft(draft.id, forms={"pre_return_visit_report.json": json.dumps(form)},
                   expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft.id)
    [version] = law.deploy_draft(draft.id, comment="form only", user_id=owner.id)
    return draft.based_on or 0, version.id


def test_the_preview_names_each_field_the_form_of_an_open_task_gains_loses_or_changes(law, owner, clock):
    clock.set(at(2026, 12, 23))
    visit(law, "PRV-F")
    old, new = form_version(law, owner)

    [move] = law.migration_preview(old, new, user_id=owner.id).instances

    fields = {(c.kind, c.element_id, c.old, c.new) for c in move.changes if c.kind.startswith("form_")}
    assert fields == {("form_field_added", "hold_visit", "pre_return_visit_report.json", "next_visit_on"),
                      ("form_field_removed", "hold_visit", "pre_return_visit_report.json", "travel_costs_eur"),
                      ("form_field_changed", "hold_visit", "pre_return_visit_report.json", "held_on")}


def test_the_event_log_names_the_version_each_task_ran_on_and_the_name_it_had(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-L")
    old, new = new_version(law, owner, faster_rule)
    clock.set(at(2026, 12, 24))
    law.migrate_instances(old, new, reason="T08 applies", user_id=owner.id)
    [item] = law.work_items(case_id=instance.case_id)
    clock.set(at(2026, 12, 28))
    law.complete(item.id, {"visit_held": False}, actor="oa1")
    officer = law.create_user(username="co1", password="correct horse battery", display_name="Co",
                              roles=["compliance_officer"], actor="test")

    events = [(e.task, e.activity, e.version) for e in law.event_log(user_id=officer.id, process_id="pre_return_visit")]

    assert events == [("record_request", events[0][1], 1), ("hold_visit", "Hold the visit", 2)]


def test_the_trace_shows_a_task_done_before_a_rename_under_the_name_it_had(law, owner, clock):
    clock.set(at(2026, 12, 23))
    instance = visit(law, "PRV-T")
    old, new = new_version(law, owner, lambda xml: xml.replace('name="Record the visit request"',
                                                               'name="Note the request"'))
    law.migrate_instances(old, new, reason="clearer name", user_id=owner.id)
    officer = law.create_user(username="co1", password="correct horse battery", display_name="Co",
                              roles=["compliance_officer"], actor="test")

    trace = law.instance_trace(instance.id, user_id=officer.id)

    [done] = [e for e in trace.timeline if e.action == "task_completed"]
    assert (done.task, done.task_name) == ("record_request", "Record the visit request")
