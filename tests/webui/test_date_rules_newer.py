"""Dates that make sense across steps, for the procedures modelled after the first rules (forms/DATE_RULES.md):
the spontaneous consultation, the preventive request, progressive resumption and the contact procedure, and the
letters' second receipts. Each impossible date is refused at its field in Dutch and French and moves no verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import engine
from tests.scenarios.conftest import Scenario, at
from tests.webui.conftest import LAW_PARTIES, csrf_token
from tests.webui.test_date_rules import (
    FINDING,
    RIT_DECISION,
    _decided,
    _drafting,
    _error_at,
    _mfm_examined,
    _speak,
    an_case,
    refused_then_recorded,
)


class _Started(Scenario):
    """One procedure started on a case the test users may see, its first task completed."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, process: str, role: str,
                 first: tuple[str, dict[str, Any]] | None = None) -> None:
        self.law, self.clock = law, clock
        self.case = an_case(law, "NEW-1", date(2026, 10, 5))
        self.instance = law.start(self.case.id, process, {}, role=role, actor="an")
        if first:
            self.do(*first)


CONSULTATION = {"request_received_on": "2026-12-23", "complaints": "(medical)"}


def _consultation(made_by: str) -> Callable[..., Scenario]:
    def played(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
        clock.set(at(2026, 12, 28))
        return _Started(law, clock, "spontaneous_consultation", "employee",
                        ("record_request", {**CONSULTATION, "appointment_made_by": made_by}))
    return played


def _preventive(consult: bool) -> Callable[..., Scenario]:
    def played(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
        clock.set(at(2026, 12, 28))
        return _Started(law, clock, "preventive_request", "employee",
                        ("record_request", {"request_made_on": "2026-12-21", "requested_adaptation": "A desk.",
                                            "consult_occupational_physician": consult}))
    return played


def _advised(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _preventive(True)(law, clock)
    played.do("advise_employer", {"advised_on": "2026-12-23", "advice": "A desk helps."})
    return played


PART_TIME = {"planned_first_day": "2026-11-02", "regime": "fewer_hours_per_day", "work_fraction_percent": 50}


def _planning(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    clock.set(at(2026, 10, 20))
    return _Started(law, clock, "progressive_resumption", "employee")


def _requested_on(day: int) -> Callable[..., Scenario]:
    """The part-time work planned from 2 November 2026, the request made on ``day`` November (or 26 October)."""
    def played(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
        scenario = _planning(law, clock)
        scenario.do("plan_resumption", PART_TIME)
        scenario.until(2026, 11, 10) if day else scenario.until(2026, 10, 26)
        scenario.do("submit_request", {"requested_on": f"2026-11-{day:02d}" if day else "2026-10-26"})
        return scenario
    return played


def _decided_part_time(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _requested_on(0)(law, clock)
    played.until(2026, 11, 10)
    played.do("decide", {"decided_on": "2026-11-09", "authorised": True, "authorised_fraction_percent": 50,
                         "capacity_reduction_maintained": True, "reasons": "(medical)"})
    return played


def _reminded(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _decided_part_time(law, clock)
    played.do("send_authorisation", {"sent_on": "2026-11-10", "valid_from": "2026-11-02",
                                     "valid_until": "2028-11-01"})
    played.until(2028, 10, 2)
    return played


class _Track(Scenario):
    """A coordinator track asked for on Tuesday 6 October 2026 (route B), its first contact made that day."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock) -> None:
        self.law, self.clock = law, clock
        clock.set(at(2026, 10, 6))
        self.case = an_case(law, "TNW-PT", date(2026, 10, 5))
        self.instance = law.start(self.case.id, "rtw_coordination", {"entry": "request",
                                                                      "requested_on": "2026-10-05"}, actor="aa1")
        self.do("first_contact", {"contacted_on": "2026-10-06", "engaged": True})


PLAN_WITH_HALF_DAYS = {"kind": "plan", "delivered_on": "2027-01-12", "consulted_on": "2027-01-12",
                       "valid_from": "2027-01-12", "valid_until": "2027-12-31", "measures-0-measure": "Half days.",
                       "part_time_during_incapacity": "yes"}
TRACK_PLAN_WITH_HALF_DAYS = {"drafted_on": "2026-10-06", "objectives": "Back at Acme, half days.",
                             "direction": "current_employer", "part_time_during_incapacity": "yes"}


class _Clock(Scenario):
    """An incapacity from Monday 4 January 2027 (2026 rules) with its follow-up, on the day ``today``."""

    def __init__(self, law: engine.Engine, clock: engine.SettableClock, today: tuple[int, int, int]) -> None:
        self.law, self.clock = law, clock
        clock.set(at(2027, 1, 4))
        self.case = an_case(law, "CLOCK-1", date(2027, 1, 4), with_follow_up=True)
        self.until(*today)


def _estimate_due(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    return _Clock(law, clock, (2027, 3, 2))


def _estimate_asked(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _estimate_due(law, clock)
    played.do("ask_estimate", {"asked_on": "2027-03-02"})
    return played


def _potential_shown(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _estimate_asked(law, clock)
    played.do("record_estimate", {"estimated_on": "2027-03-02", "work_potential": "yes"})
    return played


def _six_months(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    return _Clock(law, clock, (2027, 7, 5))
def _obligations(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    """The 2026 financial duties of a case of Acme NV (60 workers, as HR records), back at work on 2 November."""
    clock.set(at(2026, 11, 2))
    played = _Started(law, clock, "employer_obligations", "employer", ("record_headcount", {"employer_headcount": 60}))
    law.deliver(played.case.id, "work_resumed", {"resumed_on": "2026-11-02"}, actor="hr1")
    clock.set(at(2026, 11, 5))
    return played


NEUTRALISED = {"basis": "full_resumption", "neutralised_from": "2026-11-03", "neutralised_until": "2026-12-28"}


CONTACT = {"means": "phone", "contacted_by": "B. Claes", "worker_reached": "yes"}


def _contacting(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    clock.set(at(2026, 10, 20))
    return _Started(law, clock, "contact_procedure", "employer")


def _contacted(law: engine.Engine, clock: engine.SettableClock) -> Scenario:
    played = _contacting(law, clock)
    played.do("record_contact", {**CONTACT, "worker_reached": True, "contacted_on": "2026-10-15"})
    return played


AFTER_NL, AFTER_FR = "Moet na “{}” ({}) liggen.", "Doit se situer après « {} » ({})."
BEFORE_NL, BEFORE_FR = "Mag niet vóór “{}” ({}) liggen.", "Ne peut pas précéder « {} » ({})."


def _not_before(nl: str, fr: str, day: str) -> tuple[str, str]:
    return BEFORE_NL.format(nl, day), BEFORE_FR.format(fr, day)


def _after(nl: str, fr: str, day: str) -> tuple[str, str]:
    return AFTER_NL.format(nl, day), AFTER_FR.format(fr, day)


RECEIVED = _not_before("Aanvraag ontvangen op", "Demande reçue le", "23/12/2026")
FIRST_DAY = _not_before("Eerste dag van ongeschiktheid", "Premier jour d'incapacité", "04/01/2027")
REQUEST_MADE = _not_before("Vraag gesteld op", "Demande introduite le", "21/12/2026")
Rule = tuple[str, Callable[..., Scenario], str, dict[str, Any], str, str, str, tuple[str, str]]
RULES: list[Rule] = [
    # task, setup, field, other data, impossible, possible, where the error shows, (nl, fr)
    ("make_appointment", _consultation("employer"), "appointment_made_on", {"appointment_on": "2027-01-05"},
     "2026-12-22", "2026-12-23", "appointment_made_on", RECEIVED),
    ("make_appointment", _consultation("employer"), "appointment_on", {"appointment_made_on": "2026-12-24"},
     "2026-12-23", "2026-12-24", "appointment_on",
     _not_before("Afspraak gemaakt op", "Rendez-vous pris le", "24/12/2026")),
    ("hold_consultation", _consultation("occupational_physician"), "held_on", {"consultation_held": "yes"},
     "2026-12-22", "2026-12-23", "held_on", RECEIVED),
    ("advise_employer", _preventive(True), "advised_on", {"advice": "A desk helps."}, "2026-12-20", "2026-12-21",
     "advised_on", REQUEST_MADE),
    ("inform_worker", _advised, "informed_on", {"decision": "accepted", "follow_up": "Desk ordered."},
     "2026-12-22", "2026-12-23", "informed_on", _not_before("Advies gegeven op", "Avis donné le", "23/12/2026")),
    ("plan_resumption", _planning, "planned_first_day", {"regime": "mixed", "work_fraction_percent": 50},
     "2026-10-05", "2026-10-06", "planned_first_day",
     _after("Eerste dag van ongeschiktheid", "Premier jour d'incapacité", "05/10/2026")),
    ("decide", _requested_on(0), "decided_on", {"authorised": "no", "reasons": "(medical)"}, "2026-10-25",
     "2026-10-26", "decided_on", _not_before("Aanvraag gedaan op", "Demande faite le", "26/10/2026")),
    ("send_authorisation", _decided_part_time, "sent_on", {"valid_from": "2026-11-02", "valid_until": "2028-11-01"},
     "2026-11-08", "2026-11-09", "sent_on", _not_before("Beslist op", "Décidé le", "09/11/2026")),
    ("send_authorisation", _decided_part_time, "valid_until", {"sent_on": "2026-11-09", "valid_from": "2026-11-02"},
     "2026-11-02", "2028-11-01", "valid_until", _after("Geldig vanaf", "Valable à partir du", "02/11/2026")),
    ("record_benefit_reduction", _requested_on(9), "period_from",
     {"period_until": "2026-11-09", "notified_on": "2026-11-10"}, "2026-11-01", "2026-11-02", "period_from",
     _not_before("Eerste dag van het deeltijdse werk", "Premier jour du travail à temps partiel", "02/11/2026")),
    ("record_benefit_reduction", _requested_on(9), "period_until",
     {"period_from": "2026-11-02", "notified_on": "2026-11-10"}, "2026-11-01", "2026-11-09", "period_until",
     _not_before("Niet-toegestane periode vanaf", "Période non autorisée du", "02/11/2026")),
    ("record_benefit_reduction", _requested_on(9), "notified_on",
     {"period_from": "2026-11-02", "period_until": "2026-11-09"}, "2026-11-08", "2026-11-10", "notified_on",
     _not_before("Aanvraag gedaan op", "Demande faite le", "09/11/2026")),
    ("request_renewal", _reminded, "renewal_first_day", {"renewal_wanted": "yes"}, "2026-11-02", "2028-11-02",
     "renewal_first_day", _after("Geldig vanaf", "Valable à partir du", "02/11/2026")),
    ("record_contact", _contacting, "contacted_on", CONTACT, "2026-10-04", "2026-10-05", "contacted_on",
     _not_before("Eerste dag van ongeschiktheid", "Premier jour d'incapacité", "05/10/2026")),
    ("record_contact", _contacted, "contacted_on", CONTACT, "2026-10-14", "2026-10-15", "contacted_on",
     _not_before("Vorig contact met de werknemer", "Contact précédent avec le travailleur", "15/10/2026")),
    ("draft", _drafting, "planned_first_day", PLAN_WITH_HALF_DAYS, "2027-01-11", "2027-01-18", "planned_first_day",
     _not_before("Aan de werknemer bezorgd op", "Remis au travailleur le", "12/01/2027")),
    ("draft_plan", _Track, "planned_first_day", TRACK_PLAN_WITH_HALF_DAYS, "2026-10-05", "2026-11-02",
     "planned_first_day", _not_before("Opgesteld op", "Établi le", "06/10/2026")),
    ("assess", _decided, "employer_received_on",
     {**RIT_DECISION, "decided_on": "2027-01-13", "employee_received_on": "2027-01-13"}, "2027-01-12",
     "2027-01-13", "employer_received_on", _not_before("Beslist op", "Décidé le", "13/01/2027")),
    ("ask_estimate", _estimate_due, "asked_on", {}, "2027-01-03", "2027-03-02", "asked_on", FIRST_DAY),
    ("record_estimate", _estimate_asked, "estimated_on", {"work_potential": "yes"}, "2027-03-01", "2027-03-02",
     "estimated_on", _not_before("Gevraagd op", "Demandé le", "02/03/2027")),
    ("request_if_potential", _potential_shown, "trajectory_requested_on", {}, "2027-01-03", "2027-03-02",
     "trajectory_requested_on", FIRST_DAY),
    ("propose_invalidity", _six_months, "proposed_on", {"reasons": "(medical)"}, "2027-01-03", "2027-07-05",
     "proposed_on", FIRST_DAY),
    ("finding", _mfm_examined, "employer_received_on",
     {**FINDING, "decided_on": "2027-03-23", "worker_received_on": "2027-03-24"}, "2027-03-22", "2027-03-23",
     "employer_received_on", _not_before("Beslist op", "Décidé le", "23/03/2027")),
    ("declare_contribution", _obligations, "declared_on", {"months_concerned": "month_2"}, "2026-10-04",
     "2026-10-05", "declared_on",
     _not_before("Eerste dag van ongeschiktheid", "Premier jour d'incapacité", "05/10/2026")),
    ("record_neutralisation", _obligations, "recorded_on", NEUTRALISED, "2026-11-01", "2026-11-02", "recorded_on",
     _not_before("Hervat op", "Repris le", "02/11/2026")),
    ("record_neutralisation", _obligations, "neutralised_from", {**NEUTRALISED, "recorded_on": "2026-11-04"},
     "2026-11-02", "2026-11-03", "neutralised_from", _after("Hervat op", "Repris le", "02/11/2026")),
    ("record_neutralisation", _obligations, "neutralised_until", {**NEUTRALISED, "recorded_on": "2026-11-04"},
     "2026-11-03", "2026-12-28", "neutralised_until", _after("Geneutraliseerd vanaf", "Neutralisé à partir du",
                                                            "03/11/2026")),
]


@pytest.mark.parametrize(("task", "setup", "field", "other", "impossible", "possible", "shown", "expected"), RULES,
                         ids=[f"{r[0]}-{r[2]}" for r in RULES])
def test_an_impossible_date_of_a_newer_procedure_is_refused_at_its_field_in_nl_and_fr(
        client, auth, law, clock, task, setup, field, other, impossible, possible, shown, expected):
    refused_then_recorded(client, auth, law, setup(law, clock), task, field, other, (impossible, possible), shown,
                          dict(zip(("nl", "fr"), expected, strict=True)))


START_ROUTES = [  # role, route, start-form field
    ("advisory_physician", "advisory_physician_referral", "referred_on"),
    ("rtw_coordinator", "request", "requested_on"),
    ("regional_counsellor", "invalidity", "asked_on"),
    ("occupational_physician", "occupational_physician_referral", "referred_on"),
]


@pytest.mark.parametrize(("role", "route", "field"), START_ROUTES, ids=[r[1] for r in START_ROUTES])
def test_a_coordinator_track_dated_before_the_incapacity_is_refused_at_its_start_field_in_nl_and_fr(
        client, auth, law, clock, role, route, field):
    """Step 3.3: every route opens from the first day of incapacity, not before; nothing starts."""
    clock.set(at(2026, 12, 21))
    case = law.open_case(reference="TNW-1", employee="An", employer="Acme NV", with_follow_up=False,
                         first_day_of_incapacity=date(2025, 6, 1), actor="hr1", parties=dict(LAW_PARTIES))
    auth.login_as(role, organisations=("Acme NV", "Mensura", "CM", "VDAB"))
    for language, message in (("nl", "Mag niet vóór “Eerste dag van ongeschiktheid” (01/06/2025) liggen."),
                              ("fr", "Ne peut pas précéder « Premier jour d'incapacité » (01/06/2025).")):
        _speak(client, language)
        response = client.post(f"/cases/{case.id}/procedures", data={
            "process_id": "rtw_coordination", "route": route, field: "2025-05-31",
            "csrf_token": csrf_token(client, f"/cases/{case.id}")})
        assert response.status_code == 422
        assert message in _error_at(response.get_data(as_text=True), f"rtw_coordination-{route}-{field}")
    assert "rtw_coordination" not in [i.process_id for i in law.instances(case.id)]


def test_every_date_rule_of_the_shipped_forms_has_a_test_in_nl_and_fr():
    """A new x-after / x-not-before on a shipped form needs its row here or in test_date_rules.py."""
    from tests.webui import test_date_rules
    tested = {(r[0], r[2].split("-")[-1]) for r in test_date_rules.RULES} | {(r[0], r[2]) for r in RULES}
    tested_fields = {f for _, f in tested} | {r[2] for r in START_ROUTES}
    assert sorted(set(_ruled_fields()) - tested_fields) == []


def _ruled_fields() -> list[str]:
    fields = []
    for path in sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.json")):
        schema = json.loads(path.read_text())
        for name, spec in _date_fields(schema):
            if any(k in spec for k in ("x-after", "x-not-before")):
                fields.append(name)
    return fields


def _date_fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, spec in schema.get("properties", {}).items():
        found.append((name, spec))
        found.extend(_date_fields(spec.get("items", {})))
    return found

