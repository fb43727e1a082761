"""The process owner's diagram editor in a real browser: a draft of the pre-return visit is edited in bpmn-js
through our properties panel, saved, validated and deployed, and the next case runs on the new version.
Every test fails on a JavaScript error in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from tests.browser.conftest import LiveServer, SignIn
from tests.conftest import approve

FILE = "pre_return_visit.bpmn"
OWNER = "paula.owner"
NEW_NAME = "Hold the visit and advise"
REQUEST = {"request_received_on": "2026-12-23", "requested_by": "employee",
           "employee_objects_to_informing_employer": False, "employer_informed_on": "2026-12-23"}

Screenshot = Callable[[Page, str], object]


OwnerPage = Callable[..., Page]


@pytest.fixture
def owner_page(live_server: LiveServer, sign_in: SignIn) -> Iterator[OwnerPage]:
    """``owner_page(refused=(409,))``: a process owner signed in, on a page whose JavaScript errors fail the test.

    Chromium logs each HTTP refusal as a console error; ``refused`` names those the test expects.
    """
    live_server.add_user(OWNER, "Paula Owner", "process_owner")
    pages: list[tuple[Page, list[str]]] = []

    def signed_in(refused: tuple[int, ...] = ()) -> Page:
        page = sign_in(OWNER)
        errors: list[str] = []
        expected = [f"the server responded with a status of {status} " for status in refused]

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not any(text in message.text for text in expected):
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages.append((page, errors))
        return page

    yield signed_in
    for page, errors in pages:
        assert errors == [], f"JavaScript errors on {page.url}"


def new_draft(page: Page, process_id: str) -> int:
    """Press "New draft" on the process's row of /models; the modeler opens on the draft."""
    page.goto("/models")
    page.locator("section").filter(has=page.locator(f"#p-{process_id}")).get_by_role("button", name="New draft").click()
    expect(page).to_have_url(re.compile(r"/models/drafts/\d+$"))
    expect(page.get_by_role("heading", name=f"Draft of {process_id}")).to_be_visible()
    expect(shape(page, "start")).to_be_visible()
    return int(page.url.rsplit("/", 1)[1])


def shape(page: Page, element_id: str) -> Locator:
    return page.locator(f'#modeler-canvas [data-element-id="{element_id}"]')


def panel(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Properties")


def select_shape(page: Page, element_id: str) -> Locator:
    """Click the shape near its left edge: in pre_return_visit the flow from the timer crosses the middle of both."""
    target = shape(page, element_id)
    box = target.bounding_box()
    assert box is not None
    target.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.4})
    expect(panel(page).get_by_label("Id")).to_have_value(element_id)
    return panel(page)


def choose_element(page: Page, element_id: str) -> Locator:
    """Select an element without the mouse: the panel's list of the diagram's elements."""
    panel(page).get_by_label("Element", exact=True).select_option(element_id)
    expect(panel(page).get_by_label("Id")).to_have_value(element_id)
    return panel(page)


def rename(page: Page, element_id: str, name: str, *, by_keyboard: bool = False) -> None:
    properties = choose_element(page, element_id) if by_keyboard else select_shape(page, element_id)
    field = properties.get_by_label("Name", exact=True)
    field.fill(name)
    field.press("Tab")
    expect(page.get_by_text("Unsaved changes", exact=True)).to_be_visible()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#modeler-status")).to_have_text("Saved.")
    expect(page.get_by_text("Unsaved changes", exact=True)).to_be_hidden()


