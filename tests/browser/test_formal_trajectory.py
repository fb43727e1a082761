"""The formal re-integration trajectory in a real browser: the employee, the occupational physician and the
employer each sign in, find their task in their inbox and fill its form, from the request to the accepted plan.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect

import engine
from tests.browser.conftest import LiveServer


def open_case(live: LiveServer) -> engine.CaseView:
    """An Peeters of Acme NV, ill since 1 September 2026; Mensura is the prevention service of the employer."""
    live.add_user("an.peeters", "An Peeters", "employee")
    live.add_user("dr.janssens", "Dr Janssens", "occupational_physician", organisations=("Mensura",))
    live.add_user("hr.acme", "Hilde (HR Acme)", "employer", organisations=("Acme NV",))
    live.until(2027, 1, 4)
    return live.eng.open_case(reference="RIT-2027-001", employee="an.peeters", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 9, 1),
                              parties={"employee_account": "an.peeters", "prevention_service": "Mensura"},
                              actor="hr.acme", with_follow_up=False)


def start_from_the_case_file(page: Page, case: engine.CaseView) -> None:
    """The employee asks for a trajectory on the case file (form "Procedure" + "Start", POST /cases/<id>/procedures)."""
    page.goto(f"/cases/{case.id}")
    page.get_by_label("Procedure", exact=True).select_option("formal_reintegration")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.id}$"))


def task_row(page: Page, task: str) -> Locator:
    """The inbox row whose task link reads ``task``."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=task, exact=True))


def trajectory_entry(page: Page) -> Locator:
    """The trajectory in the list of procedures on a case file."""
    procedures = page.get_by_role("heading", name="Procedures").locator("xpath=following-sibling::ul[1]")
    return procedures.get_by_role("listitem").filter(
        has_text=re.compile("Formal re-integration trajectory|formal_reintegration"))


def expect_row(row: Locator, *texts: str) -> None:
    for text in texts:
        expect(row).to_contain_text(text)


def open_task(page: Page, task: str) -> None:
    page.goto("/")
    page.get_by_role("link", name=task, exact=True).click()


def complete(page: Page, task: str) -> None:
    page.get_by_role("button", name="Complete the task").click()
    expect(page.get_by_role("status")).to_contain_text(f"Task completed: {task}.")


