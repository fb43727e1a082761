"""Demo data for `make run`: cases of Acme NV at different stages, played through the engine."""

from __future__ import annotations

from datetime import date, timedelta

import engine

EMPLOYER = "Acme NV"
MEDICAL_NOTE = "Recovering from a burn-out; therapy twice a week."
"""The demo's one medical value: only medical roles ever see it."""
ORGANISATIONS = {"prevention_service": "Mensura", "sickness_fund": "CM", "regional_service": "VDAB",
                 "inspectorate": "TWW"}
"""The organisations every demo case names; the demo accounts work for them (``webui.cli``)."""
CONTACT_CASE, CONTACT_EVERY_DAYS = "DEMO-8", 14
"""The case of the 2026 contact procedure (T20), and the cadence Acme NV's work regulations set (``webui.cli``)."""
WORKER_CASE = "DEMO-4"
"""The one case whose worker is the demo ``employee`` account and whose physician is ``treating_physician``."""


def parties(reference: str) -> dict[str, str]:
    """A demo case's parties: its organisations, its worker's account and the physician the worker named.

    Only ``WORKER_CASE`` names the demo accounts; the other workers and physicians have no demo account.
    """
    number = reference.rsplit("-", 1)[-1]
    own = reference == WORKER_CASE
    return {**ORGANISATIONS, "employee_account": "employee" if own else f"worker-{number}",
            "treating_physician_account": "treating_physician" if own else f"physician-{number}"}


def seed(eng: engine.Engine) -> list[str]:
    """Create the demo cases once (a second run changes nothing); return their references."""
    today = eng.today()
    stages = [("DEMO-1", _awaiting_assessment), ("DEMO-2", _plan_to_sign), ("DEMO-3", _force_majeure),
              ("DEMO-4", _coordinator_track), ("DEMO-5", _missed_visit), ("DEMO-6", _decision_c),
              ("DEMO-7", _progressive_resumption)]
    made = []
    for reference, play in stages:
        try:
            case = eng.open_case(reference=reference, employee=f"Employee {reference[-1]}", employer=EMPLOYER,
                                 first_day_of_incapacity=today - timedelta(days=200), parties=parties(reference),
                                 actor="demo", with_follow_up=False)
        except engine.Conflict:
            continue
        play(eng, case.id, today)
        made.append(reference)
    return made + _contact_case(eng, today)


def _do(eng: engine.Engine, case_id: int, task: str, data: dict) -> None:
    item = next(i for i in eng.work_items(case_id=case_id) if i.task == task)
    eng.complete(item.id, data, actor="demo")


def _iso(day: date) -> str:
    return day.isoformat()


def _examined(eng: engine.Engine, case_id: int, today: date) -> None:
    eng.start(case_id, "formal_reintegration", {}, role="employee", actor="demo")
    _do(eng, case_id, "record_request", {"request_received_on": _iso(today - timedelta(days=20)),
                                         "requested_by": "employee"})
    _do(eng, case_id, "send_invitation", {"invited_on": _iso(today - timedelta(days=19)),
                                          "appointment_on": _iso(today - timedelta(days=12))})
    _do(eng, case_id, "record_attendance", {"attended": True})


def _awaiting_assessment(eng: engine.Engine, case_id: int, today: date) -> None:
    _examined(eng, case_id, today)


def _plan_to_sign(eng: engine.Engine, case_id: int, today: date) -> None:
    """A plan with half days during the incapacity, waiting for the worker's signature: once signed, progressive
    resumption starts with the request due the working day before the first half day (T28)."""
    _examined(eng, case_id, today)
    decided = _iso(today - timedelta(days=10))
    _do(eng, case_id, "assess", {"decision": "A", "decided_on": decided, "conditions": "Mornings only, no lifting.",
                                 "medical_justification": MEDICAL_NOTE, "employer_received_on": decided,
                                 "employee_received_on": decided})
    delivered = _iso(today - timedelta(days=3))
    consulted = _iso(today - timedelta(days=5))
    _do(eng, case_id, "draft", {"kind": "plan", "delivered_on": delivered, "consulted_on": consulted,
                                "adapted_or_other_work": "Half days at the front desk for three months.",
                                "measures": [{"measure": "Half days at the front desk", "starts_on": delivered}],
                                "valid_from": delivered, "valid_until": _iso(today + timedelta(days=90)),
                                "part_time_during_incapacity": True,
                                "planned_first_day": _iso(today + timedelta(days=14))})


