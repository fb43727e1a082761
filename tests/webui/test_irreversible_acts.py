"""Acts that cannot be undone: the page shows what is decided, in full, above the choice, and asks for confirmation."""

from __future__ import annotations

import pytest

from tests.privacy.parties import name_parties
from tests.webui.conftest import csrf_token
from tests.webui.test_medical_data import assessed  # noqa: F401 (a fixture)

PLAN = {"kind": "plan", "delivered_on": "2027-01-12", "valid_from": "2027-01-20", "valid_until": "2027-06-30",
        "consulted_on": "2027-01-12", "measures": [{"measure": "Standing desk on the third floor"}],
        "workstation_adaptations": "Mornings only, at the front desk"}
REPLY = {"decision": "accept", "replied_on": "2027-01-12"}


@pytest.fixture
def plan_to_sign(assessed, auth, law):  # noqa: F811  # type: ignore[no-untyped-def]
    """The worker ``an`` signed in, with the plan delivered and her reply task open."""
    name_parties(law, assessed.case.id, employee_account="an")
    assessed.do("draft", PLAN, "oa1")
    auth.login_as("employee", username="an")
    return assessed.item("reply")


@pytest.mark.parametrize(("language", "heading", "warning"), [
    ("nl", "Waarover u beslist", "Dit kan niet ongedaan worden gemaakt."),
    ("fr", "Ce sur quoi vous décidez", "Ceci ne peut pas être annulé."),
])
def test_the_worker_reads_the_whole_plan_above_her_answer_in_her_language(client, plan_to_sign, language, heading,
                                                                           warning):
    client.get(f"/?lang={language}")
    page = client.get(f"/tasks/{plan_to_sign.id}").get_data(as_text=True)
    shown, form = page.split('<form method="post" novalidate', 1)
    assert heading in shown and "Standing desk on the third floor" in shown
    assert "Mornings only, at the front desk" in shown
    assert warning in form and 'name="confirmed"' in form


def test_an_answer_without_confirmation_is_refused_and_loses_nothing(client, plan_to_sign, law):
    path = f"/tasks/{plan_to_sign.id}"
    refused = client.post(path, data={**REPLY, "csrf_token": csrf_token(client, path)})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="confirmed-error">Confirm your answer: it cannot be undone.' in page
    assert 'value="2027-01-12"' in page  # what was typed stays
    assert plan_to_sign.id in {i.id for i in law.work_items(case_id=plan_to_sign.case_id)}  # still open

    done = client.post(path, data={**REPLY, "confirmed": "yes", "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302
    assert plan_to_sign.id in {i.id for i in law.work_items(case_id=plan_to_sign.case_id, state="completed")}
