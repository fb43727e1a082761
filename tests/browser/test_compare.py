"""Comparing two versions in a real browser: both diagrams drawn by bpmn-js, the renamed task marked as changed
on the new one, and a row of the change list brings its element into view. No JavaScript error in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer, SignIn
from tests.conftest import approve

FILE = "pre_return_visit.bpmn"
OWNER = "paula.owner"


def test_the_compare_page_colours_what_changed_on_both_diagrams(
        live_server: LiveServer, sign_in: SignIn, screenshot: Callable[[Page, str], object]) -> None:
    eng = live_server.eng
    owner = live_server.add_user(OWNER, "Paula Owner", "process_owner")
    draft = eng.create_draft("pre_return_visit", user_id=owner.id)
    xml = draft.files[FILE].replace('name="Hold the pre-return visit"', 'name="Hold the visit and advise"')
    eng.save_draft(draft.id, files={FILE: xml}, expected_revision=draft.revision, user_id=owner.id)
    approve(eng, draft.id)
    eng.deploy_draft(draft.id, comment="clearer task name", user_id=owner.id)
    new, old = (s.version.id for s in eng.versions("pre_return_visit"))

    page = sign_in(OWNER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.goto(f"/models/compare?old={old}&new={new}")

    changed = page.locator('#compare-new [data-element-id="hold_visit"]')
    expect(changed).to_have_class(re.compile(r"\bdiff-changed\b"))
    expect(page.locator('#compare-old [data-element-id="hold_visit"]')).to_be_visible()
    expect(page.locator("#compare-old .diff-changed")).to_have_count(0)
    expect(page.get_by_text("Changed (new version, orange)")).to_be_visible()

    page.locator('#compare-changes tr[data-element="hold_visit"]').get_by_role("button").click()
    expect(page.locator("#compare-changes tr.selected")).to_have_attribute("data-element", "hold_visit")
    expect(changed).to_have_class(re.compile(r"\bselected\b"))
    expect(changed).to_be_in_viewport()
    screenshot(page, "compare")

    viewport = page.locator("#compare-new g.viewport")
    before = viewport.get_attribute("transform")
    zoom = page.locator('[data-zoom-target="compare-new"]')
    zoom.get_by_role("button", name="Zoom out").click()
    expect(viewport).not_to_have_attribute("transform", before or "")
    zoom.get_by_role("button", name="Fit").click()
    expect(page.locator('#compare-new [data-element-id="hold_visit"]')).to_be_in_viewport()
    assert errors == []
