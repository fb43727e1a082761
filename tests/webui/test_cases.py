"""The case file: parties, procedures and the deadline timeline, for the organisations of the case only."""

from __future__ import annotations

from datetime import date

import pytest

from tests.webui.conftest import open_law_case
from tests.webui.test_tasks import requested_visit


def test_the_case_file_shows_the_procedure_and_the_deadline_with_its_explanation(client, auth):
    case = requested_visit(auth.eng)
    auth.login_as("occupational_physician", username="oa1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "C-1" in page and "Acme NV" in page and "visit_demo" in page
    assert "08/01/2027" in page and "pending" in page and "Christmas Day" in page


@pytest.mark.parametrize("organisations", [("Other NV",), ()])
def test_typing_the_url_of_another_organisations_case_gives_404(client, auth, organisations):
    case = requested_visit(auth.eng)
    auth.login_as("employer", username="hr2", organisations=organisations)
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_a_case_that_does_not_exist_gives_404(client, auth):
    auth.login_as("employer", username="hr1")
    assert client.get("/cases/999").status_code == 404


def test_the_case_file_shows_only_the_fields_of_a_form_not_the_engines_own_variables(client, auth, law):
    """T04: the engine's verdict on a recorded request (request_admissible…) is no field of the form: the
    documents show the form's fields, in the reader's language, and nothing else."""
    case = open_law_case(law, "DOC-1", first_day=date(2026, 6, 1))
    law.start(case.id, "formal_reintegration", {}, actor="oa1")
    record = next(i for i in law.work_items(case_id=case.id) if i.task == "record_request")
    law.complete(record.id, {"request_received_on": "2026-12-21", "requested_by": "employee"}, actor="oa1")
    auth.login_as("employer", username="hr.doc")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Request received on" in page and "request_admissible" not in page
