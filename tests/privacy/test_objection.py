"""Issue 14, point 2: a pre-return visit the worker keeps from the employer does not exist for the employer side.

Two twin cases of Acme NV: R-1 holds a visit the worker asked for and objected to informing the employer about,
R-2 holds none. For the employer's HR and the employer's own compliance officer, R-1 looks exactly like R-2 on
every surface (case file, API, inbox, deadlines, trace, evidence pack, event logs, search, dashboard, annual
evaluation); the occupational physician and the worker see the visit. Both databases, real HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import engine
from tests.engine.test_compliance import REQUEST as COMPLIANCE_REQUEST
from tests.engine.test_compliance import request_visit
from tests.scenarios.conftest import PROCESSES, at
from tests.webui.conftest import PASSWORD, csrf_token, open_law_case

REQUEST = {"request_received_on": "2026-12-21", "requested_by": "employee",
           "employee_objects_to_informing_employer": True}
PERIOD = {"period_from": date(2026, 1, 1), "period_to": date(2027, 12, 31)}


def user(law, username: str, role: str, *organisations: str) -> engine.UserView:  # type: ignore[no-untyped-def]
    return law.create_user(username=username, password=PASSWORD, display_name=username, roles=[role],
                           organisations=list(organisations), language="en", actor="test")


@dataclass
class Twins:
    law: engine.Engine
    with_visit: engine.CaseView
    without: engine.CaseView
    visit: engine.InstanceView
    worker: engine.UserView
    physician: engine.UserView
    hr: engine.UserView
    officer: engine.UserView
    """The employer's own compliance officer (scoped to Acme NV)."""

    def shape(self, case_id: int, user_id: int) -> tuple:
        """What a reader learns of a case from its file and its deadlines, without the case's identity."""
        file = self.law.case_file(case_id, user_id)
        return (sorted(i.process_id for i in file.instances), sorted((d.rule, d.state) for d in file.deadlines),
                sorted(w.task for w in file.work_items), sorted(d.task for d in file.documents),
                sorted((d.rule, d.state) for d in self.law.deadlines(case_id, user_id)), file.may_start,
                file.may_record)


@pytest.fixture
def twins(law, clock) -> Twins:  # type: ignore[no-untyped-def]
    """R-1 with the worker's withheld visit (requested, recorded, its T15 term pending), R-2 without one."""
    clock.set(at(2026, 12, 21))
    worker, physician = user(law, "eva", "employee"), user(law, "oa1", "occupational_physician", "Mensura")
    with_visit, without = open_law_case(law, "R-1"), open_law_case(law, "R-2")
    visit = law.start(with_visit.id, "pre_return_visit", {}, actor="eva", user_id=worker.id)
    item = next(i for i in law.inbox(physician.id) if i.task == "record_request")
    law.complete(item.id, REQUEST, actor="oa1", user_id=physician.id)
    return Twins(law, with_visit, without, visit, worker, physician, user(law, "hr1", "employer", "Acme NV"),
                 user(law, "co1", "compliance_officer", "Acme NV"))


def test_the_employer_side_sees_the_case_as_if_there_were_no_visit(twins):
    law = twins.law
    for reader in (twins.hr, twins.officer):
        assert twins.shape(twins.with_visit.id, reader.id) == twins.shape(twins.without.id, reader.id)
        assert all(i.instance_id != twins.visit.id for i in law.inbox(reader.id))
    overseers = (user(law, "co-all", "compliance_officer"), user(law, "root", "admin"))
    for reader in (twins.physician, twins.worker, *overseers):
        assert "pre_return_visit" in twins.shape(twins.with_visit.id, reader.id)[0], reader.username
    assert any(i.instance_id == twins.visit.id for i in law.inbox(twins.physician.id))


def test_the_visits_task_does_not_exist_for_the_employer(twins):
    law = twins.law
    hold = next(i for i in law.work_items(case_id=twins.with_visit.id) if i.task == "hold_visit")
    both = law.create_user(username="hr-oa", password=PASSWORD, display_name="HR", actor="test",
                           roles=["employer", "occupational_physician"], organisations=["Acme NV"])
    assert law.task(hold.id, both.id).item.id == hold.id  # the employer's internal prevention service sees it
    with pytest.raises(engine.NotFound):
        law.task(hold.id, twins.hr.id)


