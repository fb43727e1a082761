"""An instance that loops keeps a bounded stored state, and its trace is the same as if nothing was pruned."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import engine
from engine.runtime import pruning
from tests.conftest import approve
from tests.engine.test_tracing import overseer
from tests.scenarios import conftest as scenarios
from tests.scenarios.conftest import at
from tests.scenarios.test_contact_procedure import CONTACT
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory, decision
from tests.security.test_concurrency_parallel import start_parallel

law = scenarios.law
INSTANCE = sa.table("process_instance", sa.column("id"), sa.column("state_json"))
LOOP = Path(__file__).parents[2] / "bench" / "fixtures" / "loop.bpmn"
BENCH_FORMS = LOOP.parent / "forms"
INVITATION_FILE = "registered_invitation.bpmn"


def stored_size(eng: engine.Engine, instance_id: int) -> int:
    with eng.database.unit_of_work() as session:
        return len(session.execute(sa.select(INSTANCE.c.state_json).where(INSTANCE.c.id == instance_id)).scalar_one())


INVITED = [(2027, 1, 5), (2027, 1, 20), (2027, 2, 4), (2027, 2, 19)]


def invitations(rit: Trajectory, *, finish: bool) -> None:
    """Four invitations (the second absence justified, the third reported), the spacing timer between each."""
    rit.do("record_request", REQUEST, "oa1")
    for n, day in enumerate(INVITED):
        rit.until(*day, hour=1)
        on = date(*day).isoformat()
        steps = [("send_invitation", {"invited_on": on, "appointment_on": on}, "oa1"),
                 ("record_attendance", {"attended": False, "absence_justified": n == 1}, "oa1")]
        for task, data, actor in steps + ([("note_absence", {"noted_on": on}, "aa1")] if n == 2 else []):
            rit.do(task, data, actor)
    if finish:
        rit.do("inform_no_response", {"employer_informed_on": "2027-02-19",
                                      "advisory_physician_informed_on": "2027-02-19"}, "oa1")


def seen(eng: engine.Engine, rit: Trajectory, reader: int) -> dict:
    """What a compliance officer and the event log see of the instance, without its ids and hashes."""
    trace = eng.instance_trace(rit.instance.id, user_id=reader)
    log = [(e.activity, e.task, e.timestamp, e.role, e.resource) for e in eng.event_log(user_id=reader)
           if e.case_id == rit.case.reference]
    return {
        "state": trace.state, "end": trace.end_event_name, "completed": trace.completed, "current": trace.current,
        "waiting": trace.waiting, "flows": trace.flows,
        "verdicts": [(v.deadline.rule, v.deadline.due_on, v.deadline.state, v.verdict, v.days, v.still_open)
                     for v in trace.deadlines],
        "timeline": [(e.action, e.task, e.task_name, e.actor, e.at, [(f.name, f.value, f.before) for f in e.fields])
                     for e in trace.timeline],
        "log": log, "tasks": rit.tasks(),
    }


@pytest.mark.parametrize("finish", [False, True], ids=["waiting", "ended"])
def test_a_looped_trajectory_traces_the_same_whether_its_loops_were_pruned_or_not(law, clock, monkeypatch, finish):
    reader = overseer(law).id
    pruned = Trajectory(law, clock, reference="RIT-PRUNED")
    invitations(pruned, finish=finish)
    with_pruning = seen(law, pruned, reader)
    monkeypatch.setattr(pruning, "ENABLED", False)
    whole = Trajectory(law, clock, reference="RIT-WHOLE")
    invitations(whole, finish=finish)
    assert seen(law, whole, reader) == with_pruning
    assert ("registered_invitation", "note_absence", "Take note of a second unjustified absence") in [
        (e.process_id, e.bpmn_id, e.name) for e in with_pruning["completed"]]
    assert stored_size(law, pruned.instance.id) < stored_size(law, whole.instance.id)


def test_a_pruned_trajectory_still_runs_to_its_end_with_its_timers(law, clock):
    rit = Trajectory(law, clock)
    invitations(rit, finish=False)
    assert rit.tasks() == [("occupational_physician", "inform_no_response")]
    rit.do("inform_no_response", {"employer_informed_on": "2027-02-19",
                                  "advisory_physician_informed_on": "2027-02-19"}, "oa1")
    assert (rit.state(), law.instance(rit.instance.id).end_event) == ("completed", "end_no_response")


@pytest.fixture
def looping(database_url, clock):  # type: ignore[no-untyped-def]
    """An engine with the bench's loop started on a case of its own: the engine, the case's id, the instance's."""
    eng = engine.Engine(database_url, clock=clock, forms_dir=BENCH_FORMS)
    eng.deploy(LOOP, actor="bench")
    case = eng.open_case(reference="LOOP-1", employee="Bench", employer="Bench NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="bench")
    yield eng, case.id, eng.start(case.id, "bench_loop", {}, actor="bench").id
    eng.close()


def test_after_200_loops_an_instance_stores_no_more_than_a_fresh_one_plus_a_fifth(looping):
    eng, _, instance = looping
    sizes = []
    for _ in range(200):
        [item] = [i for i in eng.work_items(role="employer") if i.instance_id == instance]
        eng.complete(item.id, {"loop_again": True}, actor="bench")
        sizes.append(stored_size(eng, instance))
    assert sizes[-1] <= 1.2 * sizes[0]
    [item] = [i for i in eng.work_items(role="employer") if i.instance_id == instance]
    eng.complete(item.id, {"loop_again": False}, actor="bench")
    assert eng.instance(instance).state == "completed"


def test_a_pruned_trajectory_moves_to_a_new_version_and_runs_on(law, clock):
    """Two invitations looped (and pruned), the attendance task renamed in version 2: the instance moves, its
    open task takes the new name, and it runs on to its end."""
    owner = law.create_user(username="po1", password="correct horse battery", display_name="Pia Owner",
                            roles=["process_owner"], actor="test")
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    for n, day in enumerate([(2027, 1, 5), (2027, 1, 20)]):
        rit.until(*day, hour=1)
        invited = date(*day).isoformat()
        rit.do("send_invitation", {"invited_on": invited, "appointment_on": invited}, "oa1")
        if n == 0:
            rit.do("record_attendance", {"attended": False, "absence_justified": True}, "oa1")
    draft = law.create_draft("formal_reintegration", user_id=owner.id)
    renamed = draft.files[INVITATION_FILE].replace('name="Record whether the worker came"',
                                                   'name="Record whether the worker attended"')
    law.save_draft(draft.id, files={INVITATION_FILE: renamed}, expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft.id)
    [version] = [v for v in law.deploy_draft(draft.id, comment="test", user_id=owner.id)
                 if v.process_id == "formal_reintegration"]
    result = law.migrate_instances(draft.based_on or 0, version.id, reason="clearer name", user_id=owner.id)
    assert [m.instance_id for m in result.moved] == [rit.instance.id]
    assert [i.name for i in law.work_items(case_id=rit.case.id)] == ["Record whether the worker attended"]
    rit.do("record_attendance", {"attended": True}, "oa1")
    rit.do("assess", decision("C", "2027-01-20"), "oa1")
    assert rit.state() == "completed"


def test_an_element_done_in_a_pruned_loop_still_refuses_a_move_that_changes_it(law, clock, monkeypatch):
    owner = law.create_user(username="po1", password="correct horse battery", display_name="Pia Owner",
                            roles=["process_owner"], actor="test")
    pruned = Trajectory(law, clock, reference="RIT-PRUNED")
    invitations(pruned, finish=False)
    monkeypatch.setattr(pruning, "ENABLED", False)
    whole = Trajectory(law, clock, reference="RIT-WHOLE")
    invitations(whole, finish=False)
    draft = law.create_draft("formal_reintegration", user_id=owner.id)
    scripted = draft.files[INVITATION_FILE].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="absence_notice.json"/>',
        '<spiffworkflow:property name="formJsonSchemaFilename" value="absence_notice.json"/>'
        '</spiffworkflow:properties><spiffworkflow:postScript>noted = True</spiffworkflow:postScript>'
        '<spiffworkflow:properties>')
    law.save_draft(draft.id, files={INVITATION_FILE: scripted}, expected_revision=draft.revision, user_id=owner.id)
    approve(law, draft.id)
    [version] = [v for v in law.deploy_draft(draft.id, comment="test", user_id=owner.id)
                 if v.process_id == "formal_reintegration"]
    preview = {m.instance_id: m for m in law.migration_preview(draft.based_on or 0, version.id,
                                                               user_id=owner.id).instances}
    blockers = [(b.element_id, b.kind, b.done) for b in preview[pruned.instance.id].blockers]
    assert [(element, done) for element, _, done in blockers] == [("note_absence", True)]
    assert blockers == [(b.element_id, b.kind, b.done) for b in preview[whole.instance.id].blockers]