def test_the_employee_physician_and_employer_take_a_trajectory_from_the_request_to_an_accepted_plan(
        live_server, sign_in, screenshot):
    live = live_server
    case = open_case(live)

    employee = sign_in("an.peeters")
    expect(employee.get_by_text("Nothing to do.")).to_be_visible()
    start_from_the_case_file(employee, case)
    expect_row(trajectory_entry(employee), "running", "started 04/01/2027")

    # The occupational physician records the request, and first types a receipt date that has not come yet.
    physician = sign_in("dr.janssens")
    expect(task_row(physician, "Record the re-integration request")).to_contain_text(
        re.compile("occupational[ _]physician", re.IGNORECASE))
    physician.get_by_role("link", name="Record the re-integration request").click()
    expect(physician.get_by_role("heading", name="Record the re-integration request")).to_be_visible()
    physician.get_by_label("Request received on").fill("2027-01-11")
    physician.get_by_label("Requested by").select_option("employee")
    physician.get_by_label("Employer informed on").fill("2027-01-04")
    physician.get_by_label("Advisory physician informed on").fill("2027-01-04")
    physician.get_by_role("button", name="Complete the task").click()

    expect(physician.get_by_role("alert")).to_have_text("Please correct the fields marked below.")
    received_on = physician.get_by_label("Request received on")
    expect(received_on).to_have_accessible_description(re.compile(r"Must not be after today \(04/01/2027\)"))
    expect(physician.locator(".field").filter(has=received_on)).to_contain_text("Must not be after today")
    expect(received_on).to_have_value("2027-01-11")
    expect(physician.get_by_label("Requested by")).to_have_value("employee")
    expect(physician.get_by_label("Employer informed on")).to_have_value("2027-01-04")
    expect(physician.get_by_label("Advisory physician informed on")).to_have_value("2027-01-04")
    screenshot(physician, "task-form")
    received_on.fill("2027-01-04")
    complete(physician, "Record the re-integration request")

    live.until(2027, 1, 5)
    open_task(physician, "Send the registered invitation")
    physician.get_by_label("Registered letter sent on").fill("2027-01-05")
    physician.get_by_label("Date of the appointment").fill("2027-01-12")
    complete(physician, "Send the registered invitation")

    live.until(2027, 1, 12)
    open_task(physician, "Record whether the worker came")
    physician.get_by_role("group", name="The worker came").get_by_label("Yes").check()
    complete(physician, "Record whether the worker came")

    # Decision A within the 49 days of T08.
    physician.goto("/")
    expect_row(task_row(physician, "Assess and decide A, B or C"), "22/02/2027", "41 calendar days left", "T08")
    screenshot(physician, "inbox")
    physician.get_by_role("link", name="Assess and decide A, B or C").click()
    physician.get_by_label("Decision").select_option("A")
    physician.get_by_label("Decided on").fill("2027-01-12")
    physician.get_by_label("Conditions and modalities of adapted or other work").fill("Half days, no lifting.")
    physician.get_by_label("Medical justification").fill("Back surgery healing as expected.")
    physician.get_by_label("Employer received the assessment form on").fill("2027-01-12")
    physician.get_by_label("Worker received the assessment form on").fill("2027-01-12")
    complete(physician, "Assess and decide A, B or C")
    physician.goto("/")
    expect(physician.get_by_text("Nothing to do.")).to_be_visible()

    # The employer delivers a plan within the 63 days of T12.
    live.until(2027, 2, 1)
    employer = sign_in("hr.acme")
    expect_row(task_row(employer, "Deliver a re-integration plan or a motivated report"), "16/03/2027",
               "43 calendar days left", "T12")
    employer.get_by_role("link", name="Deliver a re-integration plan or a motivated report").click()
    employer.get_by_label("Consultation held on").fill("2027-01-29")
    employer.get_by_label("Who took part").fill("An Peeters, Dr Janssens, Hilde (HR)")
    employer.get_by_label("What you deliver").select_option("plan")
    employer.get_by_label("Delivered to the worker on").fill("2027-02-01")
    employer.get_by_label("Adapted or other work").fill("Mornings only at the front desk for three months.")
    employer.get_by_label("Plan valid from").fill("2027-02-15")
    employer.get_by_label("Plan valid until").fill("2027-05-15")
    employer.locator('[name="measures-0-measure"]').fill("Front desk, mornings only")
    complete(employer, "Deliver a re-integration plan or a motivated report")

    # The worker has 14 days (T13) to sign it, and signs.
    employee.goto("/")
    expect_row(task_row(employee, "Sign or refuse the plan"), "15/02/2027", "14 calendar days left", "T13")
    employee.get_by_role("link", name="Sign or refuse the plan").click()
    # The plan itself, in full, above the choice; an answer that cannot be undone is confirmed first.
    decided_on = employee.get_by_role("region", name="What you decide on")
    expect(decided_on).to_contain_text("Mornings only at the front desk for three months.")
    expect(decided_on).to_contain_text("Front desk, mornings only")
    employee.get_by_label("Your decision").select_option("accept")
    employee.get_by_label("Signed or refused on").fill("2027-02-01")
    employee.get_by_role("button", name="Complete the task").click()
    expect(employee.locator("#confirmed-error")).to_have_text("Confirm your answer: it cannot be undone.")
    expect(employee.get_by_label("Your decision")).to_have_value("accept")
    employee.get_by_label("I have read what I decide on and I confirm my answer.").check()
    complete(employee, "Sign or refuse the plan")
    employee.goto("/")
    expect(employee.get_by_text("Nothing to do.")).to_be_visible()

    # The accepted plan is now the employer's to carry out; the case file shows every term kept.
    employer.goto("/")
    plan_row = task_row(employer, "Carry out and follow up the plan")
    expect(plan_row).to_be_visible()
    plan_row.get_by_role("link", name=re.compile(rf"^({case.reference}|{case.id})$")).click()
    expect(employer.get_by_role("heading", name="Case RIT-2027-001")).to_be_visible()
    expect_row(trajectory_entry(employer), "running", "started 04/01/2027")
    deadlines = employer.get_by_role("heading", name="Legal deadlines").locator("xpath=following-sibling::table[1]")
    for due, rule in [("22/02/2027", "T08"), ("15/02/2027", "T13"), ("16/03/2027", "T12")]:
        expect_row(deadlines.get_by_role("row").filter(has_text=due), rule, "met")
    screenshot(employer, "case-file")