def test_a_process_owner_edits_validates_and_deploys_a_draft_and_new_cases_run_on_it(
        live_server: LiveServer, owner_page: OwnerPage, screenshot: Screenshot) -> None:
    live = live_server
    page = owner_page()
    draft_id = new_draft(page, "pre_return_visit")
    revision = int(page.locator("#draft-revision").inner_text())

    rename(page, "hold_visit", NEW_NAME)
    expect(panel(page).get_by_label("Form")).to_have_value("pre_return_visit_report.json")

    # The T15 timer on the visit: its rule becomes T16 (also 10 working days), counted from the same date.
    properties = select_shape(page, "visit_overdue")
    rule = properties.get_by_label("Deadline rule")
    expect(rule).to_have_value("T15")
    expect(rule.locator("option[value='T15']")).to_have_text(
        "T15 — Pre-return visit held — Occupational physician — 10 working days from the day after — art. I.4-36")
    expect(properties.get_by_label("Counted from (date variable)")).to_have_value("request_received_on")
    rule.select_option("T16")
    expect(properties.locator("#prop-expression")).to_have_text('deadline("T16", request_received_on)')
    screenshot(page, "modeler")

    save(page)
    expect(page.locator("#draft-revision")).to_have_text(str(revision + 1))
    expect(page.locator("#draft-updated-by")).to_have_text(OWNER)
    saved = live.eng.draft(draft_id).files[FILE]
    assert re.search(rf'<bpmn:userTask id="hold_visit"[^>]* name="{NEW_NAME}"[ >]', saved)
    assert '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">deadline("T16", request_received_on)</bpmn:timeDate>' \
        in saved
    assert '<spiffworkflow:property name="formJsonSchemaFilename" value="pre_return_visit_report.json" />' in saved

    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#problems")).to_have_text("No problems.")
    approve(live.eng, draft_id)

    page.get_by_label("Why this version exists").fill("T16 instead of T15; a clearer name for the visit.")
    page.get_by_label("I confirm: from now on new cases start on this version.", exact=False).check()
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/models$"))
    expect(page.get_by_role("status").filter(has_text="Deployed")).to_contain_text("pre_return_visit version 2")
    versions = page.locator("section").filter(has=page.locator("#p-pre_return_visit")).get_by_role("row")
    expect(versions.nth(1).get_by_role("cell").first).to_have_text("2")
    expect(versions.nth(1)).to_contain_text("T16 instead of T15")

    # A case started now runs on version 2: the visit carries the new name and the T16 term.
    live.until(2026, 12, 23)
    case = live.eng.open_case(reference="PRV-2", employee="An Peeters", employer="Acme NV",
                              first_day_of_incapacity=date(2026, 10, 5), actor="hr1", with_follow_up=False)
    instance = live.eng.start(case.id, "pre_return_visit", {}, actor="oa1")
    assert instance.version == 2
    [request] = live.eng.work_items(case_id=case.id)
    live.eng.complete(request.id, REQUEST, actor="oa1")
    [visit] = live.eng.work_items(case_id=case.id)
    assert (visit.task, visit.name, visit.rule, visit.due_on) == ("hold_visit", NEW_NAME, "T16", date(2027, 1, 8))


