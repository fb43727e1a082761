"""People are told by mail, through a real SMTP server on 127.0.0.1, in their language and with no medical value:
when a task arrives, when a legal term is near, when it expires (their supervisor too), and once a day in a digest.
An SMTP server that is down loses nothing, and never stops a task from being completed."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

import engine
from tests.scenarios.conftest import at
from tests.scenarios.test_pre_return_visit import REQUEST, VISIT
from tests.webui.conftest import LAW_PARTIES, csrf_token
from webui import mail_texts

BASE = "http://reintegra.test"
MEDICAL = "Hernia L5-S1, relapse suspected"


@dataclass
class Mailbox:
    """What the SMTP server received, as parsed mails (aiosmtpd's handler)."""

    mails: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port, self.mailbox = free_port(), Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def worker(app: Flask, smtp: SmtpServer) -> engine.TimerScheduler:
    """The worker's scheduler, mailing through ``smtp`` with the application's texts (not started: the test runs
    its jobs)."""
    settings = mail_texts.mail_settings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port,
                                         "SMTP_FROM": "reintegra@example.be"})
    return engine.TimerScheduler(app.extensions["reintegra"], mail=settings, composer=mail_texts.composer(app, BASE))


def person(eng: engine.Engine, username: str, role: str, organisation: str, language: str,
           preference: str = "each") -> engine.UserView:
    user = eng.create_user(username=username, password="correct horse battery", display_name=username.title(),
                           roles=[role], organisations=[organisation], language=language, actor="test")
    return eng.notifications.set_mail(user.id, email=f"{username}@example.be", preference=preference)


def visit_case(eng: engine.Engine, clock: engine.SettableClock) -> engine.CaseView:
    """A pre-return visit requested on 23 December 2026: the occupational physician must hold it by 8 January (T15)."""
    clock.set(at(2026, 12, 23))
    case = eng.open_case(reference="PRV-17", employee="Eva Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), parties=dict(LAW_PARTIES), actor="hr1",
                         with_follow_up=False)
    eng.start(case.id, "pre_return_visit", {}, actor="oa1")
    complete(eng, case.id, "record_request", REQUEST)
    return case


def complete(eng: engine.Engine, case_id: int, task: str, data: dict) -> int:
    item = next(i for i in eng.work_items(case_id=case_id) if i.task == task)
    eng.complete(item.id, data, actor="oa1")
    return item.id


def item_id(eng: engine.Engine, case_id: int, task: str) -> int:
    return next(i.id for i in eng.work_items(case_id=case_id) if i.task == task)


def subjects(mails: list[EmailMessage]) -> list[str]:
    return sorted(str(m["Subject"]) for m in mails)


