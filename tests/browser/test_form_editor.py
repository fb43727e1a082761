"""The form editor's JSON view in a real browser: the preview follows the JSON Schema as it is typed, without a
click, drawn as case workers see the form; broken JSON is reported at once. No JavaScript error in the page. The
form builder above the JSON view has its own test (test_form_builder.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer, SignIn

FORM = "pre_return_visit_request.json"
OWNER = "paula.owner"
NEW_LABEL = "Request reached the physician on"


@pytest.fixture
def form_page(live_server: LiveServer, sign_in: SignIn) -> Iterator[tuple[Page, dict]]:
    """A process owner on the editor of the visit request form in a new draft, and that form's schema.

    Any JavaScript error fails the test, except a request the test itself cuts off (``net::ERR_FAILED``).
    """
    owner = live_server.add_user(OWNER, "Paula Owner", "process_owner")
    draft = live_server.eng.create_draft("pre_return_visit", user_id=owner.id)
    page = sign_in(OWNER)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "net::ERR_FAILED" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/models/drafts/{draft.id}/forms/{FORM}")
    expect(page.get_by_role("heading", name=f"Form {FORM}")).to_be_visible()
    page.get_by_text("JSON view, for experts").click()
    yield page, live_server.eng.form_source(draft.id, FORM)
    assert errors == [], f"JavaScript errors on {page.url}"


def preview(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("form", name="Preview")


def test_the_preview_shows_a_changed_label_as_it_is_typed(
        form_page: tuple[Page, dict], screenshot: Callable[[Page, str], object]) -> None:
    page, schema = form_page
    url = page.url
    expect(preview(page).get_by_label("Request received on")).to_be_visible()
    schema["properties"]["request_received_on"]["x-label"]["en"] = NEW_LABEL
    with page.expect_response(lambda response: response.url.endswith("/preview")):
        page.get_by_label("JSON Schema").fill(json.dumps(schema, indent=2, ensure_ascii=False))
    expect(preview(page).get_by_label(NEW_LABEL)).to_be_visible()
    expect(preview(page).get_by_label("Request received on")).to_have_count(0)
    expect(page.locator("#form-problems")).to_be_empty()
    assert page.url == url
    page.get_by_label("JSON Schema").evaluate("editor => { editor.setSelectionRange(0, 0); editor.scrollTop = 0; }")
    screenshot(page, "form-editor")


def test_broken_json_is_reported_at_once_and_the_preview_comes_back_when_it_is_mended(
        form_page: tuple[Page, dict]) -> None:
    page, schema = form_page
    editor = page.get_by_label("JSON Schema")
    editor.fill(json.dumps(schema)[:-1])
    expect(page.locator("#form-problems")).to_contain_text("Not valid JSON:")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-preview")).to_be_empty()
    editor.press("End")
    editor.press_sequentially("}")
    expect(preview(page).get_by_label("Request received on")).to_be_visible()
    expect(page.locator("#form-problems")).to_be_empty()
    expect(editor).not_to_have_attribute("aria-invalid", "true")


def test_choosing_the_preview_language_redraws_the_form_in_it(form_page: tuple[Page, dict]) -> None:
    page, _schema = form_page
    page.get_by_label("Preview language").select_option("fr")
    expect(page.get_by_role("form", name="Aperçu").get_by_label("Demande reçue le")).to_be_visible()
    expect(page.locator("#form-preview")).to_have_attribute("lang", "fr")


def test_the_editor_says_so_when_the_preview_cannot_be_reached(form_page: tuple[Page, dict]) -> None:
    page, schema = form_page
    page.route("**/preview", lambda route: route.abort())
    page.get_by_label("JSON Schema").fill(json.dumps(schema))
    expect(page.locator("#form-problems")).to_have_text("The preview could not be updated.")
    expect(preview(page).get_by_label("Request received on")).to_be_visible()
