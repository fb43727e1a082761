"""Tracing an instance in a real browser: its own version drawn by bpmn-js, completed elements and the current
task marked, the timeline beside it. No JavaScript error in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer, SignIn
from tests.scenarios.conftest import at
from tests.scenarios.test_pre_return_visit import VISIT, do, open_case, requested_before_christmas

OFFICER = "olga.officer"


def test_a_traced_instance_shows_what_was_done_and_what_is_current_on_its_diagram(
        live_server: LiveServer, sign_in: SignIn, screenshot: Callable[[Page, str], object]) -> None:
    _, instance = requested_before_christmas(live_server.eng, live_server.clock)
    live_server.until(2027, 1, 11)
    live_server.add_user(OFFICER, "Olga Officer", "compliance_officer")

    page = sign_in(OFFICER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.goto(f"/compliance/instances/{instance.id}")

    expect(page.locator("#trace-canvas")).to_have_attribute("data-drawn", "pre_return_visit.bpmn")
    expect(page.locator('#trace-canvas [data-element-id="record_request"]')).to_have_class(
        re.compile(r"\btrace-completed\b"))
    expect(page.locator('#trace-canvas [data-element-id="hold_visit"]')).to_have_class(
        re.compile(r"\btrace-current\b"))
    expect(page.locator('#trace-canvas [data-element-id="f2"]')).to_have_class(re.compile(r"\btrace-flow\b"))
    expect(page.get_by_text("Current (blue outline)")).to_be_visible()
    expect(page.locator("#trace-current")).to_contain_text("Hold the pre-return visit")
    expect(page.locator("#trace-deadlines")).to_contain_text("missed by 3 days")
    screenshot(page, "trace")
    assert errors == []


def test_the_deadline_dashboard_shows_each_rule_with_its_margins(
        live_server: LiveServer, sign_in: SignIn, screenshot: Callable[[Page, str], object]) -> None:
    requested_before_christmas(live_server.eng, live_server.clock)
    live_server.until(2027, 1, 11)
    live_server.add_user(OFFICER, "Olga Officer", "compliance_officer")
    page = sign_in(OFFICER)
    page.goto("/compliance/dashboard?period_from=2027-01-01&period_to=2027-12-31")
    expect(page.locator("main")).to_contain_text("T15")
    screenshot(page, "dashboard")


def test_an_officer_finds_an_ended_instance_by_its_end_and_traces_it_to_that_end(
        live_server: LiveServer, sign_in: SignIn, screenshot: Callable[[Page, str], object]) -> None:
    case, instance = requested_before_christmas(live_server.eng, live_server.clock)
    other = open_case(live_server.eng, "PRV-2")
    live_server.eng.start(other.id, "pre_return_visit", {}, actor="oa1")
    live_server.clock.set(at(2027, 1, 8))
    do(live_server.eng, case.id, "hold_visit", VISIT)
    do(live_server.eng, case.id, "answer_recommendations", {"answered_on": "2027-01-08", "adaptations_agreed": True,
                                                            "answer": "Desk ordered."}, actor="hr1")
    live_server.add_user(OFFICER, "Olga Officer", "compliance_officer")

    page = sign_in(OFFICER)
    page.goto("/compliance/instances")
    expect(page.locator("tbody")).to_contain_text("PRV-2")
    page.get_by_label("Ended with").select_option(label="Employer answered (1)")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 instance found.")
    expect(page.locator("tbody")).to_contain_text("Employer answered")
    expect(page.locator("tbody")).not_to_contain_text("PRV-2")
    screenshot(page, "instances")
    page.get_by_role("link", name=f"#{instance.id}").click()
    expect(page.locator("main")).to_contain_text("Ended with")
    expect(page.locator('#trace-canvas [data-element-id="end_answered"]')).to_have_class(
        re.compile(r"\btrace-completed\b"))
