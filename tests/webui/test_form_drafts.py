"""A task's form saved as a draft: kept as typed for its author alone, never a completion, gone once completed."""

from __future__ import annotations

from engine.store.form_draft_models import FormDraft
from tests.webui.conftest import csrf_token
from tests.webui.test_tasks import requested_visit

TYPED = {"held_on": "2026-12-2", "recommendations": "Half days at first, no night shifts"}


def hold_visit(eng):  # type: ignore[no-untyped-def]
    case = requested_visit(eng)
    [item] = eng.work_items(case_id=case.id, role="occupational_physician")
    return item


def save_draft(client, item_id: int, typed: dict):  # type: ignore[no-untyped-def]
    path = f"/tasks/{item_id}"
    return client.post(path, data={**typed, "save_draft": "yes", "csrf_token": csrf_token(client, path)})


def test_a_draft_keeps_what_was_typed_even_unfinished_and_the_task_stays_open(client, auth):
    item = hold_visit(auth.eng)
    physician = auth.login_as("occupational_physician", username="oa1")
    events = len(auth.eng.audit_trail(f"instance:{item.instance_id}"))
    saved = save_draft(client, item.id, TYPED)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/tasks/{item.id}"
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'value="2026-12-2"' in page and "Half days at first, no night shifts" in page  # as typed, not yet valid
    assert "Only you see it" in page
    assert [i.id for i in auth.eng.work_items(case_id=item.case_id, role="occupational_physician")] == [item.id]
    assert auth.eng.form_drafts.get(item.id, user_id=physician.id).values == TYPED
    assert len(auth.eng.audit_trail(f"instance:{item.instance_id}")) == events  # nothing was recorded


def test_a_draft_is_private_to_its_author(client, auth):
    item = hold_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    save_draft(client, item.id, TYPED)
    colleague = auth.login_as("occupational_physician", username="oa2")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert "Half days at first" not in page and "Only you see it" not in page
    assert auth.eng.form_drafts.get(item.id, user_id=colleague.id) is None


def test_completing_the_task_deletes_its_draft_and_a_draft_can_be_discarded(client, auth):
    item = hold_visit(auth.eng)
    physician = auth.login_as("occupational_physician", username="oa1")
    save_draft(client, item.id, TYPED)
    discarded = client.post(f"/tasks/{item.id}/draft/discard", data={"csrf_token": csrf_token(client, "/")})
    assert discarded.status_code == 302 and auth.eng.form_drafts.get(item.id, user_id=physician.id) is None

    save_draft(client, item.id, TYPED)
    path = f"/tasks/{item.id}"
    done = client.post(path, data={"held_on": "2026-12-21", "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302
    with auth.eng.database.unit_of_work() as session:
        assert session.query(FormDraft).count() == 0
