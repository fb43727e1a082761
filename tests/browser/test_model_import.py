"""A process owner imports a Camunda Modeler diagram on the processes page and lands in the modeler with every
problem listed and marked on the diagram."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_modeler import OwnerPage, shape
from tests.browser.test_modeler import owner_page as owner_page  # the fixture, shared
from tests.conftest import FIXTURES

CAMUNDA = FIXTURES / "foreign" / "camunda7_adapted_work.bpmn"


def test_an_imported_diagram_opens_in_the_modeler_with_its_problems_marked(
        live_server: LiveServer, owner_page: OwnerPage) -> None:
    page = owner_page()
    page.goto("/models")
    page.get_by_label("BPMN file or zip").set_input_files(str(CAMUNDA))
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page).to_have_url(re.compile(r"/models/drafts/\d+\?imported=1$"))
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Imported. Fix these problems before deploying")
    expect(problems.get_by_role("button", name="Flow_yes")).to_be_visible()
    for element_id in ("assess_request", "assessment_late"):
        expect(shape(page, element_id)).to_have_class(re.compile(r"\bproblem\b"))
    expect(page.locator('#modeler-canvas .djs-connection[data-element-id="Flow_yes"]')).to_have_class(
        re.compile(r"\bproblem\b"))
    [draft] = live_server.eng.drafts()
    assert draft.process_id == "adapted_work_request" and 'camunda:candidateGroups="hr"' in draft.files[CAMUNDA.name]
