"""The exports pages: evidence packs and event logs for overseers only, never with a medical value."""

from __future__ import annotations

import pytest

import engine
from tests.scenarios.conftest import at
from tests.scenarios.test_pre_return_visit import REQUEST, VISIT
from tests.webui.conftest import open_law_case

FINDINGS = "FINDINGS-shoulder-rupture-5521"


@pytest.fixture
def case(law: engine.Engine, clock: engine.SettableClock) -> engine.CaseView:
    """R-1 of Acme NV, with a pre-return visit whose medical findings are distinctive."""
    clock.set(at(2026, 12, 23))
    case = open_law_case(law, "R-1")
    law.start(case.id, "pre_return_visit", {}, actor="oa1")
    visit = {**VISIT, "held_on": "2026-12-23", "medical_findings": FINDINGS}
    for task, data in (("record_request", REQUEST), ("hold_visit", visit)):
        item = next(i for i in law.work_items(case_id=case.id) if i.task == task)
        law.complete(item.id, data, actor="oa1")
    return case


def routes(case_id: int) -> list[tuple[str, str]]:
    return [(f"/compliance/cases/{case_id}/evidence", "text/html"),
            (f"/compliance/cases/{case_id}/evidence.json", "application/json"),
            ("/compliance/event-log.csv", "text/csv"),
            ("/compliance/event-log.xes", "application/xml"),
            ("/compliance/exports", "text/html")]


@pytest.mark.parametrize("role", ["compliance_officer", "admin"])
def test_overseers_get_every_export_with_its_type_and_none_shows_a_medical_value(client, auth, case, role):
    auth.login_as(role)
    for path, mimetype in routes(case.id):
        response = client.get(path)
        assert (response.status_code, response.mimetype) == (200, mimetype), path
        assert FINDINGS not in response.get_data(as_text=True), path
        is_download = path.endswith((".json", ".csv", ".xes"))
        assert ("attachment" in response.headers.get("Content-Disposition", "")) is is_download, path


def test_the_evidence_page_is_a_self_contained_document_with_hashes_and_the_json_digest(client, auth, case):
    auth.login_as("compliance_officer")
    page = client.get(f"/compliance/cases/{case.id}/evidence").get_data(as_text=True)
    assert "<link" not in page and "<script" not in page and "R-1" in page
    assert "its value is withheld from you" in page and "Every chain is intact." in page
    json_file = client.get(f"/compliance/cases/{case.id}/evidence.json")
    assert len(json_file.headers["X-Content-SHA256"]) == 64 and '"reference": "R-1"' in json_file.get_data(as_text=True)
    download = client.get(f"/compliance/cases/{case.id}/evidence?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="evidence-R-1.html"'


def test_the_event_log_holds_the_completed_tasks_of_the_case(client, auth, case):
    auth.login_as("compliance_officer")
    rows = client.get("/compliance/event-log.csv?procedure=pre_return_visit").get_data(as_text=True).splitlines()
    assert len(rows) == 3 and all(r.startswith("R-1,") for r in rows[1:])
    xes = client.get("/compliance/event-log.xes?from=2026-12-23&to=2026-12-23").get_data(as_text=True)
    assert xes.count("<trace>") == 1 and xes.count("<event>") == 2


@pytest.mark.parametrize("role", ["employer", "process_owner", "occupational_physician"])
def test_no_one_else_may_export(client, auth, case, role):
    auth.login_as(role)
    for path, _ in routes(case.id):
        assert client.get(path).status_code == 403, path


def test_a_case_of_another_employer_is_not_found(client, auth, case):
    auth.login_as("compliance_officer", organisations=("Other BV",))
    assert client.get(f"/compliance/cases/{case.id}/evidence").status_code == 404
    assert client.get(f"/compliance/cases/{case.id}/evidence.json").status_code == 404
    assert client.get("/compliance/exports?reference=R-1").status_code == 404
    assert client.get("/compliance/event-log.csv").get_data(as_text=True).count("\n") == 1


def test_a_case_reference_opens_its_evidence_pack(client, auth, case):
    auth.login_as("compliance_officer")
    response = client.get("/compliance/exports?reference=R-1")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}/evidence")


@pytest.mark.parametrize("query", ["from=2027-13-01", "to=yesterday", "from=2027-02-01&to=2027-01-01",
                                   "procedure=no_such_procedure", "organisation=" + "x" * 201])
def test_bad_filters_are_refused_with_400(client, auth, case, query):
    auth.login_as("compliance_officer")
    assert client.get(f"/compliance/event-log.csv?{query}").status_code == 400
    assert client.get(f"/compliance/event-log.xes?{query}").status_code == 400
