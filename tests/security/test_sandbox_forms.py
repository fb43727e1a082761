"""Issue 13 point 5: a form field's ``pattern`` is checked in linear time, and patterns that need backtracking are
refused at deploy, naming the form and the field. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import engine
from tests.conftest import FIXTURES
from tests.security.test_sandbox_engine import ASK, DELAY_LIMIT_SECONDS, diagram, open_case, under_attack

LABEL = {"nl": "Code", "fr": "Code", "en": "Code"}


def code_form(pattern: str) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "x-title": {"nl": "Code", "fr": "Code", "en": "Code"}, "x-order": ["code"], "required": ["code"],
            "properties": {"code": {"type": "string", "pattern": pattern, "x-label": LABEL,
                                    "x-classification": "case"}}}


def with_form(eng: engine.Engine, folder: Path, pattern: str) -> bytes:
    """Forms of the fixtures plus ``code.json`` with ``pattern``; a diagram start → ask (code.json) → end."""
    shutil.copytree(FIXTURES / "forms", folder, dirs_exist_ok=True)
    (folder / "code.json").write_text(json.dumps(code_form(pattern)))
    eng.forms_dir = folder
    ask = ASK.format(incoming="f_start", outgoing="f_end").replace("visit_request.json", "code.json")
    return diagram("coded", [ask], [("f_start", "start", "ask"), ("f_end", "ask", "end")])


def test_a_catastrophic_pattern_answers_at_once_and_delays_no_page(app, client, tmp_path):
    eng = app.extensions["reintegra"]
    eng.deploy(with_form(eng, tmp_path, "^(a+)+$"), actor="owner")
    eng.start(open_case(eng).id, "coded", {}, actor="hr1")
    item = eng.work_items(role="employee")[0]
    error, slowest = under_attack(client, lambda: eng.complete(item.id, {"code": "a" * 50 + "b"}, actor="eva"))
    assert isinstance(error, engine.InvalidInput) and list(error.fields) == ["code"]
    assert slowest < DELAY_LIMIT_SECONDS
    eng.complete(item.id, {"code": "a" * 50}, actor="eva")
    assert eng.work_items(role="employee") == []


@pytest.mark.parametrize("pattern", [r"^(a)\1$", "^(?=a)a+$", "(?<!b)a"])
def test_a_pattern_that_needs_backtracking_is_refused_at_deploy_naming_form_and_field(app, tmp_path, pattern):
    eng = app.extensions["reintegra"]
    with pytest.raises(engine.InvalidModel) as refused:
        eng.deploy(with_form(eng, tmp_path, pattern), actor="owner")
    messages = [p.message for p in refused.value.problems]
    assert len(messages) == 1 and "form 'code.json'" in messages[0] and "field 'code'" in messages[0]
    assert repr(pattern) in messages[0]