def keep_contact(law: engine.Engine, clock: engine.SettableClock, reference: str, contacts: int) -> tuple[int, list]:
    """The employer records ``contacts`` contacts every 14 days, every third one late (its T20 timer fires first);
    returns the contact instance and its stored size after each contact."""
    clock.set(at(2026, 10, 6))
    case = law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="hr1")
    instance = next(i for i in law.instances(case.id) if i.process_id == "contact_procedure").id
    day, sizes = date(2026, 10, 15), []
    for n in range(contacts):
        late = n % 3 == 2
        contacted = day + timedelta(days=32 if late else 14) if n else day
        clock.set(at(contacted.year, contacted.month, contacted.day))
        law.fire_due_timers()
        [item] = [i for i in law.work_items(case_id=case.id) if i.task == "record_contact"]
        law.complete(item.id, {**CONTACT, "contacted_on": contacted.isoformat()}, actor="hr1")
        sizes.append(stored_size(law, instance))
        day = contacted
    return instance, sizes


def test_a_contact_procedure_that_loops_keeps_its_state_and_its_trace(law, clock, monkeypatch):
    reader = overseer(law).id
    pruned, sizes = keep_contact(law, clock, "KC-PRUNED", 12)
    # Each late contact's overdue branch ends and waits at the process's end join, which merges that branch's data
    # when the procedure ends: those tasks stay (about 1.3 KB for each late contact); everything else of a contact goes.
    assert sizes[-1] <= 1.4 * sizes[2], "only the ended overdue branches stay"
    trace = law.instance_trace(pruned, user_id=reader)
    monkeypatch.setattr(pruning, "ENABLED", False)
    whole, whole_sizes = keep_contact(law, clock, "KC-WHOLE", 12)
    assert whole_sizes[-1] > 2 * sizes[-1]
    again = law.instance_trace(whole, user_id=reader)
    assert (again.completed, again.current, again.flows, again.end_event_name) == (
        trace.completed, trace.current, trace.flows, trace.end_event_name)
    assert [(v.deadline.rule, v.deadline.due_on, v.verdict, v.days) for v in again.deadlines] == [
        (v.deadline.rule, v.deadline.due_on, v.verdict, v.days) for v in trace.deadlines]
    assert [(e.action, e.task, e.at) for e in again.timeline] == [(e.action, e.task, e.at) for e in trace.timeline]
    assert "missed" in {v.verdict for v in trace.deadlines}


def test_a_parallel_join_still_joins_when_its_branches_finish_one_by_one_with_pruning(eng):
    """SpiffWorkflow cancels a join's earlier waiting tasks and counts a branch as arrived by their completed parent:
    pruning them left the join waiting forever."""
    instance = start_parallel(eng)
    for n, item in enumerate(eng.work_items(role="occupational_physician")):
        eng.complete(item.id, {"held_on": "2026-12-21"}, actor=f"oa{n}")
    assert eng.instance(instance.id).state == "running"
    eng.deliver(instance.case_id, "work_resumed", {"resumed_on": "2026-12-21"}, actor="hr1")
    done = eng.instance(instance.id)
    assert (done.state, done.end_event) == ("completed", "end")
