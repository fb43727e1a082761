"""Dates that make sense across steps (forms/DATE_RULES.md): an impossible date is refused at its field, in the
reader's language, naming the earlier fact by its label and date; it is never recorded, so no verdict moves."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import engine
from tests.scenarios.conftest import Scenario, at
from tests.scenarios.test_formal_reintegration import INVITATION, REQUEST, Trajectory, decision, plan
from tests.webui.conftest import LAW_PARTIES, csrf_token


def an_case(law: engine.Engine, reference: str, first_day: date, with_follow_up: bool = False) -> engine.CaseView:
    """A case of the worker An at Acme NV with the law's parties, which the test users may see."""
    return law.open_case(reference=reference, employee="An", employer="Acme NV", with_follow_up=with_follow_up,
                         first_day_of_incapacity=first_day, actor="hr1",
                         parties={**LAW_PARTIES, "employee_account": "an"})


class ForceMajeure(Scenario):
    """A force-majeure procedure on a case the test users may see (the law's parties)."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock) -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 3, 1))
        self.case = an_case(law, "MFM-1", date(2026, 6, 1))
        self.instance = law.start(self.case.id, "medical_force_majeure", {}, actor="hr1")
        self.do("record_notification", {"notified_on": "2027-03-01", "notified_by": "employer",
                                        "mandatory_content_included": True, "adapted_work_requested": False})
        self.until(2027, 3, 12, 1)


def _invitation(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    rit.until(2027, 1, 5)
    return rit


def _examined(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = Trajectory(law, clock)
    rit.examined()
    return rit


def _appealed(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = _examined(law, clock)
    rit.do("assess", decision("B"), "oa1")
    rit.until(2027, 1, 20)
    rit.do("decide_appeal", {"appeal": True, "lodged_on": "2027-01-20"}, "an")
    rit.until(2027, 2, 25)
    return rit


def _silent(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = _examined(law, clock)
    rit.do("assess", decision("B"), "oa1")
    rit.until(2027, 2, 3)
    rit.do("confirm_appeal", {"appeal_arrived": False}, "hr1")
    rit.do("draft", plan("2027-02-03"), "hr1")
    rit.until(2027, 2, 18, 1)
    rit.do("confirm_reply", {"reply_arrived": False}, "hr1")
    rit.until(2027, 2, 19)
    return rit


def _mfm_examined(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    mfm = ForceMajeure(law, clock)
    mfm.do("send_first_invitation", {"invited_on": "2027-03-12", "appointment_on": "2027-03-22"})
    mfm.until(2027, 3, 24)
    mfm.do("record_attendance", {"attended": True})
    return mfm


def _mfm_invited(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    return ForceMajeure(law, clock)


def _decided(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = _examined(law, clock)
    rit.until(2027, 1, 14)
    return rit


def _drafting(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    rit = _examined(law, clock)
    rit.do("assess", decision("A"), "oa1")
    return rit


class _Single(Scenario):
    def __init__(self, law: engine.Engine, clock: engine.SettableClock, process: str) -> None:
        self.law, self.clock = law, clock
        self.case = an_case(law, "ONE-1", date(2026, 6, 1))
        self.instance = law.start(self.case.id, process, {}, actor="oa1")


def _visit_requested(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    clock.set(at(2027, 1, 11))
    visit = _Single(law, clock, "pre_return_visit")
    visit.do("record_request", {"request_received_on": "2027-01-08", "requested_by": "employee",
                                "employee_objects_to_informing_employer": True})
    return visit


def _resumed(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    clock.set(at(2027, 1, 13))
    exam = _Single(law, clock, "resumption_examination")
    exam.do("record_resumption", {"resumed_on": "2027-01-11", "under_health_surveillance": True,
                                  "absent_at_least_four_weeks": True})
    return exam


def _visit_overdue(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    visit = _visit_requested(law, clock)
    visit.until(2027, 2, 1)
    return visit


VISIT = {"visit_held": "yes", "workstation_examined": "yes", "employer_consulted": "yes", "recommendations": "Desk",
         "medical_findings": "(medical)"}
RIT_DECISION = {"decision": "A", "conditions": "Half days.", "medical_justification": "(medical)"}
FINDING = {"definitively_unfit": "yes", "medical_justification": "(medical)"}
PLAN = {"kind": "plan", "delivered_on": "2027-01-12", "consulted_on": "2027-01-12", "valid_from": "2027-01-12",
        "valid_until": "2027-12-31", "measures-0-measure": "Desk", "measures-0-starts_on": "2027-02-01"}

Rule = tuple[str, Callable[..., Scenario], str, dict[str, Any], str, str, str, str, str]
RULES: list[Rule] = [
    # task, setup, field, other data, impossible, possible, where the error shows, nl, fr
    ("send_invitation", _invitation, "appointment_on", {"invited_on": "2027-01-05"}, "2027-01-04", "2027-01-05",
     "appointment_on", "Mag niet vóór “Aangetekende brief verstuurd op” (05/01/2027) liggen.",
     "Ne peut pas précéder « Lettre recommandée envoyée le » (05/01/2027)."),
    ("assess", _decided, "decided_on", {**RIT_DECISION, "employer_received_on": "2027-01-13",
                                        "employee_received_on": "2027-01-13"}, "2027-01-11", "2027-01-12",
     "decided_on", "Mag niet vóór “Datum van de afspraak” (12/01/2027) liggen.",
     "Ne peut pas précéder « Date du rendez-vous » (12/01/2027)."),
    ("assess", _decided, "employee_received_on", {**RIT_DECISION, "decided_on": "2027-01-13",
                                                  "employer_received_on": "2027-01-13"}, "2027-01-12", "2027-01-13",
     "employee_received_on", "Mag niet vóór “Beslist op” (13/01/2027) liggen.",
     "Ne peut pas précéder « Décidé le » (13/01/2027)."),
    ("decide", _appealed, "decided_on", {"outcome": "confirmed", "parties_received_on": "2027-02-25"},
     "2027-01-19", "2027-01-20", "decided_on",
     "Mag niet vóór “Aangetekende brieven verstuurd op (inspecteur en werkgever)” (20/01/2027) liggen.",
     "Ne peut pas précéder « Lettres recommandées envoyées le (inspecteur et employeur) » (20/01/2027)."),
    ("decide", _appealed, "parties_received_on", {"outcome": "confirmed", "decided_on": "2027-02-25"},
     "2027-02-24", "2027-02-25", "parties_received_on", "Mag niet vóór “Beslist op” (25/02/2027) liggen.",
     "Ne peut pas précéder « Décidé le » (25/02/2027)."),
    ("reinvite", _silent, "reinvitation_received_on", {"reinvited_on": "2027-02-18"}, "2027-02-17", "2027-02-19",
     "reinvitation_received_on", "Mag niet vóór “Nieuwe uitnodiging verstuurd op” (18/02/2027) liggen.",
     "Ne peut pas précéder « Nouvelle invitation envoyée le » (18/02/2027)."),
    ("draft", _drafting, "measures-0-ends_on", PLAN, "2027-01-31", "2027-02-01", "measures",
     "1, Tot: Mag niet vóór “Vanaf” (01/02/2027) liggen.",
     "1, Jusqu'au: Ne peut pas précéder « À partir du » (01/02/2027)."),
    ("finding", _mfm_examined, "decided_on", {**FINDING, "worker_received_on": "2027-03-24",
                                              "employer_received_on": "2027-03-24"}, "2027-03-21", "2027-03-22",
     "decided_on", "Mag niet vóór “Datum van de afspraak” (22/03/2027) liggen.",
     "Ne peut pas précéder « Date du rendez-vous » (22/03/2027)."),
    ("finding", _mfm_examined, "worker_received_on", {**FINDING, "decided_on": "2027-03-23",
                                                      "employer_received_on": "2027-03-24"}, "2027-03-22",
     "2027-03-23", "worker_received_on", "Mag niet vóór “Beslist op” (23/03/2027) liggen.",
     "Ne peut pas précéder « Décidé le » (23/03/2027)."),
    ("send_first_invitation", _mfm_invited, "appointment_on", {"invited_on": "2027-03-12"}, "2027-03-11",
     "2027-03-22", "appointment_on", "Mag niet vóór “Aangetekende brief verstuurd op” (12/03/2027) liggen.",
     "Ne peut pas précéder « Lettre recommandée envoyée le » (12/03/2027)."),
    ("hold_visit", _visit_requested, "held_on", VISIT, "2027-01-07", "2027-01-08", "held_on",
     "Mag niet vóór “Aanvraag ontvangen op” (08/01/2027) liggen.",
     "Ne peut pas précéder « Demande reçue le » (08/01/2027)."),
    ("hold_examination", _resumed, "held_on", {"outcome": "fit"}, "2027-01-10", "2027-01-11", "held_on",
     "Mag niet vóór “Eerste dag van de werkhervatting” (11/01/2027) liggen.",
     "Ne peut pas précéder « Premier jour de la reprise » (11/01/2027)."),
    ("plan_overdue_visit", _visit_overdue, "planned_on", {"reason": "Ill."}, "2027-01-29", "2027-02-01",
     "planned_on", "Mag niet vóór vandaag (01/02/2027) liggen.",
     "Ne peut pas précéder aujourd’hui (01/02/2027)."),
]


def _speak(client: Any, language: str) -> None:
    client.post("/language", data={"language": language, "csrf_token": csrf_token(client, "/")})


def _error_at(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</', page, re.S)
    assert found, f"no error shown at {field}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize(("task", "setup", "field", "other", "impossible", "possible", "shown", "nl", "fr"), RULES,
                         ids=[f"{r[0]}-{r[2]}" for r in RULES])
def test_an_impossible_date_across_steps_is_refused_at_its_field_in_nl_and_fr(
        client, auth, law, clock, task, setup, field, other, impossible, possible, shown, nl, fr):
    refused_then_recorded(client, auth, law, setup(law, clock), task, field, other, (impossible, possible), shown,
                          {"nl": nl, "fr": fr})


def refused_then_recorded(client: Any, auth: Any, law: engine.Engine, played: Scenario, task: str, field: str,
                          other: dict[str, Any], dates: tuple[str, str], shown: str, messages: dict[str, str]) -> None:
    """The impossible date is refused at ``shown`` with each language's message, moving no verdict; the possible
    one completes the task."""
    impossible, possible = dates
    item = played.item(task)
    auth.login_as(item.role or "occupational_physician", username="an" if item.role == "employee" else None)
    verdicts = [(d.rule, d.due_on, d.state) for d in law.deadlines(played.case.id)]
    for language, expected in messages.items():
        _speak(client, language)
        response = client.post(f"/tasks/{item.id}", data={**other, field: impossible,
                                                           "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 422
        assert expected in _error_at(response.get_data(as_text=True), shown)
    assert item.id in [i.id for i in law.work_items(case_id=played.case.id)]
    assert [(d.rule, d.due_on, d.state) for d in law.deadlines(played.case.id)] == verdicts
    response = client.post(f"/tasks/{item.id}", data={**other, field: possible, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302, _error_at(response.get_data(as_text=True), shown)
    assert item.id not in [i.id for i in law.work_items(case_id=played.case.id)]


def test_a_relapse_dated_before_the_return_is_refused_at_its_field_in_nl_and_fr(client, auth, law, clock):
    """0.6: a relapse follows the return it interrupts (the case keeps the return's date)."""
    clock.set(at(2027, 2, 20))
    case = an_case(law, "REL-1", date(2026, 6, 1), with_follow_up=True)
    law.deliver(case.id, "work_resumed", {"resumed_on": "2027-02-15"}, actor="hr1")
    auth.login_as("employer", username="hr2")
    for language, expected in (
            ("nl", "Een herval volgt op de werkhervatting die het onderbreekt: niet vóór 15/02/2027."),
            ("fr", "Une rechute suit la reprise du travail qu’elle interrompt : pas avant le 15/02/2027.")):
        _speak(client, language)
        response = client.post(f"/cases/{case.id}/events/incapacity_relapse",
                               data={"relapsed_on": "2027-02-10", "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 422
        assert expected in _error_at(response.get_data(as_text=True), "incapacity_relapse-relapsed_on")
    response = client.post(f"/cases/{case.id}/events/incapacity_relapse",
                           data={"relapsed_on": "2027-02-16", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302


def test_the_api_refuses_an_impossible_date_across_steps_with_400_at_the_field(client, auth, law, clock):
    rit = _invitation(law, clock)
    item = rit.item("send_invitation")
    user = auth.eng.create_user(username="oa-api", password="correct horse battery", display_name="OA",
                                roles=["occupational_physician"], organisations=["Mensura"], actor="test")
    headers = {"Authorization": f"Bearer {law.issue_token(user.id, 'test')}"}
    refused = client.post(f"/api/v1/work-items/{item.id}/complete", headers=headers,
                          json={"data": {**INVITATION, "appointment_on": "2027-01-04"}})
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_input"
    assert refused.get_json()["details"] == [{"field": "appointment_on",
                                              "messages": ["must not be before invited_on (2027-01-05)"]}]
    done = client.post(f"/api/v1/work-items/{item.id}/complete", headers=headers, json={"data": INVITATION})
    assert done.status_code == 200
