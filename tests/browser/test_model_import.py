"""A process owner brings in a diagram drawn in Camunda Modeler: imports it on the processes page, lands in the
modeler with every problem listed and marked on the diagram, fixes them in the properties panel, has a second
process owner approve the saved revision on its review page (four eyes), and deploys it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, SignIn
from tests.browser.test_modeler import OwnerPage, choose_element, save, shape
from tests.browser.test_modeler import owner_page as owner_page  # the fixture, shared
from tests.conftest import FIXTURES

CAMUNDA = FIXTURES / "foreign" / "camunda8_workplace_visit.bpmn"
REVIEWER = "rita.reviewer"


def import_diagram(page: Page) -> int:
    page.goto("/models")
    page.get_by_label("BPMN file or zip").set_input_files(str(CAMUNDA))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/models/drafts/\d+\?imported=1$"))
    return int(page.url.split("?")[0].rsplit("/", 1)[1])


def fix_in_the_panel(page: Page) -> None:
    """The fixes the problems ask for: a role for the lane, a form and the reason it has no term for the task,
    a deadline rule for the timer."""
    choose_element(page, "Lane_prevention").get_by_label("Role of this lane").select_option("employer")
    task = choose_element(page, "plan_visit")
    task.get_by_label("Form", exact=True).select_option("pre_return_visit_request.json")
    task.get_by_label("What bounds this task").select_option("reason")
    reason = task.get_by_label("Why the law sets no term")
    reason.fill("Planning a workplace visit is agreed between the parties; no article sets it a term.")
    reason.press("Tab")
    timer = choose_element(page, "wait_two_days")
    timer.get_by_label("Deadline rule").select_option("T15")
    start = timer.get_by_label("Counted from (date variable)")
    start.fill("request_received_on")
    start.press("Tab")
    expect(timer.locator("#prop-expression")).to_have_text('deadline("T15", request_received_on)')


def test_an_imported_camunda_diagram_is_fixed_in_the_modeler_approved_by_a_second_owner_and_deployed(
        live_server: LiveServer, owner_page: OwnerPage, sign_in: SignIn) -> None:
    live_server.add_user(REVIEWER, "Rita Reviewer", "process_owner")
    page = owner_page(refused=(403,))
    draft_id = import_diagram(page)

    problems = page.locator("#problems")
    expect(problems).to_contain_text("Imported. Fix these problems before deploying")
    for element_id in ("plan_visit", "wait_two_days"):
        expect(problems.get_by_role("button", name=element_id).first).to_be_visible()
        expect(shape(page, element_id)).to_have_class(re.compile(r"\bproblem\b"))

    fix_in_the_panel(page)
    save(page)
    page.get_by_role("button", name="Validate").click()
    expect(problems).to_have_text("No problems.")
    expect(shape(page, "plan_visit")).not_to_have_class(re.compile(r"\bproblem\b"))

    # Deploying alone is refused: the draft needs a second owner's approval.
    page.get_by_label("Why this version exists").fill("Brought in from Camunda Modeler and fitted to the law.")
    page.get_by_label("I confirm: from now on new cases start on this version.", exact=False).check()
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page.get_by_text("needs a second process owner's approval")).to_be_visible()
    assert live_server.eng.versions("workplace_visit") == []

    reviewer = sign_in(REVIEWER)
    reviewer.goto(f"/models/drafts/{draft_id}/review")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("workplace_visit")
    revision = live_server.eng.draft(draft_id).revision
    reviewer.get_by_label("Comment on your review (optional)").fill("Lane, form and T15 checked.")
    reviewer.get_by_role("button", name=f"Approve revision {revision}").click()
    expect(reviewer.get_by_role("status").filter(has_text="is approved")).to_be_visible()

    page.goto(f"/models/drafts/{draft_id}")
    page.get_by_label("Why this version exists").fill("Brought in from Camunda Modeler and fitted to the law.")
    page.get_by_label("I confirm: from now on new cases start on this version.", exact=False).check()
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/models$"))
    expect(page.get_by_role("status").filter(has_text="Deployed")).to_contain_text("workplace_visit version 1")

    [version] = live_server.eng.versions("workplace_visit")
    files = live_server.eng.version_files(version.version.id)
    deployed = files[CAMUNDA.name]
    assert 'zeebe:formDefinition formKey="camunda-forms:bpmn:plan-visit"' in deployed
    assert 'deadline("T15", request_received_on)' in deployed
    deployed_event = live_server.eng.audit_trail("repository")[-1]
    assert (deployed_event.action, deployed_event.after["approved_by"]) == ("deployed", REVIEWER)
