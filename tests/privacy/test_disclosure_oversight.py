"""The oversight surfaces show a recorded value only where the disclosure model lets their reader read it.

Compliance officers and admins read ``case`` values: the facts and dates verdicts are made of. An employer's
own officer reads nothing of the coordinator track beyond what the law gives the employer.
"""

from __future__ import annotations

import json
import shutil

import pytest

from engine.store import audit
from engine.store.models import ProcessInstance
from tests.privacy.world import World
from tests.webui.conftest import FORMS, PROCESSES

OFFICERS = {"officer": ((), "compliance_officer"), "acme_officer": (("Acme NV",), "compliance_officer"),
            "admin": ((), "admin")}


def marker(world: World, form: str, name: str) -> str:
    return next(m.text for m in world.markers if m.form == form and m.field == name)


@pytest.fixture
def world(law, clock) -> World:  # type: ignore[no-untyped-def]
    return World(law, clock).build()


def sign_in(auth, who: str) -> None:  # type: ignore[no-untyped-def]
    organisations, role = OFFICERS[who]
    auth.login_as(role, username=who, organisations=organisations)


def instance_of(world: World, process_id: str) -> int:
    return world.law.instances(world.cases[process_id].id)[0].id


@pytest.mark.parametrize("who", list(OFFICERS))
def test_the_trace_shows_an_overseer_case_values_and_withholds_personal_and_medical_ones(client, auth, world, who):
    sign_in(auth, who)
    page = client.get(f"/compliance/instances/{instance_of(world, 'formal_reintegration')}").get_data(as_text=True)
    assert marker(world, "reintegration_decision.json", "conditions") in page
    assert marker(world, "plan_or_report.json", "consulted") not in page
    assert marker(world, "reintegration_decision.json", "medical_justification") not in page
    assert "field Who took part recorded by someone: its value is withheld from you" in page


@pytest.mark.parametrize("who", list(OFFICERS))
def test_the_evidence_pack_withholds_what_its_reader_may_not_read(client, auth, world, who):
    sign_in(auth, who)
    case_id = world.cases["pre_return_visit"].id
    html = client.get(f"/compliance/cases/{case_id}/evidence").get_data(as_text=True)
    text = client.get(f"/compliance/cases/{case_id}/evidence.json").get_data(as_text=True)
    for shown in (html, text):
        assert marker(world, "pre_return_visit_report.json", "recommendations") in shown
        assert marker(world, "pre_return_visit_report.json", "medical_findings") not in shown
    costs = [e["after"].get("travel_costs_eur") for e in json.loads(text)["events"] if e["task"] == "hold_visit"]
    assert costs == ["[value withheld]"]


def test_the_employers_own_officer_reads_nothing_of_the_coordinator_track_an_independent_officer_reads(
        client, auth, world):
    objectives = marker(world, "tnw_plan.json", "objectives")
    track = instance_of(world, "rtw_coordination")
    sign_in(auth, "officer")
    assert objectives in client.get(f"/compliance/instances/{track}").get_data(as_text=True)
    sign_in(auth, "acme_officer")
    assert objectives not in client.get(f"/compliance/instances/{track}").get_data(as_text=True)
    evidence = client.get(f"/compliance/cases/{world.cases['rtw_coordination'].id}/evidence.json")
    assert objectives not in evidence.get_data(as_text=True)


def test_the_engine_trace_marks_each_withheld_field_and_keeps_its_name(world):
    officer = world.law.create_user(username="co", password="x" * 12, display_name="Co", roles=["compliance_officer"],
                                    organisations=[], language="en", actor="test")
    trace = world.law.instance_trace(instance_of(world, "formal_reintegration"), user_id=officer.id)
    fields = {f.name: f for e in trace.timeline for f in e.fields}
    assert fields["consulted"].withheld and fields["consulted"].value is None
    assert not fields["conditions"].withheld and fields["conditions"].value
    assert fields["medical_justification"].withheld


def test_the_annual_evaluation_breaks_figures_down_only_by_values_its_reader_may_read(law, clock, tmp_path):
    """A form that classifies the plan's kind and the reply as medical: the officer gets the counts, not the split."""
    for name, field in (("plan_or_report.json", "kind"), ("plan_reply.json", "decision")):
        schema = json.loads((FORMS / name).read_text(encoding="utf-8"))
        schema["properties"][field]["x-classification"] = "medical"
        (tmp_path / name).write_text(json.dumps(schema), encoding="utf-8")
    for path in FORMS.glob("*.json"):
        if not (tmp_path / path.name).exists():
            shutil.copyfile(path, tmp_path / path.name)
    law.forms_dir = tmp_path
    law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    world = World(law, clock).build()
    officer = world.law.create_user(username="co", password="x" * 12, display_name="Co", roles=["compliance_officer"],
                                    organisations=[], language="en", actor="test")
    report = world.law.annual_evaluation("Acme NV", 2026, user_id=officer.id)
    assert report.plans == {"[value withheld]": 1} and report.replies == {"[value withheld]": 1}
    assert report.decisions == {"A": 1}


def test_an_engine_message_quoting_a_withheld_value_loses_the_quote(client, auth, world, clock):
    """A script that fails on a value may quote it in its error; the overseer reads the error without it."""
    secret = marker(world, "plan_or_report.json", "consulted")
    shown = marker(world, "plan_execution.json", "evaluation")
    instance = instance_of(world, "formal_reintegration")
    with world.law.database.unit_of_work() as session:
        case_id = session.get(ProcessInstance, instance).case_id
        audit.append(session, f"instance:{instance}", at=clock.now(), actor="scheduler", action="timer_failed",
                     case_id=case_id, instance_id=instance, after={"error": f"bad literal {secret} near {shown}"})
        session.commit()
    sign_in(auth, "officer")
    page = client.get(f"/compliance/instances/{instance}").get_data(as_text=True)
    evidence = client.get(f"/compliance/cases/{case_id}/evidence.json").get_data(as_text=True)
    for text in (page, evidence):
        assert secret not in text and f"bad literal [value withheld] near {shown}" in text
