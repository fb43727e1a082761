"""Process owners' drafts: browse versions, save drafts without overwriting a colleague, validate, deploy."""

from __future__ import annotations

import json
from datetime import date

import pytest

import engine
from tests.conftest import FIXTURES, approve

DEMO = FIXTURES / "bpmn" / "visit_demo.bpmn"
FILE = "visit_demo.bpmn"


def owner(eng: engine.Engine, username: str = "po1", role: str = "process_owner") -> engine.UserView:
    return eng.create_user(username=username, password="correct horse battery", display_name=username,
                           roles=[role], actor="test")


def start_one(eng: engine.Engine, reference: str) -> engine.InstanceView:
    case = eng.open_case(reference=reference, employee="An", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1", parties={"employee_account": "e1"})
    return eng.start(case.id, "visit_demo", {}, actor="e1")


def test_versions_show_author_comment_what_they_use_and_their_instances(eng):
    eng.deploy(DEMO, actor="po1", comment="first cut")
    start_one(eng, "C-1")
    [summary] = eng.versions("visit_demo")
    assert (summary.version.version, summary.version.deployed_by, summary.version.comment) == (1, "po1", "first cut")
    assert (summary.running, summary.finished) == (1, 0)
    assert summary.files == (FILE,) and summary.rules == ("T15",)
    assert summary.forms == ("visit_report.json", "visit_request.json")


def test_a_draft_deploys_as_a_new_version_and_running_instances_keep_theirs(eng):
    eng.deploy(DEMO, actor="po1")
    before = start_one(eng, "C-1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    saved = eng.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=po.id)
    assert eng.validate_draft(draft.id) == []
    approve(eng, draft.id)
    [version] = eng.deploy_draft(draft.id, comment="shorter task name", user_id=po.id)
    assert version.version == 2 and saved.revision == draft.revision + 1
    assert eng.instance(before.id).version == 1 and start_one(eng, "C-2").version == 2
    assert eng.audit_trail("repository")[-1].after["comment"] == "shorter task name"
    with pytest.raises(engine.Conflict):
        eng.deploy_draft(draft.id, comment="again", user_id=po.id)


def test_two_owners_saving_one_draft_never_silently_overwrite_each_other(eng):
    eng.deploy(DEMO, actor="po1")
    first, second = owner(eng, "po1"), owner(eng, "po2")
    draft = eng.create_draft("visit_demo", user_id=first.id)
    eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace("Visit wanted", "A")},
                   expected_revision=draft.revision, user_id=first.id)
    with pytest.raises(engine.Conflict, match="po1"):
        eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace("Visit wanted", "B")},
                       expected_revision=draft.revision, user_id=second.id)
    assert 'name="A"' in eng.draft(draft.id).files[FILE]


def test_a_draft_survives_a_restart(eng, database_url, clock):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace("Visit wanted", "Kept")},
                   expected_revision=draft.revision, user_id=po.id)
    other = engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms")
    try:
        assert [d.id for d in other.drafts()] == [draft.id] and "Kept" in other.draft(draft.id).files[FILE]
    finally:
        other.close()


@pytest.mark.parametrize("role", ["employer", "occupational_physician", "compliance_officer"])
def test_only_process_owners_and_admins_touch_drafts(eng, role):
    eng.deploy(DEMO, actor="po1")
    user = owner(eng, "someone", role)
    with pytest.raises(engine.NotAllowed):
        eng.create_draft("visit_demo", user_id=user.id)
    draft = eng.create_draft("visit_demo", user_id=owner(eng, "root", "admin").id)
    with pytest.raises(engine.NotAllowed):
        eng.save_draft(draft.id, files={}, expected_revision=draft.revision, user_id=user.id)
    with pytest.raises(engine.NotAllowed):
        eng.deploy_draft(draft.id, comment="x", user_id=user.id)


def test_validation_lists_the_problems_with_their_elements_and_deploy_refuses_them(eng):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    broken = draft.files[FILE].replace('deadline("T15"', 'deadline("T99"').replace('name="Occupational physician"',
                                                                                   'name="Astronaut"')
    eng.save_draft(draft.id, files={FILE: broken}, expected_revision=draft.revision, user_id=po.id)
    problems = eng.validate_draft(draft.id)
    assert {"visit_overdue", "lane_oa"} <= {p.element_id for p in problems}
    with pytest.raises(engine.InvalidModel):
        eng.deploy_draft(draft.id, comment="broken", user_id=po.id)
    assert [v.version.version for v in eng.versions("visit_demo")] == [1]


@pytest.mark.parametrize("payload", [
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
    "not xml at all",
])
def test_malicious_or_malformed_files_are_refused_and_nothing_is_deployed(eng, payload):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    eng.save_draft(draft.id, files={FILE: payload}, expected_revision=draft.revision, user_id=po.id)
    assert eng.validate_draft(draft.id)
    with pytest.raises(engine.InvalidModel):
        eng.deploy_draft(draft.id, comment="evil", user_id=po.id)
    assert len(eng.versions()) == 1