def _decision_c(eng: engine.Engine, case_id: int, today: date) -> None:
    """A trajectory that ended: no assessment possible now (decision C), so the cockpit has an ended one."""
    _examined(eng, case_id, today)
    decided = _iso(today - timedelta(days=8))
    _do(eng, case_id, "assess", {"decision": "C", "decided_on": decided, "medical_justification": "Too early.",
                                 "employer_received_on": decided, "employee_received_on": decided})


def _force_majeure(eng: engine.Engine, case_id: int, today: date) -> None:
    eng.start(case_id, "medical_force_majeure", {}, actor="demo")
    _do(eng, case_id, "record_notification", {"notified_on": _iso(today - timedelta(days=4)),
                                              "notified_by": "employer", "mandatory_content_included": True,
                                              "adapted_work_requested": True})


def _coordinator_track(eng: engine.Engine, case_id: int, today: date) -> None:
    eng.start(case_id, "rtw_coordination", {"entry": "questionnaire"}, actor="demo")
    _do(eng, case_id, "send_questionnaire", {"sent_on": _iso(today - timedelta(days=5))})


def _missed_visit(eng: engine.Engine, case_id: int, today: date) -> None:
    eng.start(case_id, "pre_return_visit", {}, actor="demo")
    _do(eng, case_id, "record_request", {"request_received_on": _iso(today - timedelta(days=30)),
                                         "requested_by": "employee", "employee_objects_to_informing_employer": False})
    eng.fire_due_timers()


def _progressive_resumption(eng: engine.Engine, case_id: int, today: date) -> None:
    """Half-time work since five days ago, asked for in time (T28): the advisory physician's decision is due (T30)."""
    eng.start(case_id, "progressive_resumption", {}, actor="demo")
    _do(eng, case_id, "plan_resumption", {"planned_first_day": _iso(today - timedelta(days=5)),
                                          "regime": "fewer_hours_per_day", "work_fraction_percent": 50,
                                          "employer_agreed_on": _iso(today - timedelta(days=12))})
    _do(eng, case_id, "submit_request", {"requested_on": _iso(today - timedelta(days=10))})


def contact_policy(eng: engine.Engine, admin_id: int) -> None:
    """Acme NV's work regulations: a contact with an absent worker every ``CONTACT_EVERY_DAYS`` days (T20)."""
    acme = next(o for o in eng.administration.organisations(admin_id) if o.name == EMPLOYER)
    if acme.contact_every_days is None:
        eng.administration.set_employer_policy(admin_id, acme.id, headcount=acme.headcount,
                                               contact_every_days=CONTACT_EVERY_DAYS)


def _contact_case(eng: engine.Engine, today: date) -> list[str]:
    """Absent for 12 days, contacted by phone 5 days ago (T20): the next contact falls due at Acme NV's cadence
    from that call."""
    try:
        case = eng.open_case(reference=CONTACT_CASE, employee=f"Employee {CONTACT_CASE[-1]}", employer=EMPLOYER,
                             first_day_of_incapacity=today - timedelta(days=12), parties=parties(CONTACT_CASE),
                             actor="demo", with_follow_up=False)
    except engine.Conflict:
        return []
    eng.start(case.id, "contact_procedure", {}, role="employer", actor="demo")
    _do(eng, case.id, "record_contact", {"contacted_on": _iso(today - timedelta(days=5)), "means": "phone",
                                         "contacted_by": "Team lead", "worker_reached": True,
                                         "notes": "Wishes the team well; would like the newsletter."})
    return [CONTACT_CASE]
