"""A call activity may call a process deployed earlier: a deploy (command line or draft) finds its newest version
instead of requiring its file in the same deploy, stores it with the caller, and deploys no new version of it."""

from __future__ import annotations

from datetime import date

import pytest

import engine
from tests.conftest import approve
from tests.engine.test_model_import import FOREIGN, fixed_in_the_modeler
from tests.engine.test_workbench import owner

PARENT, CHILD = "call_parent_follow_up.bpmn", "call_child_availability.bpmn"


def fixed_draft(eng: engine.Engine, po: engine.UserView, file: str) -> engine.DraftView:
    draft = eng.import_draft(file, (FOREIGN / file).read_bytes(), user_id=po.id).draft
    return fixed_in_the_modeler(eng, draft, po)


def approved_draft(eng: engine.Engine, po: engine.UserView, file: str) -> engine.DraftView:
    draft = fixed_draft(eng, po, file)
    approve(eng, draft.id)
    return draft


def test_a_deploy_finds_the_called_process_deployed_before_and_the_call_runs(eng):
    po = owner(eng)
    [child] = eng.deploy_draft(approved_draft(eng, po, CHILD).id, comment="the check", user_id=po.id)
    parent_xml = fixed_draft(eng, po, PARENT).files[PARENT]

    [parent] = eng.deploy(parent_xml, actor="po1", comment="the caller alone")

    assert (parent.process_id, parent.version) == ("absence_follow_up", 1)
    assert [v.version.version for v in eng.versions("availability_check")] == [1]
    assert set(eng.version_files(parent.id)) == {"upload.bpmn", CHILD}
    case = eng.open_case(reference="C-1", employee="An", employer="Acme NV", first_day_of_incapacity=date(2026, 9, 1),
                         actor="hr1", parties={"employee_account": "e1"})
    instance = eng.start(case.id, "absence_follow_up", {}, actor="hr1")
    assert [t.task for t in eng.trace(instance.id).work_items] == ["ask_availability"]
    assert child.version == 1


def test_a_draft_deploy_finds_the_called_process_deployed_before(eng):
    po = owner(eng)
    eng.deploy_draft(approved_draft(eng, po, CHILD).id, comment="the check", user_id=po.id)
    parent = fixed_draft(eng, po, PARENT)
    assert eng.validate_draft(parent.id) == []
    approve(eng, parent.id)
    [version] = eng.deploy_draft(parent.id, comment="the caller", user_id=po.id)
    assert version.process_id == "absence_follow_up"


def test_a_call_of_a_process_never_deployed_is_still_refused(eng):
    po = owner(eng)
    parent = eng.import_draft(PARENT, (FOREIGN / PARENT).read_bytes(), user_id=po.id).draft
    problems = eng.validate_draft(parent.id)
    assert any(p.element_id == "call_check" and p.message.code == "model.call_unknown" for p in problems)
    with pytest.raises(engine.InvalidModel):
        eng.deploy((FOREIGN / PARENT).read_text(encoding="utf-8"), actor="po1")


def test_a_trial_of_a_draft_runs_the_called_process_deployed_before(eng):
    po = owner(eng)
    eng.deploy_draft(approved_draft(eng, po, CHILD).id, comment="the check", user_id=po.id)
    parent = fixed_draft(eng, po, PARENT)
    with eng.open_trial(parent.id, user_id=po.id, first_day_of_incapacity=date(2026, 9, 1)) as trial:
        assert [t.item.task for t in trial.view().tasks] == ["ask_availability"]
