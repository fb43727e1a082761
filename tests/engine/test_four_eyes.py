"""Four eyes on the law: a draft deploys only with a second process owner's approval of the revision deployed."""

from __future__ import annotations

import pytest

import engine
from tests.conftest import FIXTURES, approve
from tests.engine.test_workbench import DEMO, FILE, owner


def renamed_draft(eng: engine.Engine, author: engine.UserView, name: str = "Hold the visit") -> engine.DraftView:
    eng.deploy(DEMO, actor="installer")
    draft = eng.create_draft("visit_demo", user_id=author.id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', f'name="{name}"')
    return eng.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=author.id)


def refusal(error: pytest.ExceptionInfo) -> str:
    return error.value.message.code


def test_a_deploy_without_approval_is_refused_and_deploys_nothing(eng):
    po = owner(eng)
    draft = renamed_draft(eng, po)
    with pytest.raises(engine.NotAllowed) as refused:
        eng.deploy_draft(draft.id, comment="rename", user_id=po.id)
    assert refusal(refused) == "draft.needs_approval" and "visit_demo" in refused.value.message
    assert [s.version.version for s in eng.versions("visit_demo")] == [1]
    assert eng.draft(draft.id).deployed_as is None


def test_a_draft_approved_by_a_second_owner_deploys_and_the_trail_names_both(eng):
    po, reviewer = owner(eng, "po1"), owner(eng, "po2")
    draft = renamed_draft(eng, po)
    approval = eng.reviews.approve(draft.id, revision=draft.revision, comment="Checked against T15.",
                                   user_id=reviewer.id)
    assert (approval.approved_by, approval.revision) == ("po2", draft.revision)
    [version] = eng.deploy_draft(draft.id, comment="rename", user_id=po.id)
    assert version.version == 2 and version.deployed_by == "po1"
    approved, deployed = eng.audit_trail("repository")[-2:]
    assert (approved.action, approved.actor) == ("draft_approved", "po2")
    assert approved.after == {"draft": draft.id, "process_id": "visit_demo", "revision": draft.revision,
                              "comment": "Checked against T15."}
    assert (deployed.action, deployed.actor) == ("deployed", "po1")
    assert (deployed.after["approved_by"], deployed.after["approved_revision"]) == ("po2", draft.revision)
    assert eng.verify_audit("repository").is_intact


def test_a_save_after_the_approval_needs_a_new_approval(eng):
    po, reviewer = owner(eng, "po1"), owner(eng, "po2")
    draft = renamed_draft(eng, po)
    eng.reviews.approve(draft.id, revision=draft.revision, user_id=reviewer.id)
    changed = eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace("Visit wanted", "Visit asked")},
                             expected_revision=draft.revision, user_id=po.id)
    with pytest.raises(engine.NotAllowed) as refused:
        eng.deploy_draft(draft.id, comment="rename", user_id=po.id)
    assert refusal(refused) == "draft.approval_outdated"
    assert refused.value.message.params == {"draft": draft.id, "approved": draft.revision,
                                            "revision": changed.revision}
    eng.reviews.approve(draft.id, revision=changed.revision, user_id=reviewer.id)
    assert [v.version for v in eng.deploy_draft(draft.id, comment="rename", user_id=po.id)] == [2]


def test_an_approval_of_a_revision_the_reviewer_did_not_see_is_refused(eng):
    po, reviewer = owner(eng, "po1"), owner(eng, "po2")
    draft = renamed_draft(eng, po)
    with pytest.raises(engine.Conflict):
        eng.reviews.approve(draft.id, revision=draft.revision - 1, user_id=reviewer.id)


def test_no_one_who_edited_the_draft_approves_it(eng):
    creator, editor, reviewer = owner(eng, "po1"), owner(eng, "po2"), owner(eng, "po3")
    draft = renamed_draft(eng, creator)
    saved = eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace("Visit wanted", "Visit asked")},
                           expected_revision=draft.revision, user_id=editor.id)
    again = eng.save_draft(draft.id, files=dict(saved.files), expected_revision=saved.revision, user_id=creator.id)
    for author in (creator, editor):
        with pytest.raises(engine.NotAllowed) as refused:
            eng.reviews.approve(draft.id, revision=again.revision, user_id=author.id)
        assert refusal(refused) == "draft.author_approves"
    assert eng.reviews.approve(draft.id, revision=again.revision, user_id=reviewer.id).approved_by == "po3"


def test_the_approver_does_not_deploy_what_they_approved(eng):
    po, reviewer, third = owner(eng, "po1"), owner(eng, "po2"), owner(eng, "po3")
    draft = renamed_draft(eng, po)
    eng.reviews.approve(draft.id, revision=draft.revision, user_id=reviewer.id)
    with pytest.raises(engine.NotAllowed) as refused:
        eng.deploy_draft(draft.id, comment="rename", user_id=reviewer.id)
    assert refusal(refused) == "draft.approver_deploys"
    assert [v.deployed_by for v in eng.deploy_draft(draft.id, comment="rename", user_id=third.id)] == ["po3"]