def test_a_played_visit_mails_task_near_expired_and_digest_in_each_persons_language(app, law, clock, smtp):
    oa_nl = person(law, "oa-nl", "occupational_physician", "Mensura", "nl")
    person(law, "oa-fr", "occupational_physician", "Mensura", "fr", preference="digest")
    person(law, "hr-fr", "employer", "Acme NV", "fr")
    person(law, "chef", "supervisor", "Mensura", "nl")
    person(law, "other-fund", "supervisor", "Partena", "nl")
    scheduler = worker(app, smtp)
    case = visit_case(law, clock)
    visit = item_id(law, case.id, "hold_visit")
    scheduler.notify()                                     # 23/12: the visit arrives
    clock.set(at(2027, 1, 5))                              # 3 working days before 8/01: T15 is near
    scheduler.notify()
    clock.set(at(2027, 1, 9, 0, 0, 1))                     # T15 expired
    law.fire_due_timers()
    scheduler.notify()
    overdue = item_id(law, case.id, "plan_overdue_visit")
    complete(law, case.id, "hold_visit", {**VISIT, "held_on": "2027-01-09", "medical_findings": MEDICAL})
    scheduler.notify()                                     # the employer's answer arrives
    clock.set(at(2027, 1, 10, 8))                          # the next digest
    scheduler.notify()
    scheduler.notify()                                     # whatever runs twice, nobody is told twice

    mail = smtp.mailbox
    assert subjects(mail.to("oa-nl@example.be")) == [
        "Reintegra: de termijn T15 van dossier PRV-17 is verstreken",
        "Reintegra: de termijn T15 van dossier PRV-17 verstrijkt binnenkort",
        "Reintegra: een nieuwe taak in dossier PRV-17", "Reintegra: een nieuwe taak in dossier PRV-17"]
    bodies = {str(m["Subject"]): m.get_content() for m in mail.to("oa-nl@example.be")}
    near = bodies["Reintegra: de termijn T15 van dossier PRV-17 verstrijkt binnenkort"]
    assert "verstrijkt op 08/01/2027" in near and f"{BASE}/tasks/{visit}" in near
    expired = bodies["Reintegra: de termijn T15 van dossier PRV-17 is verstreken"]
    assert "is verstreken op 08/01/2027" in expired and f"{BASE}/cases/{case.id}" in expired
    tasks_nl = "".join(m.get_content() for m in mail.to("oa-nl@example.be") if "nieuwe taak" in str(m["Subject"]))
    assert f"{BASE}/tasks/{visit}" in tasks_nl and f"{BASE}/tasks/{overdue}" in tasks_nl
    assert "Nieuwe taak in dossier PRV-17:" in tasks_nl and f"{BASE}/account" in tasks_nl

    [chef] = mail.to("chef@example.be")
    assert "u houdt er toezicht op" in chef.get_content() and f"{BASE}/cases/{case.id}" in chef.get_content()
    assert mail.to("other-fund@example.be") == []

    assert subjects(mail.to("oa-fr@example.be")) == ["Reintegra : votre résumé quotidien (1)",
                                                     "Reintegra : votre résumé quotidien (1)",
                                                     "Reintegra : votre résumé quotidien (2)"]
    digests = [m.get_content() for m in mail.to("oa-fr@example.be")]
    assert sum("Nouvelle tâche dans le dossier PRV-17" in d for d in digests) == 2
    assert sum("échoit le 08/01/2027" in d for d in digests) == 1
    assert sum("a expiré le 08/01/2027" in d for d in digests) == 1
    assert all("Depuis votre résumé précédent" in d for d in digests)

    [answer] = mail.to("hr-fr@example.be")
    assert str(answer["Subject"]) == "Reintegra : une nouvelle tâche dans le dossier PRV-17"
    assert f"{BASE}/tasks/{item_id(law, case.id, 'answer_recommendations')}" in answer.get_content()

    assert len(mail.mails) == 9
    for message in mail.mails:
        text = f"{message['Subject']}\n{message.get_content()}"
        assert MEDICAL not in text and "Hernia" not in text and "Peeters" not in text
        assert message["From"] == "reintegra@example.be"
    bell = law.notifications.page(oa_nl.id)
    assert (bell.total, bell.unread) == (4, 4)
    assert {n.mail_state for n in bell.rows} == {"sent"}


def test_a_stopped_smtp_server_loses_nothing_and_each_mail_goes_out_once_it_is_back(app, law, clock, smtp):
    person(law, "oa-nl", "occupational_physician", "Mensura", "nl")
    fr = person(law, "oa-fr", "occupational_physician", "Mensura", "fr")
    scheduler = worker(app, smtp)
    smtp.stop()
    visit_case(law, clock)
    scheduler.notify()
    scheduler.notify()                                     # not retried before its back-off
    [told] = law.notifications.page(fr.id).rows
    assert (told.mail_state, told.mail_attempts) == ("pending", 1)
    clock.advance(timedelta(minutes=2))
    scheduler.notify()
    [told] = law.notifications.page(fr.id).rows
    assert (told.mail_state, told.mail_attempts) == ("pending", 2)
    smtp.start()
    clock.advance(timedelta(minutes=6))
    scheduler.notify()
    clock.advance(timedelta(hours=1))
    scheduler.notify()
    assert sorted(m["To"] for m in smtp.mailbox.mails) == ["oa-fr@example.be", "oa-nl@example.be"]
    assert law.notifications.page(fr.id).rows[0].mail_state == "sent"


def test_a_task_is_completed_while_the_smtp_server_is_down(app, client, auth, law, clock, smtp):
    scheduler = worker(app, smtp)
    smtp.stop()
    case = visit_case(law, clock)
    me = auth.login_as("occupational_physician", username="oa1")
    law.notifications.set_mail(me.id, email="oa1@example.be", preference="each")
    scheduler.notify()
    visit = item_id(law, case.id, "hold_visit")
    response = client.post(f"/tasks/{visit}", data={"visit_held": "no", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert law.work_items(case_id=case.id) == []
    scheduler.notify()
    [told] = law.notifications.page(me.id).rows
    assert (told.kind, told.mail_state, told.mail_attempts) == ("task", "pending", 1)


def test_without_an_smtp_host_notifications_stay_in_the_bell(app, law, clock):
    oa = person(law, "oa-nl", "occupational_physician", "Mensura", "nl")
    assert mail_texts.mail_settings({"SMTP_HOST": ""}) is None
    scheduler = engine.TimerScheduler(law)
    visit_case(law, clock)
    scheduler.notify()
    [told] = law.notifications.page(oa.id).rows
    assert (told.kind, told.task, told.mail_state) == ("task", "Hold the pre-return visit", "none")
