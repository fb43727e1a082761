"""Issue 15, point 7, in a real browser: on a phone 390 px wide the occupational physician reads the inbox, fills a
task form and reads the case file without scrolling sideways; selects are as wide as the other inputs, and on a
desktop the inbox is still a table.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def expect_no_sideways_scrolling(page: Page) -> None:
    """The page is no wider than the window: nothing sticks out to the right."""
    widths = page.evaluate("({page: document.documentElement.scrollWidth, window: window.innerWidth})")
    assert widths["page"] <= widths["window"], f"{page.url}: {widths['page']} px wide, window {widths['window']} px"


def table_display(page: Page, name: str = "Tasks for my roles") -> str:
    """How a table is laid out: ``table`` on a desktop, ``block`` (stacked label/value cards) on a phone."""
    return page.get_by_role("table", name=name).evaluate("table => getComputedStyle(table).display")


def rendered_width(page: Page, label: str) -> float:
    box = page.get_by_label(label).bounding_box()
    assert box is not None, f"{label} is not rendered"
    return box["width"]


def test_the_inbox_a_task_form_and_the_case_file_fit_a_phone_and_the_inbox_stays_a_table_on_a_desktop(
        live_server: LiveServer, sign_in, screenshot) -> None:
    live = live_server
    live.add_user("an.peeters", "An Peeters", "employee")
    live.add_user("dr.janssens", "Dr Janssens", "occupational_physician", organisations=("Mensura",))
    live.until(2027, 1, 4)
    case = live.eng.open_case(reference="RIT-2027-ANTWERPEN-HAVENBEDRIJF-000000000001", employee="an.peeters",
                              employer="Havenbedrijf Antwerpen-Brugge NV", first_day_of_incapacity=date(2026, 9, 1),
                              parties={"employee_account": "an.peeters", "prevention_service": "Mensura"},
                              actor="test", with_follow_up=False)
    worker = sign_in("an.peeters")
    worker.goto(f"/cases/{case.id}")
    worker.get_by_label("Procedure", exact=True).select_option("formal_reintegration")
    worker.get_by_role("button", name="Start", exact=True).click()
    expect(worker).to_have_url(re.compile(rf"/cases/{case.id}$"))

    physician = sign_in("dr.janssens")
    physician.set_viewport_size(PHONE)
    physician.goto("/")
    task = physician.get_by_role("link", name="Record the re-integration request", exact=True)
    expect(task).to_be_visible()
    assert table_display(physician) == "block", "on a phone each task is a card"
    expect_no_sideways_scrolling(physician)
    screenshot(physician, "small-screen-inbox")

    task.click()
    expect(physician.get_by_role("heading", level=1)).to_have_text("Record the re-integration request")
    expect_no_sideways_scrolling(physician)
    date_width = rendered_width(physician, "Request received on")
    assert abs(rendered_width(physician, "Requested by") - date_width) <= 2
    assert date_width > PHONE["width"] / 2, "the inputs take the width of the phone"
    screenshot(physician, "small-screen-task-form")
    physician.get_by_label("Request received on").fill("2027-01-04")
    physician.get_by_label("Requested by").select_option("employee")
    physician.get_by_label("Employer informed on").fill("2027-01-04")
    physician.get_by_label("Advisory physician informed on").fill("2027-01-04")
    physician.get_by_role("button", name="Complete the task").click()
    expect(physician.get_by_role("status")).to_contain_text("Task completed: Record the re-integration request.")

    physician.goto(f"/cases/{case.id}")
    expect(physician.get_by_role("link", name="Send the registered invitation", exact=True)).to_be_visible()
    expect(physician.get_by_role("heading", name="Record the re-integration request")).to_be_visible()
    assert table_display(physician, "Open tasks of this case") == "block"
    expect_no_sideways_scrolling(physician)
    screenshot(physician, "small-screen-case-file")

    physician.set_viewport_size(DESKTOP)
    physician.goto("/")
    expect(physician.get_by_role("table", name="Tasks for my roles").locator("thead")).to_be_visible()
    expect(physician.get_by_role("columnheader", name="Legal basis")).to_be_visible()
    assert table_display(physician) == "table"
