"""The form editor page hands the form builder its texts and the classes the engine knows, in the reader's
language, and keeps the JSON view open for pages without JavaScript (tests/browser/test_form_builder.py drives it)."""

from __future__ import annotations

import json
import re

import pytest

from tests.webui.test_models import FORM, new_draft


def builder_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="form-editor-data">(.*?)</script>', page, re.S)
    assert match, "the page gives its script no data"
    return json.loads(match.group(1))["builder"]


@pytest.mark.parametrize(("language", "add_field", "medical"), [
    ("nl", "Veld toevoegen", "Medisch"),
    ("fr", "Ajouter un champ", "Médical"),
    ("en", "Add a field", "Medical"),
])
def test_the_builder_speaks_the_readers_language(client, auth, law, language, add_field, medical):
    auth.login_as("process_owner", username="po1")
    client.get(f"/?lang={language}")
    page = client.get(f"/models/drafts/{new_draft(client)}/forms/{FORM}").get_data(as_text=True)
    data = builder_data(page)
    assert data["language"] == language and data["text"]["add_field"] == add_field
    classes = dict(data["classes"])
    assert sorted(classes) == ["case", "insurance", "medical", "personal"] and classes["medical"].startswith(medical)
    assert '<details id="json-view" open>' in page
    assert 'id="form-builder" aria-labelledby="builder-title" hidden' in page
