"""Issue 15.5: finding a case by reference, worker or employer on the case list, the inbox and the cockpit, a page
at a time."""

from __future__ import annotations

import html
import re
from datetime import date

from tests.privacy.test_objection import twins  # noqa: F401 (a fixture)
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory


def open_case(eng, reference: str, employee: str, employer: str = "Acme NV") -> None:
    eng.open_case(reference=reference, employee=employee, employer=employer, first_day_of_incapacity=date(2026, 9, 1),
                  actor="hr1", with_follow_up=False, parties={"prevention_service": "Mensura"})


def shown(page: str, pattern: str = r"(?:DOS|BETA|RIT)-\d+") -> set[str]:
    return set(re.findall(pattern, page))


def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def test_the_case_list_finds_my_cases_by_reference_employee_or_employer_whatever_case_and_accents(client, auth):
    auth.login_as("employer")
    open_case(auth.eng, "DOS-1", "Éva Peeters", "Acme NV")
    open_case(auth.eng, "DOS-2", "Jan Janssens", "Acme NV")
    open_case(auth.eng, "BETA-1", "Eva Peeters", "Beta BV")
    assert shown(text(client, "/cases?q=EVA")) == {"DOS-1"}
    assert shown(text(client, "/cases?q=janssens+acme")) == {"DOS-2"}
    assert shown(text(client, "/cases?q=dos-")) == {"DOS-1", "DOS-2"}
    page = text(client, "/cases?q=beta")
    assert shown(page) == set() and "No case matches “beta”." in page


def test_the_case_list_comes_a_page_at_a_time_and_its_links_keep_the_search(client, auth):
    auth.login_as("employer")
    for number in range(1, 28):
        open_case(auth.eng, f"DOS-{number}", "Eva Peeters")
    open_case(auth.eng, "DOS-99", "Jan Janssens")
    first = text(client, "/cases?q=peeters&limit=25")
    assert len(shown(first)) == 25 and "cases found" not in first and "Previous page" not in first
    [following] = re.findall(r'href="(/cases\?q=peeters&limit=25&cursor=[^"]+)" ?>Next page', first)
    second = text(client, following)
    assert shown(second) == {"DOS-1", "DOS-2"} and "Next page" not in second
    [back] = re.findall(r'href="(/cases\?q=peeters&limit=25&cursor=[^"]+)" ?>Previous page', second)
    assert shown(text(client, back)) == shown(first) and 'href="/cases?q=peeters&limit=25">First page' in second
    assert "27 cases found." in text(client, "/cases?q=peeters")


def test_the_case_list_shows_status_running_procedures_and_next_legal_date_in_dutch(client, auth, law, clock):
    rit = Trajectory(law, clock)
    rit.do("record_request", REQUEST, "oa1")
    open_case(law, "DOS-1", "Jan Janssens")
    auth.login_as("occupational_physician", username="oa1")
    client.get("/?lang=nl")
    row = re.search(r"<tr><td><a[^>]*>RIT-1</a>.*?</tr>", text(client, "/cases"), re.S)
    assert row is not None
    assert "Procedure loopt" in row[0] and "Re-integratietraject" in row[0] and "22/02/2027" in row[0]
    assert "Nog geen procedure" in text(client, "/cases?q=janssens")


def test_the_inbox_finds_the_tasks_of_the_cases_searched_a_page_at_a_time(client, auth, law, clock):
    for number in range(1, 28):
        Trajectory(law, clock, reference=f"RIT-{number}")
    auth.login_as("occupational_physician", username="oa1")
    assert shown(text(client, "/?q=rit-7")) == {"RIT-7"}
    first = text(client, "/?q=peeters&sort=case&limit=25")
    [following] = re.findall(r'href="(/\?q=peeters&sort=case&limit=25&cursor=[^"]+)" ?>Next page', first)
    assert len(shown(first)) == 25 and len(shown(text(client, following))) == 2
    assert "No task of a case matching “nobody”." in text(client, "/?q=nobody")


def test_the_cockpit_finds_the_instances_of_the_cases_searched(client, auth, law, clock):
    Trajectory(law, clock, reference="RIT-1")
    Trajectory(law, clock, reference="RIT-2")
    auth.login_as("compliance_officer")
    page = text(client, "/compliance/instances?q=RIT-2")
    assert shown(page) == {"RIT-2"} and 'value="RIT-2"' in page
    assert "No instance of a case matching “nobody” matches these filters." in text(
        client, "/compliance/instances?q=nobody")


def test_the_employer_side_lists_a_case_as_if_the_workers_withheld_visit_did_not_exist(twins):  # noqa: F811
    law = twins.law

    def listed(user_id: int) -> dict:
        return {row.reference: (row.status, row.procedures, row.next_due_on)
                for row in law.find_cases(user_id, query="eva peeters").rows}

    for reader in (twins.hr, twins.officer):
        seen = listed(reader.id)
        assert seen["R-1"] == seen["R-2"] and "pre_return_visit" not in seen["R-1"][1]
    assert "pre_return_visit" in listed(twins.physician.id)["R-1"][1]
