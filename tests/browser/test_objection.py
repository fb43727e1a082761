"""Issue 14, point 2, in a real browser: the worker asks for a pre-return visit and objects to informing the
employer; the occupational physician records it and has it in the inbox and on the case page, the employer's HR
finds neither a task nor the visit on the case page.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LiveServer


def procedures(page: Page) -> Locator:
    """The list of procedures on a case file."""
    return page.get_by_role("heading", name="Procedures").locator("xpath=following-sibling::ul[1]")


def test_a_visit_the_worker_keeps_from_the_employer_is_the_physicians_and_not_the_employers(
        live_server: LiveServer, sign_in, screenshot) -> None:
    live = live_server
    live.add_user("an.peeters", "An Peeters", "employee")
    live.add_user("dr.janssens", "Dr Janssens", "occupational_physician", organisations=("Mensura",))
    live.add_user("hr.acme", "Hilde (HR Acme)", "employer", organisations=("Acme NV",))
    live.until(2026, 12, 21)
    case = live.eng.open_case(reference="PRV-2026-007", employee="An Peeters", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 10, 5), actor="hr.acme", with_follow_up=False,
                              parties={"employee_account": "an.peeters", "prevention_service": "Mensura"})

    worker = sign_in("an.peeters")
    worker.goto(f"/cases/{case.id}")
    worker.get_by_label("Procedure", exact=True).select_option("pre_return_visit")
    worker.get_by_role("button", name="Start", exact=True).click()
    expect(worker).to_have_url(re.compile(rf"/cases/{case.id}$"))
    expect(procedures(worker)).to_contain_text("Pre-return visit")

    physician = sign_in("dr.janssens")
    physician.get_by_role("link", name="Record the visit request", exact=True).click()
    physician.get_by_label("Request received on").fill("2026-12-21")
    physician.get_by_label("Requested by").select_option("employee")
    physician.get_by_role("group", name="The worker objects to informing the employer").get_by_label("Yes").check()
    physician.get_by_role("button", name="Complete the task").click()
    expect(physician.get_by_role("status")).to_contain_text("Task completed: Record the visit request.")
    physician.goto("/")
    expect(physician.get_by_role("link", name="Hold the pre-return visit", exact=True)).to_be_visible()
    physician.goto(f"/cases/{case.id}")
    expect(procedures(physician)).to_contain_text("Pre-return visit")

    employer = sign_in("hr.acme")
    expect(employer.get_by_text("Nothing to do.")).to_be_visible()
    employer.goto(f"/cases/{case.id}")
    expect(procedures(employer)).to_have_text("None yet.")
    expect(employer.locator("main")).not_to_contain_text("Hold the pre-return visit")
    expect(employer.locator("main")).not_to_contain_text("T15")
    expect(employer.locator("main")).not_to_contain_text("Record the visit request")
    screenshot(employer, "objection-employer-case-file")
