"""Letter rendering fetches nothing: a template naming a file or a web address gets no image, a ``data:`` one does;
and the catalogue refuses a letter without its titles and templates."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

import engine
from engine.casework import letter_rendering

DOT = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
ENTRY = ('[probe]\ntitle = { nl = "Proef", fr = "Essai", en = "Probe" }\nclassification = "case"\n'
         'addressed_to = "employee"\noffered_at = []\ndated_by = []\n')


def letters_with(directory: Path, body: str) -> letter_rendering.LetterSpec:
    shutil.copy(letter_rendering.LETTERS_DIR / "letter.css", directory)
    (directory / "letters.toml").write_text(ENTRY)
    for language in letter_rendering.LANGUAGES:
        (directory / f"probe.{language}.html").write_text(f"<html><body>{body}</body></html>")
    return letter_rendering.catalogue(directory)["probe"]


@pytest.mark.parametrize("source", ["file:///etc/hostname", "http://127.0.0.1:9/dot.png", "dot.png"])
def test_a_letter_loads_no_file_and_no_web_address(tmp_path, source):
    (tmp_path / "dot.png").write_bytes(base64.b64decode(DOT))
    probe = letters_with(tmp_path, f'<img src="{source}" alt=""><link rel="stylesheet" href="{source}">')
    pdf = letter_rendering.pdf(probe, "nl", {}, dated="2027-01-05", directory=tmp_path)
    assert b"/Image" not in pdf


def test_a_data_image_is_the_one_resource_a_letter_may_hold(tmp_path):
    probe = letters_with(tmp_path, f'<img src="data:image/png;base64,{DOT}" alt="">')
    assert b"/Image" in letter_rendering.pdf(probe, "nl", {}, dated="2027-01-05", directory=tmp_path)


def test_the_catalogue_refuses_a_letter_without_its_templates(tmp_path):
    (tmp_path / "letters.toml").write_text(ENTRY)
    with pytest.raises(engine.InvalidModel) as refused:
        letter_rendering.catalogue(tmp_path)
    expected = [f"no template probe.{language}.html" for language in ("nl", "fr", "en")]
    assert [p.message for p in refused.value.problems] == expected