def test_oversight_surfaces_leave_the_visit_out_for_the_employers_officer(twins):
    law, officer = twins.law, twins.officer
    with pytest.raises(engine.NotFound):
        law.instance_trace(twins.visit.id, user_id=officer.id)
    found = law.find_instances(user_id=officer.id)
    assert twins.visit.id not in [r.id for r in found.rows] and found.total == len(found.rows)
    assert "pre_return_visit" not in [e.process_id for e in law.ends_reached(user_id=officer.id)]
    pack = law.evidence_pack(twins.with_visit.id, user_id=officer.id)
    assert twins.visit.id not in [i.id for i in pack.instances]
    assert all(e.stream != f"instance:{twins.visit.id}" for e in pack.events)
    assert all(d.instance_id != twins.visit.id for d in pack.deadlines)
    assert "pre_return_visit" not in {e.process_id for e in law.event_log(user_id=officer.id)}
    dashboard = law.deadline_dashboard(user_id=officer.id, **PERIOD)
    assert "T15" not in {s.rule for s in dashboard.rules}
    assert law.verify_trail(user_id=officer.id, scope="case", ident=twins.with_visit.id).events_checked == \
        law.verify_trail(user_id=officer.id, scope="case", ident=twins.without.id).events_checked
    overseer = user(law, "co-all", "compliance_officer")
    assert twins.visit.id in [r.id for r in law.find_instances(user_id=overseer.id).rows]
    assert law.instance_trace(twins.visit.id, user_id=overseer.id).process_id == "pre_return_visit"


def test_the_api_and_the_pages_keep_the_visit_from_the_employer(client, twins):
    law = twins.law
    hr_token = {"Authorization": f"Bearer {law.issue_token(twins.hr.id, 'test')}"}
    oa_token = {"Authorization": f"Bearer {law.issue_token(twins.physician.id, 'test')}"}
    def api(case_id: int, headers: dict) -> dict:
        body = client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()
        deadlines = client.get(f"/api/v1/cases/{case_id}/deadlines", headers=headers).get_json()
        return {"instances": [i["process_id"] for i in body["instances"]], "documents": body["documents"],
                "work_items": [w["task"] for w in body["work_items"]], "deadlines": [d["rule"] for d in deadlines]}

    assert api(twins.with_visit.id, hr_token) == api(twins.without.id, hr_token)
    assert "pre_return_visit" in api(twins.with_visit.id, oa_token)["instances"]
    inbox = client.get("/api/v1/work-items", headers=hr_token).get_json()
    assert all(i["instance_id"] != twins.visit.id for i in inbox)
    client.post("/login", data={"username": "hr1", "password": PASSWORD, "csrf_token": csrf_token(client)})
    page = client.get(f"/cases/{twins.with_visit.id}").get_data(as_text=True)
    assert "Record the visit request" not in page and "T15" not in page
    hold = next(i for i in law.work_items(case_id=twins.with_visit.id) if i.task == "hold_visit")
    assert client.get(f"/tasks/{hold.id}").status_code == 404


def test_the_flag_follows_the_data_and_withholds_by_default(twins):
    law = twins.law
    started = law.start(twins.without.id, "pre_return_visit", {}, actor="oa1", user_id=twins.physician.id)
    assert "pre_return_visit" not in twins.shape(twins.without.id, twins.hr.id)[0]  # no answer recorded yet
    item = next(i for i in law.inbox(twins.physician.id) if i.instance_id == started.id)
    law.complete(item.id, {**REQUEST, "employee_objects_to_informing_employer": False,
                           "employer_informed_on": "2026-12-21"}, actor="oa1", user_id=twins.physician.id)
    assert "pre_return_visit" in twins.shape(twins.without.id, twins.hr.id)[0]


def test_a_visit_the_employer_asked_for_is_the_employers_from_its_start(twins):
    twins.law.start(twins.without.id, "pre_return_visit", {}, actor="hr1", user_id=twins.hr.id)
    assert "pre_return_visit" in twins.shape(twins.without.id, twins.hr.id)[0]


def test_visits_recorded_before_the_flag_get_it_from_their_recorded_data(database_url, clock):
    """The migration that adds the flag fills it for existing visits from what their tasks recorded."""
    clock.set(at(2026, 12, 23))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    objected = request_visit(eng, "C-1", "Acme NV", {**COMPLIANCE_REQUEST,
                                                     "employee_objects_to_informing_employer": True})
    informed = request_visit(eng, "C-2", "Acme NV", COMPLIANCE_REQUEST)
    unanswered = eng.start(eng.open_case(reference="C-3", employee="An", employer="Acme NV", actor="hr1",
                                         first_day_of_incapacity=date(2026, 10, 5), with_follow_up=False).id,
                           "pre_return_visit", {}, actor="oa1").id
    eng.close()
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    before = ScriptDirectory.from_config(config).get_revision("0017").down_revision
    db = sa.create_engine(database_url)
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, str(before))
        command.upgrade(config, "head")
        flags = dict(connection.execute(sa.text("SELECT id, withheld_from_employer FROM process_instance")).all())
    db.dispose()
    assert {i: bool(flags[i]) for i in (objected, informed, unanswered)} == {objected: True, informed: False,
                                                                              unanswered: True}