def test_of_two_approvals_the_deployer_uses_the_one_they_did_not_give(eng):
    po, first, second = owner(eng, "po1"), owner(eng, "po2"), owner(eng, "po3")
    draft = renamed_draft(eng, po)
    eng.reviews.approve(draft.id, revision=draft.revision, user_id=first.id)
    eng.reviews.approve(draft.id, revision=draft.revision, user_id=second.id)
    eng.deploy_draft(draft.id, comment="rename", user_id=second.id)
    assert eng.audit_trail("repository")[-1].after["approved_by"] == "po2"


@pytest.mark.parametrize("role", ["employer", "compliance_officer"])
def test_only_process_owners_and_admins_review_and_approve(eng, role):
    draft = renamed_draft(eng, owner(eng, "po1"))
    outsider = owner(eng, "someone", role)
    with pytest.raises(engine.NotAllowed):
        eng.reviews.review(draft.id, user_id=outsider.id)
    with pytest.raises(engine.NotAllowed):
        eng.reviews.approve(draft.id, revision=draft.revision, user_id=outsider.id)
    assert eng.reviews.approve(draft.id, revision=draft.revision, user_id=owner(eng, "root", "admin").id)


def test_a_draft_with_problems_cannot_be_approved(eng):
    po, reviewer = owner(eng, "po1"), owner(eng, "po2")
    draft = renamed_draft(eng, po)
    broken = eng.save_draft(draft.id, files={FILE: draft.files[FILE].replace('deadline("T15"', 'deadline("T99"')},
                            expected_revision=draft.revision, user_id=po.id)
    review = eng.reviews.review(draft.id, user_id=reviewer.id)
    assert "visit_overdue" in {p.element_id for p in review.problems} and not review.may_approve
    with pytest.raises(engine.InvalidModel) as refused:
        eng.reviews.approve(draft.id, revision=broken.revision, user_id=reviewer.id)
    assert refused.value.message.code == "draft.approval_problems"


def test_the_review_shows_the_changes_from_the_running_version_and_the_validation(eng):
    po, reviewer = owner(eng, "po1"), owner(eng, "po2")
    draft = renamed_draft(eng, po)
    review = eng.reviews.review(draft.id, user_id=reviewer.id)
    assert review.running is not None and review.running.version == 1
    assert review.changes is not None and review.changes.main_file == FILE
    assert [(c.kind, c.element_id) for c in review.changes.comparison.changes] == [("changed", "hold_visit")]
    assert review.changes.new_files[FILE] == draft.files[FILE]
    assert review.problems == () and review.is_required and review.authors == ("po1",)
    assert review.may_approve and review.approval is None
    by_author = eng.reviews.review(draft.id, user_id=po.id)
    assert not by_author.may_approve and by_author.refusal.code == "draft.author_approves"
    eng.reviews.approve(draft.id, revision=draft.revision, user_id=reviewer.id)
    approved = eng.reviews.review(draft.id, user_id=po.id)
    assert approved.approval is not None and approved.approval.approved_by == "po2"


def test_an_admin_chooses_which_processes_need_approval_and_the_change_is_audited(eng):
    po, admin = owner(eng, "po1"), owner(eng, "root", "admin")
    draft = renamed_draft(eng, po)
    assert [(s.process_id, s.is_required) for s in eng.reviews.settings(user_id=admin.id)] == [("visit_demo", True)]
    with pytest.raises(engine.NotAllowed):
        eng.reviews.set_required("visit_demo", False, user_id=po.id)
    with pytest.raises(engine.NotAllowed):
        eng.reviews.settings(user_id=po.id)
    with pytest.raises(engine.NotFound):
        eng.reviews.set_required("no_such_process", False, user_id=admin.id)
    setting = eng.reviews.set_required("visit_demo", False, user_id=admin.id)
    assert (setting.is_required, setting.changed_by) == (False, "root")
    changed = eng.audit_trail("repository")[-1]
    assert (changed.action, changed.actor) == ("approval_setting_changed", "root")
    assert (changed.before["is_required"], changed.after) == (True, {"process_id": "visit_demo", "is_required": False})
    [version] = eng.deploy_draft(draft.id, comment="rename", user_id=po.id)
    assert eng.audit_trail("repository")[-1].after["approved_by"] is None and version.version == 2
    eng.reviews.set_required("visit_demo", True, user_id=admin.id)
    later = eng.create_draft("visit_demo", user_id=po.id)
    later = eng.save_draft(later.id, files={FILE: later.files[FILE].replace("Visit wanted", "Asked")},
                           expected_revision=later.revision, user_id=po.id)
    with pytest.raises(engine.NotAllowed):
        eng.deploy_draft(later.id, comment="again", user_id=po.id)


def test_the_installers_deploy_from_files_needs_no_approval(eng):
    [version] = eng.deploy(DEMO, actor="installer")
    assert version.version == 1 and "approved_by" not in eng.audit_trail("repository")[-1].after


def test_the_shared_test_helper_approves_as_a_second_owner(eng):
    draft = renamed_draft(eng, owner(eng))
    assert approve(eng, draft.id).approved_by == "reviewer" and FIXTURES.is_dir()
