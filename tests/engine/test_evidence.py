"""Evidence packs for an inspector and event logs for process mining: complete, chained, never medical."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pm4py
import pytest
from sqlalchemy import select, update

import engine
from engine.store.models import AuditEvent
from tests.scenarios.conftest import PROCESSES, at
from tests.scenarios.test_formal_reintegration import INVITATION, decision
from tests.scenarios.test_formal_reintegration import REQUEST as TRAJECTORY_REQUEST
from tests.scenarios.test_pre_return_visit import REQUEST as VISIT_REQUEST
from tests.scenarios.test_pre_return_visit import VISIT

FINDINGS = "FINDINGS-lumbar-hernia-7731"
JUSTIFICATION = "JUSTIFICATION-burnout-4410"
SECRETS = (FINDINGS, JUSTIFICATION)


@pytest.fixture
def law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    instance = engine.Engine(database_url, clock=clock)
    instance.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    yield instance
    instance.close()


@dataclass
class Played:
    visit: engine.CaseView
    trajectory: engine.CaseView
    elsewhere: engine.CaseView


def do(law: engine.Engine, case_id: int, task: str, data: dict, actor: str) -> None:
    item = next(i for i in law.work_items(case_id=case_id) if i.task == task)
    law.complete(item.id, data, actor=actor)


def open_case(law: engine.Engine, reference: str, employer: str = "Acme NV") -> engine.CaseView:
    return law.open_case(reference=reference, employee="An Peeters", employer=employer,
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1", with_follow_up=False)


def visit(law: engine.Engine, clock: engine.SettableClock, reference: str, employer: str) -> engine.CaseView:
    clock.set(at(2026, 12, 23))
    case = open_case(law, reference, employer)
    law.start(case.id, "pre_return_visit", {}, actor="oa1")
    do(law, case.id, "record_request", VISIT_REQUEST, "oa1")
    clock.set(at(2027, 1, 8, 11))
    do(law, case.id, "hold_visit", {**VISIT, "medical_findings": FINDINGS}, "oa1")
    return case


def trajectory(law: engine.Engine, clock: engine.SettableClock) -> engine.CaseView:
    clock.set(at(2027, 1, 4))
    case = open_case(law, "RIT-1")
    law.start(case.id, "formal_reintegration", {}, actor="oa1")
    do(law, case.id, "record_request", TRAJECTORY_REQUEST, "oa1")
    clock.set(at(2027, 1, 5))
    law.fire_due_timers()
    do(law, case.id, "send_invitation", INVITATION, "oa1")
    clock.set(at(2027, 1, 12))
    law.fire_due_timers()
    do(law, case.id, "record_attendance", {"attended": True}, "oa1")
    do(law, case.id, "assess", {**decision("A"), "medical_justification": JUSTIFICATION}, "oa1")
    return case


@pytest.fixture
def played(law: engine.Engine, clock: engine.SettableClock) -> Played:
    cases = Played(visit(law, clock, "PRV-1", "Acme NV"), trajectory(law, clock),
                   visit(law, clock, "PRV-9", "Other BV"))
    clock.set(at(2027, 2, 1))
    return cases


def user(law: engine.Engine, name: str, role: str, organisations: tuple[str, ...] = ()) -> int:
    return law.create_user(username=name, password="correct horse battery", display_name=name, roles=[role],
                           organisations=list(organisations), actor="test").id


def completions(law: engine.Engine, *cases: engine.CaseView) -> list[engine.WorkItemView]:
    return [i for c in cases for i in law.work_items(case_id=c.id, state="completed")]


@pytest.mark.filterwarnings("ignore:.*r4pm:UserWarning")
def test_the_xes_log_reads_back_in_pm4py_with_every_task_completion(law, played, tmp_path: Path):
    events = law.event_log(user_id=user(law, "co", "compliance_officer", ("Acme NV",)))
    path = tmp_path / "log.xes"
    path.write_bytes(law.event_log_xes(events))
    frame = pm4py.read_xes(str(path))
    expected = completions(law, played.visit, played.trajectory)
    assert len(frame) == len(events) == len(expected) > 0
    assert set(frame["case:concept:name"]) == {"PRV-1", "RIT-1"}
    assert sorted(frame["concept:name"]) == sorted(i.name for i in expected)
    assert sorted(t.to_pydatetime() for t in frame["time:timestamp"]) == sorted(e.timestamp for e in events)
    assert set(frame["lifecycle:transition"]) == {"complete"}
    assert {"occupational_physician"} <= set(frame["org:role"]) and "oa1" in set(frame["org:resource"])


def test_the_csv_log_has_one_row_per_completion_and_the_agreed_header(law, played):
    events = law.event_log(user_id=user(law, "admin", "admin"))
    rows = list(csv.DictReader(io.StringIO(law.event_log_csv(events))))
    assert list(rows[0]) == ["case_id", "activity", "timestamp", "role", "resource", "process_id", "version"]
    assert len(rows) == len(completions(law, played.visit, played.trajectory, played.elsewhere))
    assert {r["case_id"] for r in rows} == {"PRV-1", "RIT-1", "PRV-9"}


def test_the_log_filters_by_procedure_employer_and_completion_date(law, played):
    admin = user(law, "admin", "admin")
    assert {e.process_id for e in law.event_log(user_id=admin, process_id="formal_reintegration")} == {
        "formal_reintegration"}
    assert {e.case_id for e in law.event_log(user_id=admin, organisation="Other BV")} == {"PRV-9"}
    on_the_8th = law.event_log(user_id=admin, date_from=date(2027, 1, 8), date_to=date(2027, 1, 8))
    assert {(e.case_id, e.task) for e in on_the_8th} == {("PRV-1", "hold_visit"), ("PRV-9", "hold_visit")}


def test_no_medical_value_reaches_a_log_or_an_evidence_pack(law, played):
    admin = user(law, "admin", "admin")
    events = law.event_log(user_id=admin)
    pack = law.evidence_pack(played.trajectory.id, user_id=admin)
    visit_pack = law.evidence_pack(played.visit.id, user_id=admin)
    exports = [law.event_log_csv(events), law.event_log_xes(events).decode(), repr(events),
               law.evidence_json(pack)[0], law.evidence_json(visit_pack)[0], repr(pack), repr(visit_pack)]
    assert not [secret for secret in SECRETS for text in exports if secret in text]
    assessed = next(e for e in pack.events if e.task == "assess" and e.action == "task_completed")
    assert assessed.after["medical_justification"] == "[value withheld]"
    assert assessed.after["conditions"] == "Half days, no lifting."


def test_the_pack_holds_the_case_its_instances_deadlines_and_the_audit_hashes(law, played):
    pack = law.evidence_pack(played.trajectory.id, user_id=user(law, "admin", "admin"))
    assert (pack.case.reference, pack.case.employer, pack.case.first_day_of_incapacity) == (
        "RIT-1", "Acme NV", date(2026, 9, 1))
    [instance] = pack.instances
    assert (instance.process_id, instance.version, len(instance.content_hash)) == ("formal_reintegration", 1, 64)
    assert {d.rule for d in pack.deadlines} >= {"T08"} and all(d.explanation for d in pack.deadlines)
    with law.database.unit_of_work() as session:
        stored = {(e.stream, e.seq): (e.prev_hash, e.hash) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.stream.in_([f"case:{pack.case.id}", f"instance:{instance.id}"])))}
    assert {(e.stream, e.seq): (e.prev_hash, e.hash) for e in pack.events} == stored
    assert pack.is_intact and [c.stream for c in pack.chains] == [f"case:{pack.case.id}", f"instance:{instance.id}"]
    assert (pack.produced_by, pack.produced_at) == ("admin", at(2027, 2, 1))


def test_the_pack_says_which_end_a_completed_instance_reached(law, played):
    do(law, played.visit.id, "answer_recommendations", {"answered_on": "2027-02-01", "adaptations_agreed": True,
                                                       "answer": "Desk ordered."}, "hr1")
    pack = law.evidence_pack(played.visit.id, user_id=user(law, "admin", "admin"))
    [instance] = pack.instances
    assert (instance.state, instance.end_event, instance.end_event_name) == ("completed", "end_answered",
                                                                             "Employer answered")
    assert '"end_event": "end_answered"' in law.evidence_json(pack)[0]


def test_the_json_is_stable_and_its_digest_matches(law, played):
    import hashlib
    import json

    pack = law.evidence_pack(played.visit.id, user_id=user(law, "admin", "admin"))
    text, digest = law.evidence_json(pack)
    assert law.evidence_json(pack) == (text, digest)
    assert hashlib.sha256(text.encode()).hexdigest() == digest
    document = json.loads(text)
    assert document["is_intact"] is True and document["case"]["first_day_of_incapacity"] == "2026-09-01"
    assert document["produced_at"].startswith("2027-02-01T")


def test_a_tampered_audit_row_shows_as_a_broken_link_in_the_pack(law, played):
    stream = f"case:{played.visit.id}"
    with law.database.unit_of_work() as session:
        session.execute(update(AuditEvent).where(AuditEvent.stream == stream, AuditEvent.seq == 1)
                        .values(actor="someone else"))
        session.commit()
    pack = law.evidence_pack(played.visit.id, user_id=user(law, "admin", "admin"))
    [broken] = [c for c in pack.chains if not c.is_intact]
    assert broken.stream == stream and "row edited" in (broken.broken or "")
    assert not pack.is_intact


def test_an_officer_of_another_employer_sees_neither_the_case_nor_its_events(law, played):
    other = user(law, "co-other", "compliance_officer", ("Other BV",))
    with pytest.raises(engine.NotFound):
        law.evidence_pack(played.visit.id, user_id=other)
    with pytest.raises(engine.NotFound):
        law.overseen_case("PRV-1", user_id=other)
    assert {e.case_id for e in law.event_log(user_id=other)} == {"PRV-9"}
    assert law.event_log(user_id=other, organisation="Acme NV") == []
    assert law.overseen_case("PRV-9", user_id=other).id == played.elsewhere.id


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "process_owner"])
def test_only_overseers_export(law, played, role):
    someone = user(law, "someone", role, ("Acme NV",))
    with pytest.raises(engine.NotAllowed):
        law.evidence_pack(played.visit.id, user_id=someone)
    with pytest.raises(engine.NotAllowed):
        law.event_log(user_id=someone)


def test_every_export_is_recorded_in_the_compliance_stream(law, played):
    officer = user(law, "co", "compliance_officer", ("Acme NV",))
    law.evidence_pack(played.visit.id, user_id=officer)
    law.event_log(user_id=officer, process_id="pre_return_visit")
    [pack, log] = law.audit_trail("compliance")
    assert (pack.actor, pack.action, pack.after["reference"]) == ("co", "evidence_exported", "PRV-1")
    assert (log.action, log.after["process_id"]) == ("event_log_exported", "pre_return_visit")
    assert law.verify_audit("compliance").is_intact
