"""The compliance trace page: one instance on its own version, its timeline and verdicts, and chain checks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import engine
from tests.scenarios.test_pre_return_visit import VISIT, do, requested_before_christmas
from tests.webui.conftest import csrf_token

SECRET = "Herniated disc L4, SECRET-FINDING-5521"


def late_visit(law: engine.Engine, clock: engine.SettableClock) -> engine.InstanceView:
    """A pre-return visit held on 13 January, five days after T15 (8 January), with medical findings."""
    case, instance = requested_before_christmas(law, clock)
    clock.set(datetime(2027, 1, 13, 9, tzinfo=timezone.utc))
    law.fire_due_timers()
    do(law, case.id, "hold_visit", {**VISIT, "held_on": "2027-01-13", "medical_findings": SECRET})
    return instance


@pytest.mark.parametrize("role", ["compliance_officer", "admin"])
def test_overseers_see_the_timeline_and_the_verdicts_without_medical_values(client, auth, law, clock, role):
    instance = late_visit(law, clock)
    auth.login_as(role)
    response = client.get(f"/compliance/instances/{instance.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Trace of case PRV-1" in html and "Timeline" in html
    assert "missed by 5 days" in html
    assert "field Medical findings (health file only) recorded by oa1: its value is withheld from you" in html
    assert SECRET not in html
    assert 'id="trace-data"' in html and "Hold the pre-return visit" in html


def test_an_officer_of_another_employer_gets_404(client, auth, law, clock):
    instance = late_visit(law, clock)
    auth.login_as("compliance_officer", organisations=("Other NV",))
    assert client.get(f"/compliance/instances/{instance.id}").status_code == 404


@pytest.mark.parametrize("role", ["employer", "process_owner", "occupational_physician"])
def test_other_roles_get_403(client, auth, law, clock, role):
    instance = late_visit(law, clock)
    auth.login_as(role)
    assert client.get(f"/compliance/instances/{instance.id}").status_code == 403


def test_a_check_of_the_case_is_shown_and_recorded(client, auth, law, clock):
    instance = late_visit(law, clock)
    auth.login_as("compliance_officer")
    page = f"/compliance/instances/{instance.id}"
    form = {"scope": "case", "ident": str(law.instance(instance.id).case_id), "back": str(instance.id),
            "csrf_token": csrf_token(client, page)}
    response = client.post("/compliance/verify", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The audit trail is intact" in html and "recorded in the compliance audit trail" in html
    [check] = law.audit_trail("compliance")
    assert check.after["scope"] == "case" and check.after["intact"] is True


def test_a_check_without_csrf_token_is_refused(client, auth, law, clock):
    instance = late_visit(law, clock)
    auth.login_as("admin")
    response = client.post("/compliance/verify", data={"scope": "all", "ident": "", "back": str(instance.id)})
    assert response.status_code == 400
    assert law.audit_trail("compliance") == []


def test_the_whole_database_check_is_for_overseers_of_every_employer(client, auth, law, clock):
    instance = late_visit(law, clock)
    auth.login_as("compliance_officer", organisations=("Acme NV",))
    page = f"/compliance/instances/{instance.id}"
    form = {"scope": "all", "ident": "", "back": str(instance.id), "csrf_token": csrf_token(client, page)}
    assert client.post("/compliance/verify", data=form).status_code == 403