def test_a_save_after_a_colleagues_save_is_refused_and_overwrites_nothing(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    first = owner_page()
    draft_id = new_draft(first, "pre_return_visit")
    second = owner_page(refused=(409,))
    second.goto(f"/models/drafts/{draft_id}")
    expect(shape(second, "start")).to_be_visible()

    rename(first, "record_request", "Record the request (first)")
    save(first)
    rename(second, "record_request", "Record the request (second)")
    second.get_by_role("button", name="Save", exact=True).click()

    status = second.locator("#modeler-status")
    expect(status).to_contain_text("A colleague saved this draft in the meantime")
    expect(status.get_by_role("link", name="Reload the draft")).to_have_attribute("href", second.url)
    expect(second.get_by_text("Unsaved changes", exact=True)).to_be_visible()
    saved = live_server.eng.draft(draft_id).files[FILE]
    assert 'name="Record the request (first)"' in saved and "(second)" not in saved


def test_a_refused_deploy_marks_the_problems_and_the_panel_fixes_them(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    page = owner_page(refused=(422,))
    draft_id = new_draft(page, "pre_return_visit")
    rename(page, "lane_employer", "Management", by_keyboard=True)
    expect(panel(page).get_by_label("Role of this lane")).to_have_value("")

    page.get_by_label("Why this version exists").fill("A lane without a role")
    page.get_by_label("I confirm: from now on new cases start on this version.", exact=False).check()
    page.get_by_role("button", name="Deploy", exact=True).click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("The deploy was refused")
    expect(problems).to_contain_text("lane 'Management' maps to no role")
    expect(shape(page, "lane_employer")).to_have_class(re.compile(r"\bproblem\b"))

    problems.get_by_role("button", name="lane_employer").click()
    properties = panel(page)
    expect(properties.get_by_label("Id")).to_have_value("lane_employer")
    properties.get_by_label("Role of this lane").select_option("employer")
    expect(properties.get_by_label("Name", exact=True)).to_have_value("Employer")
    page.get_by_role("button", name="Validate").click()
    expect(problems).to_have_text("No problems.")
    expect(shape(page, "lane_employer")).not_to_have_class(re.compile(r"\bproblem\b"))
    saved = live_server.eng.draft(draft_id).files[FILE]
    assert re.search(r'<bpmn:lane id="lane_employer"[^>]* name="Employer"[ >]', saved)


def test_a_draft_with_call_activities_edits_each_file_and_keeps_changes_across_files(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    page = owner_page()
    draft_id = new_draft(page, "formal_reintegration")
    files = page.get_by_label("Diagram file")
    expect(files).to_have_value("formal_reintegration.bpmn")
    rename(page, "invitations", "Invite by registered letter", by_keyboard=True)

    # The shared invitation takes its rule from a variable, among the rules its property lists.
    files.select_option("registered_invitation.bpmn")
    expect(shape(page, "spacing")).to_be_visible()
    properties = choose_element(page, "spacing")
    expect(properties.get_by_label("Deadline rule")).to_have_value("@current")
    expect(properties.get_by_label("Deadline rule").locator("option:checked")).to_have_text(
        "Rule from the variable invitation_spacing_rule (T06,T38)")
    expect(properties.get_by_label("Counted from (date variable)")).to_have_value("invited_on")
    properties.get_by_label("Counted from (date variable)").fill("sent_on")
    properties.get_by_label("Counted from (date variable)").press("Tab")
    expect(properties.locator("#prop-expression")).to_have_text("deadline(invitation_spacing_rule, sent_on)")

    files.select_option("formal_reintegration.bpmn")
    expect(choose_element(page, "invitations").get_by_label("Name", exact=True)).to_have_value(
        "Invite by registered letter")
    save(page)
    saved = live_server.eng.draft(draft_id).files
    assert 'name="Invite by registered letter"' in saved["formal_reintegration.bpmn"]
    assert "deadline(invitation_spacing_rule, sent_on)" in saved["registered_invitation.bpmn"]
    assert '<spiffworkflow:property name="deadlineRules" value="T06,T38" />' in saved["registered_invitation.bpmn"]


def test_the_panel_writes_forms_messages_and_documentation_as_the_engine_reads_them(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    page = owner_page()
    draft_id = new_draft(page, "incapacity_follow_up")

    # A script task turned into a user task gets its form through the panel.
    choose_element(page, "record_return")
    page.locator('.djs-context-pad [data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    properties = panel(page)
    expect(properties.get_by_label("Form")).to_have_value("")
    properties.get_by_label("Form").select_option("event_work_resumed.json")
    expect(properties.get_by_role("link", name="Edit this form")).to_have_attribute(
        "href", f"/models/drafts/{draft_id}/forms/event_work_resumed.json")

    properties = choose_element(page, "wait_for_return")
    expect(properties.get_by_label("Message")).to_have_value("work_resumed")
    properties.get_by_label("Message").select_option("incapacity_relapse")
    properties.get_by_label("Documentation").fill("Waits for the worker's return; see 0.6.")
    properties.get_by_label("Documentation").press("Tab")
    properties.get_by_label("Name in Dutch").fill("Wachten op de werkhervatting")
    properties.get_by_label("Name in French").fill("Attendre la reprise du travail")
    properties.get_by_label("Name in French").press("Tab")
    save(page)

    saved = live_server.eng.draft(draft_id).files["incapacity_follow_up.bpmn"]
    assert re.search(r'<bpmn:userTask id="record_return"[^>]* name="Record the return"[^>]*>\s*'
                     r"<bpmn:extensionElements>\s*"
                     r"<spiffworkflow:properties>\s*"
                     r'<spiffworkflow:property name="formJsonSchemaFilename" value="event_work_resumed.json" />\s*'
                     r"</spiffworkflow:properties>\s*</bpmn:extensionElements>", saved)
    assert '<bpmn:message id="msg_incapacity_relapse" name="incapacity_relapse" />' in saved
    assert re.search(r'<bpmn:receiveTask id="wait_for_return" [^>]*name="Wait for the return to work" '
                     r'messageRef="msg_incapacity_relapse">\s*'
                     r"<bpmn:documentation>Waits for the worker's return; see 0.6.</bpmn:documentation>", saved)
    assert re.search(r'<bpmn:receiveTask id="wait_for_return" [^>]*reintegra:nameNl="Wachten op de werkhervatting" '
                     r'reintegra:nameFr="Attendre la reprise du travail"', saved)

    page.reload()
    properties = choose_element(page, "wait_for_return")
    expect(properties.get_by_label("Name in Dutch")).to_have_value("Wachten op de werkhervatting")


def test_a_user_task_without_a_timer_needs_rules_that_bound_it_or_the_reason_the_law_sets_no_term(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    page = owner_page()
    draft_id = new_draft(page, "pre_return_visit")
    properties = choose_element(page, "hold_visit")
    expect(properties.locator("#prop-deadline-timer")).to_have_text(
        "Bounded by its boundary timer: T15 — Pre-return visit held")
    expect(properties.get_by_label("What bounds this task")).to_be_hidden()

    properties = choose_element(page, "record_request")
    expect(properties.get_by_label("What bounds this task")).to_have_value("reason")
    reason = properties.get_by_label("Why the law sets no term")
    expect(reason).to_have_value(re.compile(r"^Recording the request starts the T15 term"))
    reason.fill("")
    reason.press("Tab")
    page.get_by_role("button", name="Validate").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("user task 'Record the visit request' is in a legal lane but has no deadline")
    expect(shape(page, "record_request")).to_have_class(re.compile(r"\bproblem\b"))

    properties.get_by_label("What bounds this task").select_option("rules")
    rules = properties.get_by_label("Rules enforced elsewhere")
    rules.fill("T15,T99")
    rules.press("Tab")
    page.get_by_role("button", name="Validate").click()
    expect(problems).to_contain_text("record_request: unknown deadline rule 'T99'")
    expect(rules).to_have_value("T15, T99")

    properties.get_by_label("What bounds this task").select_option("reason")
    expect(reason).to_have_value("")
    reason.fill("The law sets no term for recording the request.")
    reason.press("Tab")
    save(page)
    page.get_by_role("button", name="Validate").click()
    expect(problems).to_have_text("No problems.")
    expect(shape(page, "record_request")).not_to_have_class(re.compile(r"\bproblem\b"))
    saved = live_server.eng.draft(draft_id).files[FILE]
    assert '<spiffworkflow:property name="notTimeBound" value="The law sets no term for recording the request." />' \
        in saved
    assert 'name="deadlineRules"' not in saved.split('id="record_request"', 1)[1].split("</bpmn:userTask>", 1)[0]


def test_T15_the_panel_shows_and_edits_the_date_of_the_act_of_a_deadline_timer(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    """T15: the boundary timer names the variable with the date the visit was held; without it, deploy refuses."""
    page = owner_page()
    draft_id = new_draft(page, "pre_return_visit")
    properties = choose_element(page, "visit_overdue")
    act_date = properties.get_by_label("Date of the act (variable)")
    expect(act_date).to_have_value("held_on")
    act_date.fill("")
    act_date.press("Tab")
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#problems")).to_contain_text("visit_overdue: boundary timer guards the deadline T15 but "
                                                      "names no act date")
    act_date.fill("held_on")
    act_date.press("Tab")
    save(page)
    saved = live_server.eng.draft(draft_id).files["pre_return_visit.bpmn"]
    assert '<spiffworkflow:property name="actDate" value="held_on" />' in saved
    expect(choose_element(page, "hold_visit").get_by_label("Date of the act (variable)")).to_be_hidden()

    # Issue 18: a Dutch reader finds a rule by its Dutch words and who acts, with the palette and the context pad in
    # Dutch; T19 (the employer's term) on the occupational physician's visit is marked as a warning, not refused.
    page.goto(f"/models/drafts/{draft_id}?lang=nl")
    expect(page.locator('.djs-palette [data-action="create.start-event"]')).to_have_attribute(
        "aria-label", "Startgebeurtenis maken")
    page.locator("#prop-element").select_option("visit_overdue")
    expect(page.locator("#prop-type")).to_have_text("Grensgebeurtenis")
    rule = page.locator("#prop-rule")
    expect(rule.locator("option[value='T15']")).to_contain_text(
        "T15 — Bezoek voorafgaand aan de werkhervatting gehouden — Preventieadviseur-arbeidsarts — 10 werkdagen")
    page.locator("#prop-rule-search").fill("werkgever preventieve")
    expect(rule.locator("option[data-search]:not([hidden])")).to_have_text([
        re.compile(r"^T15 — Bezoek voorafgaand"),
        re.compile(r"^T19 — De werkgever beantwoordt een preventieve vraag .* — Werkgever \(HR\) — 14 kalenderdagen")])
    rule.select_option("T19")
    expect(page.locator("#prop-expression")).to_have_text('deadline("T19", request_received_on)')
    expect(page.locator("#prop-rule-help")).to_contain_text("wie handelt: Werkgever (HR)")
    shape(page, "hold_visit").click(position={"x": 20, "y": 20})
    expect(page.locator("#prop-id")).to_have_value("hold_visit")
    expect(page.locator('.djs-context-pad [data-action="append.append-task"]')).to_have_attribute(
        "title", "Taak toevoegen")
    page.locator("#modeler-validate").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Geen problemen.")
    expect(problems.locator("li.warning")).to_contain_text(
        "visit_overdue: regel T19 is een termijn waarbinnen de rol 'Werkgever (HR)' moet handelen")
    expect(shape(page, "visit_overdue")).to_have_class(re.compile(r"\bwarning\b"))
    expect(page.locator("#deploy-warnings")).to_contain_text("Dit ontwerp wordt met waarschuwingen in gebruik genomen")
