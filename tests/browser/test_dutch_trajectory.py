"""A formal re-integration trajectory played in Dutch in a real browser, from the request to the accepted plan:
every page the worker, the occupational physician and the employer visit is in Dutch, with none of the English
words of the diagrams, the rules or the forms. The physician downloads the registered invitation and the worker the plan
to sign, as PDFs carrying the worker's name. Screenshots of each step are saved as artifacts."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pypdf
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, SignIn
from tests.browser.english_words import Reader, assert_no_english

NL = "nl"


def people(live: LiveServer) -> None:
    live.add_user("an.peeters", "An Peeters", "employee", language=NL)
    live.add_user("dr.janssens", "Dr Janssens", "occupational_physician", organisations=("Mensura",), language=NL)
    live.add_user("hr.acme", "Hilde (HR Acme)", "employer", organisations=("Acme NV",), language=NL)


def download_letter(page: Page, task: str, letter: str, *, draft: dict[str, str] | None = None) -> str:
    """Open ``task`` from the inbox, save ``draft`` as the person's draft (the letter is filled from it), download the
    Dutch ``letter`` it offers, and return the PDF's text."""
    page.goto("/")
    page.get_by_role("link", name=task, exact=True).click()
    if draft:
        for field, value in draft.items():
            page.locator(f'[name="{field}"]').fill(value)
        page.get_by_role("button", name="Als ontwerp bewaren").click()
    assert_no_english(page, NL)
    with page.expect_download() as started:
        page.get_by_role("button", name=f"{letter} in het Nederlands (PDF)", exact=True).click()
    content = Path(started.value.path()).read_bytes()
    assert content.startswith(b"%PDF-") and started.value.suggested_filename.endswith("_nl.pdf")
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def test_a_trajectory_in_dutch_shows_no_english_word_of_the_law(live_server: LiveServer, sign_in: SignIn,
                                                               screenshot) -> None:
    live, dutch = live_server, Reader(NL, screenshot)
    people(live)
    live.until(2027, 1, 4)
    case = live.eng.open_case(reference="RIT-2027-NL", employee="An Peeters", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 9, 1),
                              parties={"employee_account": "an.peeters", "prevention_service": "Mensura"},
                              actor="hr.acme", with_follow_up=False)

    employee = sign_in("an.peeters")
    expect(employee.get_by_text("Niets te doen.")).to_be_visible()
    dutch.visit(employee, f"/cases/{case.id}", "case-file-start")
    employee.locator('select[name="process_id"]').select_option("formal_reintegration")
    employee.get_by_role("button", name="Starten", exact=True).click()
    expect(employee).to_have_url(re.compile(rf"/cases/{case.id}$"))
    assert_no_english(employee, NL)

    physician = sign_in("dr.janssens")
    dutch.do(physician, "Het re-integratieverzoek registreren",
            {"request_received_on": "2027-01-04", "requested_by": "employee", "employer_informed_on": "2027-01-04",
             "advisory_physician_informed_on": "2027-01-04"}, "record-request")
    live.until(2027, 1, 5)
    invitation = {"invited_on": "2027-01-05", "appointment_on": "2027-01-12"}
    letter = download_letter(physician, "De aangetekende uitnodiging versturen",
                             "Aangetekende uitnodiging voor de re-integratiebeoordeling", draft=invitation)
    assert "An Peeters" in letter and "12/01/2027" in letter and "Aangetekende zending" in letter
    dutch.do(physician, "De aangetekende uitnodiging versturen", invitation, "invitation")
    live.until(2027, 1, 12)
    dutch.do(physician, "Registreren of de werknemer kwam", {"attended": "yes"}, "attendance")
    dutch.do(physician, "Beoordelen en beslissen: A, B of C",
            {"decision": "A", "decided_on": "2027-01-12", "conditions": "Halve dagen, niet tillen.",
             "medical_justification": "Herstel na rugoperatie verloopt zoals verwacht.",
             "employer_received_on": "2027-01-12", "employee_received_on": "2027-01-12"}, "assessment")

    live.until(2027, 2, 1)
    employer = sign_in("hr.acme")
    dutch.do(employer, "Een re-integratieplan of een gemotiveerd verslag bezorgen",
            {"consulted_on": "2027-01-29", "consulted": "An Peeters, Dr Janssens, Hilde (HR)", "kind": "plan",
             "delivered_on": "2027-02-01", "adapted_or_other_work": "Voormiddagen aan het onthaal, drie maanden.",
             "valid_from": "2027-02-15", "valid_until": "2027-05-15", "measures-0-measure": "Onthaal, voormiddagen"},
            "plan")

    plan = download_letter(employee, "Het plan ondertekenen of weigeren", "Re-integratieplan")
    assert "An Peeters" in plan and "Onthaal, voormiddagen" in plan and "14 kalenderdagen" in plan
    dutch.do(employee, "Het plan ondertekenen of weigeren", {"decision": "accept", "replied_on": "2027-02-01"},
            "plan-reply", confirm=True)

    dutch.visit(employer, "/", "employer-inbox")
    dutch.visit(employer, f"/cases/{case.id}", "case-file-end")
    deadlines = employer.locator("table").filter(has_text="T13")
    for due, rule in [("22/02/2027", "T08"), ("15/02/2027", "T13"), ("16/03/2027", "T12")]:
        expect(deadlines.get_by_role("row").filter(has_text=due)).to_contain_text(rule)
    expect(employer.locator("main")).to_contain_text("Maatregel: Onthaal, voormiddagen")  # a row by its labels
