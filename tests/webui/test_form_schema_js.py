"""The form builder's changes to a form's JSON Schema (webui/static/form-schema.js), run by Node.js: each touches only
the keywords it owns, so what an expert wrote survives, and a renamed field is renamed wherever the form names it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "webui" / "static" / "form-schema.js"
FORM = {
    "x-note": "kept",
    "required": ["received_on"],
    "x-order": ["received_on", "decided_on"],
    "properties": {
        "received_on": {"type": "string", "format": "date", "x-source": "art. I.4-36", "x-not-in-future": True},
        "decided_on": {"type": "string", "format": "date", "x-not-before": ["received_on", "first_day_of_incapacity"],
                       "maxLength": 10},
    },
}


def changed(steps: str, schema: dict = FORM) -> dict:
    """The schema after ``steps`` (JavaScript on ``schema`` with the module as ``S``), and what they returned."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: run `bash .ci/ensure-node` (make does)")
    script = (f"import * as S from {json.dumps(MODULE.as_uri())};\n"
              f"const schema = {json.dumps(schema)};\nconst result = (() => {{ {steps} }})();\n"
              "console.log(JSON.stringify({ schema, result: result ?? null }));")
    command = [node, "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--input-type=module", "-e", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)
    return json.loads(done.stdout)


def test_renaming_a_field_renames_it_in_the_order_the_required_list_and_the_date_rules():
    after = changed('return S.renameField(schema, "received_on", "request_received_on");')
    schema = after["schema"]
    assert after["result"] is None
    assert list(schema["properties"]) == ["request_received_on", "decided_on"]
    assert schema["x-order"] == ["request_received_on", "decided_on"]
    assert schema["required"] == ["request_received_on"]
    assert schema["properties"]["decided_on"]["x-not-before"] == ["request_received_on", "first_day_of_incapacity"]
    assert schema["properties"]["request_received_on"]["x-source"] == "art. I.4-36" and schema["x-note"] == "kept"


@pytest.mark.parametrize(("wanted", "refusal"), [("decided_on", "taken"), ("2nd date", "invalid")])
def test_a_field_is_not_renamed_to_a_name_it_cannot_have(wanted, refusal):
    after = changed(f"return S.renameField(schema, 'received_on', {json.dumps(wanted)});")
    assert after["result"] == refusal and after["schema"] == FORM


def test_a_new_kind_replaces_the_old_kinds_keywords_and_keeps_the_rest():
    schema = changed('S.setKind(schema.properties.decided_on, "choice"); S.addChoice(schema.properties.decided_on);'
                     ' S.setChoiceText(schema.properties.decided_on, "choice_1", "fr", "Oui");')["schema"]
    assert schema["properties"]["decided_on"] == {"type": "string", "maxLength": 10, "enum": ["choice_1"],
                                                  "x-choice-labels": {"choice_1": {"fr": "Oui"}}}


def test_a_choice_keeps_its_labels_when_its_value_changes_and_refuses_a_value_another_choice_has():
    form = {"properties": {"how": {"type": "string", "enum": ["mail", "phone"],
                                   "x-choice-labels": {"mail": {"en": "Mail"}, "phone": {"en": "Phone"}}}}}
    after = changed("const how = schema.properties.how;"
                    ' return [S.setChoiceValue(how, 0, "letter"), S.setChoiceValue(how, 1, "letter")];', form)
    assert after["result"] == [None, "taken"]
    assert after["schema"]["properties"]["how"]["enum"] == ["letter", "phone"]
    assert after["schema"]["properties"]["how"]["x-choice-labels"] == {"letter": {"en": "Mail"},
                                                                       "phone": {"en": "Phone"}}


def test_moving_and_deleting_fields_rewrites_the_order_and_the_required_list_only():
    schema = changed('S.moveField(schema, "decided_on", -1); S.removeField(schema, "received_on");'
                     ' S.setRuleNames(schema.properties.decided_on, "x-not-before", "first_day_of_incapacity");'
                     )["schema"]
    assert schema["x-order"] == ["decided_on"] and "required" not in schema and schema["x-note"] == "kept"
    assert schema["properties"] == {"decided_on": {"type": "string", "format": "date", "maxLength": 10,
                                                   "x-not-before": "first_day_of_incapacity"}}
