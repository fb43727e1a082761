"""T20 (2026, art. I.4-71/2): the HR department's inbox shows a missed contact with the absent worker as overdue,
with its term and its rule, in the reader's language."""

from __future__ import annotations

import html
from datetime import date

import engine
from tests.scenarios.conftest import at
from tests.webui.conftest import open_law_case


def _acme_contacts_every_14_days(law: engine.Engine) -> None:
    root = law.create_user(username="root", password="correct horse battery", display_name="Root", roles=["admin"],
                           actor="test")
    acme = law.administration.add_organisation(root.id, name="Acme NV", kind="employer")
    law.administration.set_employer_policy(root.id, acme.id, headcount=80, contact_every_days=14)


def test_T20_the_hr_inbox_shows_the_missed_contact_overdue_with_its_term_in_dutch_and_english(client, auth, law, clock):
    clock.set(at(2026, 10, 6))
    _acme_contacts_every_14_days(law)
    case = open_law_case(law, "KC-W", first_day=date(2026, 10, 5))
    clock.set(at(2026, 10, 22))
    law.fire_due_timers()
    auth.login_as("employer", username="hr1")
    inbox = html.unescape(client.get("/").get_data(as_text=True))
    row = next(r for r in inbox.split("<tr") if "Record a contact" in r)
    assert 'class="overdue"' in row and "KC-W" in row
    assert "19/10/2026" in row and "Overdue:" in row and "3 calendar days late" in row and 'href="/law#T20"' in row
    client.get("/?lang=nl")
    inbox = html.unescape(client.get("/").get_data(as_text=True))
    row = next(r for r in inbox.split("<tr") if "Een contact registreren" in r)
    assert 'class="overdue"' in row and "Termijn verstreken:" in row and "3 kalenderdagen te laat" in row
    assert "19/10/2026" in row and 'href="/law#T20"' in row
    overdue = html.unescape(client.get("/?urgency=overdue").get_data(as_text=True))
    assert "Een contact registreren" in overdue
    page = html.unescape(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Contact houden met de afwezige werknemer" in page


def test_T20_the_missed_contact_counts_on_the_deadline_dashboard_and_its_drilldown(client, auth, law, clock):
    clock.set(at(2026, 10, 6))
    _acme_contacts_every_14_days(law)
    open_law_case(law, "KC-D", first_day=date(2026, 10, 5))
    clock.set(at(2026, 10, 22))
    law.fire_due_timers()
    auth.login_as("compliance_officer", organisations=("Acme NV",))
    board = html.unescape(client.get("/compliance/dashboard").get_data(as_text=True))
    assert "T20" in board and "I.4-71/2" in board
    assert "/compliance/dashboard/drilldown?rule=T20&outcome=missed" in board
    late = client.get("/compliance/dashboard/drilldown?rule=T20&outcome=missed").get_data(as_text=True)
    assert "KC-D" in late and "3 days late" in late
