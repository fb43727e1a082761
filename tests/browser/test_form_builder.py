"""The form builder in a real browser: a process owner adds a required date field with its date rule and a choice
field with labelled choices, orders the fields with the buttons and the keyboard, sees them in the live preview and
saves; the draft then holds exactly that form, with what an expert wrote in the JSON and the builder does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from tests.browser.conftest import LiveServer, SignIn

FORM = "pre_return_visit_request.json"
OWNER = "paula.owner"
LABELS = {"Label in Dutch": "Bezoek gepland op", "Label in French": "Visite prévue le",
          "Label in English": "Visit planned on"}
PLACES = {"office": ("Op kantoor", "Au bureau", "At the office"), "home": ("Thuis", "À domicile", "At home")}


def field(page: Page, name: str) -> Locator:
    return page.locator(f'li.builder-field[data-name="{name}"]')


def add_field(page: Page, name: str, kind: str) -> Locator:
    """Add a field at the end, name it (the name box has the focus) and give it its type."""
    page.get_by_role("button", name="Add a field").click()
    expect(page.locator(":focus")).to_have_attribute("id", "fb-5-name" if kind == "date" else "fb-6-name")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    added = field(page, name)
    added.get_by_label("Type", exact=True).select_option(kind)
    return added


def test_a_process_owner_builds_fields_orders_them_and_saves_the_form(
        live_server: LiveServer, sign_in: SignIn, screenshot: Callable[[Page, str], object]) -> None:
    owner = live_server.add_user(OWNER, "Paula Owner", "process_owner")
    draft = live_server.eng.create_draft("pre_return_visit", user_id=owner.id)
    expert = live_server.eng.form_source(draft.id, FORM)
    expert["x-reviewed-by"] = "legal team"
    expert["properties"]["request_received_on"]["x-source"] = "art. I.4-36"
    live_server.eng.save_draft(draft.id, forms={FORM: json.dumps(expert)}, expected_revision=draft.revision,
                               user_id=owner.id)
    page = sign_in(OWNER)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/models/drafts/{draft.id}/forms/{FORM}")

    visit = add_field(page, "visit_planned_on", "date")
    for label, text in LABELS.items():
        visit.get_by_label(label, exact=True).fill(text)
    visit.get_by_label("Required", exact=True).check()
    visit.get_by_label("Who reads it (classification)").select_option("case")
    visit.get_by_label("Not before (names)").fill("request_received_on")

    place = add_field(page, "visit_place", "choice")
    for label, text in zip(LABELS, ("Plaats van het bezoek", "Lieu de la visite", "Place of the visit"), strict=True):
        place.get_by_label(label, exact=True).fill(text)
    place.get_by_label("Who reads it (classification)").select_option("personal")
    for number, (value, texts) in enumerate(PLACES.items(), start=1):
        place.get_by_role("button", name="Add a choice").click()
        choice = place.get_by_role("group", name=f"Choice {number}")
        choice.get_by_label("Value (what the diagram reads)").fill(value)
        choice.get_by_label("Value (what the diagram reads)").press("Tab")
        for language, text in zip(("Dutch", "French", "English"), texts, strict=True):
            choice.get_by_label(f"Choice label in {language}").fill(text)

    page.get_by_role("button", name="Move Place of the visit up").click()
    expect(page.locator(":focus")).to_have_accessible_name("Move Place of the visit up")
    page.keyboard.press("Enter")
    expect(page.locator("#builder-status")).to_have_text("Place of the visit is now field 5.")
    preview = page.get_by_role("form", name="Preview")
    expect(preview.get_by_label("Visit planned on")).to_be_visible()
    expect(preview.get_by_label("Place of the visit")).to_contain_text("At home")
    expect(page.locator("#form-problems")).to_be_empty()
    screenshot(page, "form-builder")

    page.get_by_text("JSON view, for experts").click()
    typed = json.loads(page.get_by_label("JSON Schema").input_value())
    typed["properties"]["visit_place"]["x-help"] = {"nl": "Waar", "fr": "Où", "en": "Where the visit takes place"}
    # As typing in it would, without typing the whole form key by key (Playwright's fill of this much text is slow).
    page.get_by_label("JSON Schema").evaluate(
        "(box, text) => { box.value = text; box.dispatchEvent(new Event('input', { bubbles: true })); }",
        json.dumps(typed, indent=2, ensure_ascii=False))
    expect(field(page, "visit_place").get_by_label("Help in English")).to_have_value("Where the visit takes place")

    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Form saved in the draft.")).to_be_visible()
    saved = live_server.eng.draft(draft.id).forms[FORM]
    assert saved["x-order"] == ["request_received_on", "requested_by", "employee_objects_to_informing_employer",
                                "employer_informed_on", "visit_place", "appointment_made_by_employer",
                                "visit_planned_on"]
    assert saved["properties"]["visit_planned_on"] == {
        "type": "string", "format": "date", "x-label": {"nl": "Bezoek gepland op", "fr": "Visite prévue le",
                                                        "en": "Visit planned on"},
        "x-classification": "case", "x-not-before": "request_received_on"}
    assert "visit_planned_on" in saved["required"] and "visit_place" not in saved["required"]
    assert saved["properties"]["visit_place"]["enum"] == ["office", "home"]
    assert saved["properties"]["visit_place"]["x-choice-labels"]["home"] == {"nl": "Thuis", "fr": "À domicile",
                                                                             "en": "At home"}
    assert saved["x-reviewed-by"] == "legal team"
    assert saved["properties"]["request_received_on"]["x-source"] == "art. I.4-36"
    assert saved["additionalProperties"] is False
    assert errors == []
