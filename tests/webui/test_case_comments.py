"""Comments on a case and on its tasks: written by the case's parties with a class, read by the roles the class allows
(as documents are), refused with a message at the form, audited by digest, never by text."""

from __future__ import annotations

import hashlib

from tests.webui.conftest import csrf_token, open_law_case


def comment(client, case_id, body, classification="case", work_item_id=None, lang=None, page=None):
    page = page or f"/cases/{case_id}"
    data = {"body": body, "classification": classification, "csrf_token": csrf_token(client, page), "next": page}
    if work_item_id:
        data["work_item_id"] = str(work_item_id)
    address = f"/cases/{case_id}/comments" + (f"?lang={lang}" if lang else "")
    return client.post(address, data=data, follow_redirects=True)


def section(page: str) -> str:
    """The comments section of a page."""
    return page[page.index('id="comments"'):]


def test_a_medical_comment_of_the_occupational_physician_is_read_by_the_worker_not_by_hr_nor_compliance(app, client,
                                                                                                      auth):
    case = open_law_case(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    page = comment(client, case.id, "Cardiac rehabilitation until March.", "medical").get_data(as_text=True)
    assert "Your comment was added." in page and "Cardiac rehabilitation until March." in section(page)

    for role in ("employer", "compliance_officer"):
        auth.login_as(role)
        assert "Cardiac rehabilitation" not in client.get(f"/cases/{case.id}").get_data(as_text=True)

    auth.login_as("employee", username="eva")
    assert "Cardiac rehabilitation until March." in section(client.get(f"/cases/{case.id}").get_data(as_text=True))
    reads = [e for e in auth.eng.audit_trail(f"case:{case.id}") if e.action == "medical_data_read"]
    assert [(e.actor, list(e.after)) for e in reads] == [("oa1", ["comments"]), ("eva", ["comments"])]


def test_a_personal_comment_is_not_shown_to_the_employer(app, client, auth):
    case = open_law_case(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    comment(client, case.id, "She prefers to be called in the afternoon.", "personal")
    comment(client, case.id, "The invitation went out today.", "case")

    auth.login_as("employer", username="hr1")
    shown = section(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "The invitation went out today." in shown and "afternoon" not in shown
    auth.login_as("employee", username="eva")
    assert "afternoon" in section(client.get(f"/cases/{case.id}").get_data(as_text=True))


def test_an_empty_comment_is_refused_at_the_form_in_the_readers_language(app, client, auth):
    case = open_law_case(auth.eng)
    hr = auth.login_as("employer", username="hr1")

    page = comment(client, case.id, "   \n ", lang="nl").get_data(as_text=True)

    assert "De opmerking werd niet toegevoegd: schrijf een opmerking, ze is leeg" in section(page)
    assert auth.eng.case_comments.list(case.id, user_id=hr.id).comments == ()


def test_a_comment_is_audited_by_its_digest_never_by_its_text(app, client, auth):
    case = open_law_case(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    comment(client, case.id, "  Suspected burn-out.  ", "medical")

    [added] = [e for e in auth.eng.audit_trail(f"case:{case.id}") if e.action == "comment_added"]
    assert added.actor == "oa1" and added.after["classification"] == "medical" and added.after["work_item"] is None
    assert added.after["sha256"] == hashlib.sha256(b"Suspected burn-out.").hexdigest()
    assert "burn-out" not in repr(added.after)


def test_overseers_read_comments_but_write_none(app, client, auth):
    case = open_law_case(auth.eng)
    auth.login_as("employer", username="hr1")
    comment(client, case.id, "Plan meeting on Monday.")

    auth.login_as("compliance_officer")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Plan meeting on Monday." in section(page) and 'name="body"' not in section(page)
    assert comment(client, case.id, "An overseer's remark.").status_code == 404


def test_a_comment_on_a_task_shows_on_that_task_and_on_the_case_file(app, client, auth, law):
    case = open_law_case(law)
    auth.login_as("employer", username="hr1")
    first, *others = [i for i in law.work_items(case_id=case.id) if i.role == "employer"]
    task_page = f"/tasks/{first.id}"

    page = comment(client, case.id, "Called the worker, no answer.", work_item_id=first.id, page=task_page)

    assert page.request.path == task_page
    assert "Called the worker, no answer." in section(page.get_data(as_text=True))
    for other in others:
        assert "Called the worker" not in client.get(f"/tasks/{other.id}").get_data(as_text=True)
    assert "Called the worker, no answer." in section(client.get(f"/cases/{case.id}").get_data(as_text=True))


def test_a_comment_on_a_task_of_another_role_is_refused(app, client, auth, law):
    case = open_law_case(law)
    auth.login_as("employer", username="hr1")
    theirs = next(i for i in law.work_items(case_id=case.id) if i.role != "employer")

    assert comment(client, case.id, "Not mine to say.", work_item_id=theirs.id).status_code == 404
