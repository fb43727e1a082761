"""Every text of the web interface is translated into Dutch and French."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEBUI = Path(__file__).resolve().parents[2] / "webui"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def marked_texts() -> set[str]:
    found = extract_from_dir(str(WEBUI), METHODS, keywords={"_": None, "gettext": None})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_marked_text_has_a_translation(language):
    with open(WEBUI / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    assert marked_texts() - translated == set()
