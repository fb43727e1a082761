"""The procedure catalogue names every procedure diagram, in three languages, with roles that exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.casework import forms
from engine.errors import InvalidModel
from engine.law import catalogue

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
FORMS = Path(__file__).resolve().parents[2] / "forms"
PARTS = {"registered_invitation", "medical_appeal", "plan_or_report", "incapacity_clock", "return_watch"}


def test_every_procedure_diagram_is_in_the_catalogue_and_only_the_follow_up_starts_with_the_case():
    procedures = catalogue.load()
    assert set(procedures) == {p.stem for p in PROCESSES.glob("*.bpmn")} - PARTS
    assert {p.process_id for p in procedures.values() if p.starts_with_case} == {"incapacity_follow_up",
                                                                                 "employer_obligations"}
    assert [p.process_id for p in procedures.values() if p.once_per_period] == ["employer_obligations"]


def test_a_catalogue_with_an_unknown_role_or_a_missing_language_is_refused(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text('[x]\ntitle = { en = "X" }\nstarted_by = ["janitor"]\nstarts_with_case = false\n')
    with pytest.raises(InvalidModel) as refused:
        catalogue.load(path)
    assert [p.message for p in refused.value.problems] == ["unknown role 'janitor'", "needs a title in nl, fr and en"]


def test_every_route_names_a_start_form_that_follows_the_form_conventions():
    """Step 3.3: each route of the coordinator track collects what it needs through a conventional form."""
    track = catalogue.load()["rtw_coordination"]
    assert track.route_field == "entry"
    assert set(track.routes) == {"questionnaire", "advisory_physician_referral", "request", "invalidity",
                                 "occupational_physician_referral"}
    for route in track.routes.values():
        assert set(route.started_by) <= set(track.started_by)
        if route.form is not None:
            schema = json.loads((FORMS / route.form).read_text(encoding="utf-8"))
            assert forms.convention_problems(schema) == [], route.name


def test_a_route_open_to_a_role_that_does_not_start_the_procedure_is_refused(tmp_path):
    path = tmp_path / "catalogue.toml"
    path.write_text('[x]\ntitle = { en = "X", nl = "X", fr = "X" }\nstarted_by = ["employee"]\n'
                    'starts_with_case = false\nroute_field = "entry"\n'
                    '[x.routes.own]\ntitle = { en = "Own", nl = "Eigen", fr = "Propre" }\nstarted_by = ["employer"]\n')
    with pytest.raises(InvalidModel) as refused:
        catalogue.load(path)
    assert [(p.element_id, p.message) for p in refused.value.problems] == [
        ("x.own", "role 'employer' does not start x")]
