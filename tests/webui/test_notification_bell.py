"""The bell: the header counts my unread notifications, the list shows them newest first in my language and leads
to the task or the case; my account page says where and how often I am mailed, an admin sets the address too."""

from __future__ import annotations

import re

import pytest

import engine
from tests.scenarios.conftest import at
from tests.webui.conftest import csrf_token
from tests.webui.test_notification_mails import visit_case


def bell(page: str) -> str:
    return page.split('class="bell"')[1].split("</a>")[0]


@pytest.fixture
def told(auth, law, clock):  # type: ignore[no-untyped-def]
    """I am the occupational physician of Mensura; the visit arrived, its term came near and expired."""
    me = auth.login_as("occupational_physician", username="oa1")
    case = visit_case(law, clock)
    scheduler = engine.TimerScheduler(law)
    scheduler.notify()
    clock.set(at(2027, 1, 7))
    scheduler.notify()
    clock.set(at(2027, 1, 9, 0, 0, 1))
    law.fire_due_timers()
    scheduler.notify()
    return me, case


def test_the_header_counts_my_unread_notifications_and_the_list_leads_to_the_task(client, law, told):
    me, case = told
    page = client.get("/").get_data(as_text=True)
    assert '<span class="count">4</span>' in bell(page)
    listed = client.get("/notifications").get_data(as_text=True)
    visit = next(i for i in law.work_items(case_id=case.id) if i.task == "hold_visit")
    lines = re.findall(r'<button type="submit" class="link">([^<]+)</button>', listed)
    assert lines == [
        "Case PRV-17: the term T15 (Pre-return visit held) expired on 08/01/2027.",
        "New task in case PRV-17: Explain the late visit and plan it.",
        "Case PRV-17: the term T15 (Pre-return visit held) falls due on 08/01/2027.",
        "New task in case PRV-17: Hold the pre-return visit."]
    first_visit = law.notifications.page(me.id).rows[-1]
    opened = client.post(f"/notifications/{first_visit.id}/read",
                         data={"open": "yes", "csrf_token": csrf_token(client, "/notifications")})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{visit.id}"
    assert '<span class="count">3</span>' in bell(client.get("/").get_data(as_text=True))
    [expired] = [n for n in law.notifications.page(me.id).rows if n.kind == "expired"]
    assert client.post(f"/notifications/{expired.id}/read", data={
        "open": "yes", "csrf_token": csrf_token(client, "/notifications")}).headers["Location"] == f"/cases/{case.id}"


def test_marking_all_read_empties_the_bell_and_the_list_is_in_my_language(client, law, told):
    client.post("/language", data={"language": "fr", "next": "/", "csrf_token": csrf_token(client, "/")})
    response = client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications")},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'class="count"' not in bell(page) and "0 notification non lue." in page
    assert "Dossier PRV-17 : le délai T15" in page and "a expiré le 08/01/2027" in page


def test_marking_read_needs_csrf_and_another_persons_notification_is_not_found(app, client, auth, law, told):
    me, _ = told
    mine = law.notifications.page(me.id).rows[0]
    assert client.post(f"/notifications/{mine.id}/read").status_code == 400
    other = app.test_client()
    auth.client = other
    auth.login_as("occupational_physician", username="oa2")
    token = csrf_token(other, "/notifications")
    assert other.post(f"/notifications/{mine.id}/read", data={"csrf_token": token}).status_code == 404
    assert law.notifications.unread(me.id) == 4


def test_the_list_pages_newest_first(client, auth, law):
    me = auth.login_as("occupational_physician", username="oa1")
    page = client.get("/notifications?page=1").get_data(as_text=True)
    assert "No notifications yet." in page
    assert law.notifications.page(me.id).pages == 1
    with pytest.raises(engine.InvalidInput):
        law.notifications.page(me.id, page=0)


def test_i_set_my_address_and_a_daily_summary_and_a_wrong_address_is_refused_at_its_field(client, auth, law):
    me = auth.login_as("employer", username="hr1")
    token = csrf_token(client, "/account")
    refused = client.post("/account/mail", data={"email": "hr1@acme.be\nBcc: x@evil.example",
                                                 "mail_preference": "each", "csrf_token": token})
    assert refused.status_code == 422 and 'id="email-error"' in refused.get_data(as_text=True)
    assert "Not an e-mail address" in refused.get_data(as_text=True)
    saved = client.post("/account/mail", data={"email": " hr1@acme.be ", "mail_preference": "digest",
                                               "csrf_token": token}, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Your mail settings were saved." in page and 'value="hr1@acme.be"' in page
    assert re.search(r'value="digest"\s+checked', page) and "One summary a day, at 07:00" in page
    assert (law.user(me.id).email, law.user(me.id).mail_preference) == ("hr1@acme.be", "digest")
    assert client.post("/account/mail", data={"email": "", "mail_preference": "weekly",
                                              "csrf_token": token}).status_code == 422
    assert [e.action for e in law.audit_trail("accounts")].count("mail_settings_changed") == 1


def test_an_admin_sets_an_accounts_address_and_can_make_a_supervisor(client, auth, law):
    admin = auth.login_as("admin", username="root")
    law.administration.add_organisation(admin.id, name="Mensura", kind="prevention_service")
    user = law.create_user(username="chef", password="correct horse battery", display_name="Chef", roles=["employer"],
                           organisations=["Acme NV"], language="nl", actor="test")
    path = f"/admin/accounts/{user.id}"
    form = {"display_name": "Chef", "language": "nl", "roles": ["employer", "supervisor"],
            "organisations": ["Acme NV"], "csrf_token": csrf_token(client, path)}
    refused = client.post(path, data={**form, "email": "chef@"})
    assert refused.status_code == 422 and 'id="email-error"' in refused.get_data(as_text=True)
    assert client.post(path, data={**form, "email": "chef@acme.be"}).status_code == 302
    shown = law.administration.account(admin.id, user.id)
    assert (shown.email, shown.roles) == ("chef@acme.be", ("employer", "supervisor"))
    assert 'value="chef@acme.be"' in client.get(path).get_data(as_text=True)