def label_changed_version(eng: engine.Engine, po: engine.UserView) -> tuple[engine.Version, dict]:
    """Version 2 of the demo, whose request form's English label reads "Request received by the physician on"."""
    eng.deploy(DEMO, actor="po1")
    draft = eng.create_draft("visit_demo", user_id=po.id)
    form = json.loads((FIXTURES / "forms" / "visit_request.json").read_text())
    form["properties"]["request_received_on"]["x-label"]["en"] = "Request received by the physician on"
    eng.save_draft(draft.id, forms={"visit_request.json": json.dumps(form)}, expected_revision=draft.revision,
                   user_id=po.id)
    approve(eng, draft.id)
    [version] = eng.deploy_draft(draft.id, comment="clearer label", user_id=po.id)
    return version, form


def first_task_schema(eng: engine.Engine, reference: str) -> str:
    """The form schema of the first task of a new instance, as its worker sees it (JSON text)."""
    case = start_one(eng, reference)
    item = eng.work_items(case_id=case.case_id)[0]
    user = eng.create_user(username="e1", password="correct horse battery", display_name="E", roles=["employee"],
                           organisations=["Acme NV"], actor="test")
    return json.dumps(eng.task(item.id, user.id).schema)


def test_an_edited_form_travels_with_the_draft_into_the_new_version(eng):
    label_changed_version(eng, owner(eng))
    assert "Request received by the physician on" in first_task_schema(eng, "C-1")


def test_a_diagram_only_version_keeps_the_form_the_version_before_it_changed(eng):
    po = owner(eng)
    v2, form = label_changed_version(eng, po)
    third = eng.create_draft("visit_demo", user_id=po.id)
    assert eng.form_source(third.id, "visit_request.json") == form
    xml = third.files[FILE].replace("Visit wanted", "Visit asked for")
    eng.save_draft(third.id, files={FILE: xml}, expected_revision=third.revision, user_id=po.id)

    approve(eng, third.id)
    [v3] = eng.deploy_draft(third.id, comment="diagram only", user_id=po.id)

    assert [c for c in eng.compare_versions(v2.id, v3.id).changes if c.element_type == "form"] == []
    assert "Request received by the physician on" in first_task_schema(eng, "C-3")


def test_a_form_that_is_not_json_is_refused_with_its_name(eng):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    with pytest.raises(engine.InvalidInput) as refused:
        eng.save_draft(draft.id, forms={"visit_request.json": "{oops"}, expected_revision=draft.revision,
                       user_id=po.id)
    assert "visit_request.json" in refused.value.fields


def test_a_deploy_needs_a_comment(eng):
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    with pytest.raises(engine.InvalidInput):
        eng.deploy_draft(draft.id, comment="  ", user_id=po.id)


def deploy_renamed(eng: engine.Engine, old_name: str, new_name: str) -> tuple[engine.UserView, str, int, int]:
    """The demo deployed, then a second version with one element renamed: (owner, its XML, old id, new id)."""
    eng.deploy(DEMO, actor="po1")
    po = owner(eng)
    draft = eng.create_draft("visit_demo", user_id=po.id)
    xml = draft.files[FILE].replace(f'name="{old_name}"', f'name="{new_name}"')
    eng.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=po.id)
    approve(eng, draft.id)
    eng.deploy_draft(draft.id, comment=f"rename {old_name}", user_id=po.id)
    new, old = (s.version.id for s in eng.versions("visit_demo"))
    return po, xml, old, new


def test_comparing_two_deployed_versions_lists_what_changed(eng):
    po, xml, old, new = deploy_renamed(eng, "Hold the pre-return visit", "Hold the visit")
    result = eng.compare_versions(old, new, user_id=po.id)
    assert [(c.kind, c.element_id) for c in result.changes] == [("changed", "hold_visit")]
    assert "name: 'Hold the pre-return visit' → 'Hold the visit'" in result.changes[0].details
    assert eng.compare_versions(old, old).changes == ()


def test_the_files_of_a_deployed_version_are_its_stored_bpmn(eng):
    po, xml, old, new = deploy_renamed(eng, "Hold the pre-return visit", "Hold the visit")
    assert eng.version_files(new, user_id=po.id) == {FILE: xml}
    assert eng.version_files(old) == {FILE: DEMO.read_text(encoding="utf-8")}
    with pytest.raises(engine.NotFound):
        eng.version_files(new + 100, user_id=po.id)
    with pytest.raises(engine.NotAllowed):
        eng.version_files(old, user_id=owner(eng, "emp1", "employer").id)


def test_a_version_comparison_holds_the_changes_and_both_versions_files(eng):
    po, xml, old, new = deploy_renamed(eng, "Visit wanted", "Visit asked")
    found = eng.version_comparison(old, new, user_id=po.id)
    assert (found.process_id, found.main_file, found.new_files) == ("visit_demo", FILE, {FILE: xml})
    assert [c.element_id for c in found.comparison.changes] == ["start"]
    with pytest.raises(engine.NotAllowed):
        eng.version_comparison(old, new, user_id=owner(eng, "emp1", "employer").id)
