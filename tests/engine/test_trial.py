"""Trying a draft on a scratch case with its own clock, before deploying it, without touching real cases."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import engine
from engine.casework import forms
from engine.modelling import samples

ROOT = Path(__file__).resolve().parents[2]
FILE = "pre_return_visit.bpmn"
FIRST_DAY = date(2026, 5, 1)


@pytest.fixture
def law(eng: engine.Engine) -> engine.Engine:
    """The engine with the shipped pre-return visit deployed, reading the real forms."""
    eng.forms_dir = ROOT / "forms"
    eng.deploy(ROOT / "processes" / "bpmn" / FILE, actor="po1")
    return eng


def user(eng: engine.Engine, role: str, username: str | None = None) -> engine.UserView:
    return eng.create_user(username=username or role, password="correct horse battery", display_name=role,
                           roles=[role], actor="test")


@pytest.fixture
def owner(law: engine.Engine) -> engine.UserView:
    return user(law, "process_owner", "po1")


def renamed_draft(eng: engine.Engine, owner: engine.UserView) -> engine.DraftView:
    draft = eng.create_draft("pre_return_visit", user_id=owner.id)
    xml = draft.files[FILE].replace('name="Record the visit request"', 'name="Note the visit request"')
    return eng.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id)


def real_rows(eng: engine.Engine, admin: engine.UserView) -> tuple[int, int, int, int]:
    """Cases, instances, work items (any state) and audit events of the real database."""
    cases = eng.cases(admin.id)
    instances = [i for c in cases for i in eng.instances(c.id)]
    items = eng.work_items(state=None)
    events = sum(len(eng.audit_trail(s)) for s in ("repository", "accounts", "audit",
                                                   *(f"case:{c.id}" for c in cases)))
    return len(cases), len(instances), len(items), events


def test_a_trial_runs_the_draft_not_the_deployed_version(law, owner):
    draft = renamed_draft(law, owner)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        view = trial.view()
        assert [t.item.name for t in view.tasks] == ["Note the visit request"]
        assert view.case.reference == "TRIAL-1" and view.case.first_day_of_incapacity == FIRST_DAY
        assert view.today == law.today() and view.process_id == "pre_return_visit"
        assert [e.action for e in view.events][:1] == ["case_opened"]


def test_completing_with_sample_data_moves_the_scratch_case_on(law, owner):
    draft = renamed_draft(law, owner)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        [task] = trial.view().tasks
        sample = trial.sample_data(task.item.id)
        assert sample["request_received_on"] == law.today().isoformat()
        assert sample["requested_by"] == "employee" and sample["employee_objects_to_informing_employer"] is False
        trial.complete(task.item.id, sample)
        [held] = trial.view().tasks
        assert held.item.task == "hold_visit" and held.item.rule == "T15" and held.item.days_left == 10
        trial.complete(held.item.id, trial.sample_data(held.item.id))
        view = trial.view()
        assert view.tasks == () and [i.state for i in view.instances] == ["completed"]
        assert [d.state for d in view.deadlines] == ["met"]


def test_moving_the_trial_clock_past_a_term_fires_its_timer(law, owner):
    """T15: the visit is held within 10 working days following the day the request was received."""
    draft = renamed_draft(law, owner)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        [task] = trial.view().tasks
        trial.complete(task.item.id, trial.sample_data(task.item.id))
        assert trial.advance(7) == 0
        assert trial.advance(30) == 1
        view = trial.view()
        assert [d.state for d in view.deadlines] == ["missed"] and view.deadlines[0].days_left < 0
        assert {t.item.task for t in view.tasks} == {"hold_visit", "plan_overdue_visit"}
        assert view.today == law.today() + timedelta(days=37) and law.today() == date(2026, 12, 21)


def test_a_trial_leaves_the_real_database_untouched(law, owner):
    admin = user(law, "admin")
    draft = renamed_draft(law, owner)
    before = real_rows(law, admin)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        [task] = trial.view().tasks
        trial.complete(task.item.id, trial.sample_data(task.item.id))
        trial.advance(30)
        assert trial.path.is_file() and str(trial.path) not in law.database.url
    assert real_rows(law, admin) == before == (0, 0, 0, before[3])
    assert law.drafts() and law.versions("pre_return_visit")[0].version.version == 1


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "compliance_officer"])
def test_only_process_owners_and_admins_try_drafts(law, owner, role):
    draft = renamed_draft(law, owner)
    with pytest.raises(engine.NotAllowed):
        law.open_trial(draft.id, user_id=user(law, role).id, first_day_of_incapacity=FIRST_DAY)


def test_an_admin_may_try_a_draft(law, owner):
    draft = renamed_draft(law, owner)
    with law.open_trial(draft.id, user_id=user(law, "admin").id, first_day_of_incapacity=FIRST_DAY) as trial:
        assert len(trial.view().tasks) == 1


def test_close_deletes_the_scratch_database(law, owner):
    trial = law.open_trial(renamed_draft(law, owner).id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY)
    path = trial.path
    assert path.is_file()
    trial.close()
    trial.close()
    assert not path.exists() and not path.parent.exists()


def test_a_draft_with_problems_is_refused_with_every_problem(law, owner):
    draft = law.create_draft("pre_return_visit", user_id=owner.id)
    xml = draft.files[FILE].replace('deadline("T15", request_received_on)', '"P10D"')
    law.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id)
    with pytest.raises(engine.InvalidModel) as refused:
        law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY)
    assert any(p.element_id == "visit_overdue" for p in refused.value.problems)


def test_a_start_rule_refusal_says_from_when_the_procedure_is_allowed(eng):
    """T36: medical force majeure needs 6 months of incapacity (since 2026)."""
    eng.forms_dir = ROOT / "forms"
    eng.deploy(sorted((ROOT / "processes" / "bpmn").glob("*.bpmn")), actor="po1")
    po = user(eng, "process_owner", "po1")
    draft = eng.create_draft("medical_force_majeure", user_id=po.id)
    with pytest.raises(engine.NotAllowed) as refused:
        eng.open_trial(draft.id, user_id=po.id, first_day_of_incapacity=date(2026, 11, 1))
    assert refused.value.details[0]["rule"] == "T36" and refused.value.details[0]["allowed_from"]
    with eng.open_trial(draft.id, user_id=po.id, first_day_of_incapacity=eng.trial_first_day()) as trial:
        assert trial.view().tasks


def test_edited_forms_of_the_draft_are_used(law, owner):
    draft = renamed_draft(law, owner)
    form = law.form_source(draft.id, "pre_return_visit_request.json")
    form["properties"]["requested_by"]["enum"] = ["employer", "employee"]
    law.save_draft(draft.id, forms={"pre_return_visit_request.json": json.dumps(form)},
                   expected_revision=draft.revision, user_id=owner.id)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        [task] = trial.view().tasks
        assert task.schema["properties"]["requested_by"]["enum"] == ["employer", "employee"]
        assert trial.sample_data(task.item.id)["requested_by"] == "employer"


@pytest.mark.parametrize("days", [0, -1, 367])
def test_the_trial_clock_moves_forward_by_1_to_366_days(law, owner, days):
    with law.open_trial(renamed_draft(law, owner).id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        with pytest.raises(engine.InvalidInput):
            trial.advance(days)
        assert trial.today() == law.today()


@pytest.mark.parametrize("path", sorted((ROOT / "forms").glob("*.json")), ids=lambda p: p.name)
def test_sample_data_of_every_shipped_form_passes_its_validation(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    forms.validate(schema, samples.sample(schema, date(2026, 12, 21)), date(2026, 12, 21))


def test_sample_data_fills_every_field_the_simple_way():
    schema = {"properties": {
        "choice": {"type": "string", "enum": ["b", "a"]}, "on": {"type": "string", "format": "date"},
        "until": {"type": "string", "format": "date", "x-after": "on"}, "ok": {"type": "boolean"},
        "count": {"type": "integer"}, "cost": {"type": "number", "minimum": 0},
        "note": {"type": "string", "maxLength": 3},
        "rows": {"type": "array", "items": {"type": "object", "properties": {"what": {"type": "string"}}}}}}
    assert samples.sample(schema, date(2026, 12, 21)) == {
        "choice": "b", "on": "2026-12-21", "until": "2026-12-22", "ok": False, "count": 1, "cost": 0, "note": "Sam",
        "rows": [{"what": "Sample"}]}


def test_a_trial_of_a_procedure_with_routes_starts_on_its_first_route(law, owner):
    """Step 3.3: the coordinator track starts only on a route; a trial takes the questionnaire route (T21)."""
    law.deploy(ROOT / "processes" / "bpmn" / "rtw_coordination.bpmn", actor="po1")
    draft = law.create_draft("rtw_coordination", user_id=owner.id)
    with law.open_trial(draft.id, user_id=owner.id, first_day_of_incapacity=FIRST_DAY) as trial:
        assert [t.item.task for t in trial.view().tasks] == ["send_questionnaire"]
