"""Four eyes in the browser's pages: the review of a draft, a second owner's approval, the refused deploy, and the
admin's choice of the processes that need it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.webui.conftest import AuthActions, csrf_token
from tests.webui.test_models import FILE, json_post, new_draft


@pytest.fixture
def owner(auth, law):  # type: ignore[no-untyped-def]
    return auth.login_as("process_owner", username="po1")


@pytest.fixture
def reviewer(app) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A second process owner, signed in on their own browser."""
    other = app.test_client()
    AuthActions(app, other).login_as("process_owner", username="po2")
    return other


def renamed(client: FlaskClient, law) -> int:  # type: ignore[no-untyped-def]
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit"')
    assert json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": xml,
                                                                 "revision": draft.revision}).status_code == 200
    return draft_id


def deploy(client: FlaskClient, draft_id: int):  # type: ignore[no-untyped-def]
    return client.post(f"/models/drafts/{draft_id}/deploy", data={"comment": "Shorter name", "confirmed": "yes",
                                                                  "csrf_token": csrf_token(client, "/")},
                       follow_redirects=True)


def approve(client: FlaskClient, draft_id: int, revision: int, comment: str = "Checked."):  # type: ignore[no-untyped-def]
    return client.post(f"/models/drafts/{draft_id}/approve", data={"revision": revision, "comment": comment,
                                                                   "csrf_token": csrf_token(client, "/")})


def test_a_deploy_without_approval_is_refused_on_the_draft_page(client, owner, law):
    draft_id = renamed(client, law)
    refused = deploy(client, draft_id)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403 and "needs a second process owner&#39;s approval" in page
    assert f'href="/models/drafts/{draft_id}/review"' in page
    assert [s.version.version for s in law.versions("pre_return_visit")] == [1]


def test_a_second_owner_reviews_the_changes_and_approves_then_the_author_deploys(client, owner, reviewer, law):
    draft_id = renamed(client, law)
    revision = law.draft(draft_id).revision
    page = reviewer.get(f"/models/drafts/{draft_id}/review").get_data(as_text=True)
    assert "hold_visit" in page and "Hold the visit" in page and 'id="compare-data"' in page
    assert "No problems." in page and 'id="approve-form"' in page and f'value="{revision}"' in page
    own = client.get(f"/models/drafts/{draft_id}/review").get_data(as_text=True)
    assert 'id="approve-form"' not in own and "po1 edited draft" in own

    approved = approve(reviewer, draft_id, revision)
    assert approved.status_code == 302
    assert "approved by po2" in reviewer.get(approved.headers["Location"]).get_data(as_text=True)
    assert "pre_return_visit version 2" in deploy(client, draft_id).get_data(as_text=True)
    deployed = law.audit_trail("repository")[-1]
    assert (deployed.actor, deployed.after["approved_by"]) == ("po1", "po2")


def test_the_author_cannot_approve_and_a_stale_revision_is_not_approved(client, owner, reviewer, law):
    draft_id = renamed(client, law)
    revision = law.draft(draft_id).revision
    assert approve(client, draft_id, revision).status_code == 403
    assert approve(reviewer, draft_id, revision - 1).status_code == 409
    assert approve(reviewer, draft_id, revision).status_code == 302


def test_the_approver_cannot_deploy_what_they_approved(client, owner, reviewer, law):
    draft_id = renamed(client, law)
    approve(reviewer, draft_id, law.draft(draft_id).revision)
    refused = deploy(reviewer, draft_id)
    assert refused.status_code == 403 and "another process owner deploys it" in refused.get_data(as_text=True)


def test_a_draft_with_problems_shows_them_and_cannot_be_approved(client, owner, reviewer, law):
    draft_id = new_draft(client)
    draft = law.draft(draft_id)
    broken = draft.files[FILE].replace('value="pre_return_visit_request.json"', 'value="no_such_form.json"')
    json_post(client, f"/models/drafts/{draft_id}/files", {"file": FILE, "xml": broken, "revision": draft.revision})
    page = reviewer.get(f"/models/drafts/{draft_id}/review").get_data(as_text=True)
    assert "no_such_form.json" in page and 'id="approve-form"' not in page
    assert approve(reviewer, draft_id, law.draft(draft_id).revision).status_code == 422


@pytest.mark.parametrize(("language", "sentence"), [
    ("nl", "heeft de goedkeuring nodig van een tweede proceseigenaar"),
    ("fr", "a besoin de l&#39;approbation d&#39;un second responsable de processus"),
])
def test_the_refusal_reads_in_the_owners_language(client, owner, law, language, sentence):
    client.get(f"/?lang={language}")
    assert sentence in deploy(client, renamed(client, law)).get_data(as_text=True)


def test_an_admin_turns_approval_off_for_one_process_and_the_change_is_audited(client, owner, app, law):
    draft_id = renamed(client, law)
    admin = app.test_client()
    AuthActions(app, admin).login_as("admin", username="root")
    assert client.get("/admin/approvals").status_code == 403
    page = admin.get("/admin/approvals").get_data(as_text=True)
    assert "Stop requiring approval for pre_return_visit" in page and "formal_reintegration" in page
    changed = admin.post("/admin/approvals", data={"process_id": "pre_return_visit", "required": "no",
                                                   "csrf_token": csrf_token(admin, "/")}, follow_redirects=True)
    assert "no longer need a second process owner" in changed.get_data(as_text=True)
    assert law.audit_trail("repository")[-1].action == "approval_setting_changed"
    assert "pre_return_visit version 2" in deploy(client, draft_id).get_data(as_text=True)
