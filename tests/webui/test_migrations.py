"""The migration pages: preview per instance, migrate one or all eligible with a reason, the list, revert."""

from __future__ import annotations

import re

import pytest

from tests.engine import test_instance_moves as moves
from tests.scenarios.conftest import at
from tests.webui.conftest import csrf_token

OTHER_ROLES = ("employer", "occupational_physician", "compliance_officer", "advisory_physician")


def visit(law, reference: str, *, recorded: bool = True) -> int:  # type: ignore[no-untyped-def]
    return moves.visit(law, reference, recorded=recorded).id


def second_version(law, owner_id: int, change) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return moves.new_version(law, law.user(owner_id), change)


longer_term, visit_by_employer = moves.faster_rule, moves.visit_by_employer


@pytest.fixture
def setup(app, auth, law, clock):  # type: ignore[no-untyped-def]
    clock.set(at(2026, 12, 23))
    owner = auth.login_as("process_owner", username="po1")
    return owner


def test_the_preview_lists_each_instance_with_what_changes_and_the_index_links_it(client, setup, law):
    instance = visit(law, "PRV-1")
    old, new = second_version(law, setup.id, longer_term)
    assert "Migrate running instances" in client.get("/models").get_data(as_text=True)
    page = client.get(f"/models/migrate?old={old}&new={new}").get_data(as_text=True)
    assert "PRV-1" in page and f'value="{instance}"' in page
    assert 'Deadline "10 working days passed (T15)": T15 due 08/01/2027 → T08 due 10/02/2027.' in page


def test_the_preview_says_which_fields_the_form_of_an_open_task_gains_and_loses(client, setup, law):
    visit(law, "PRV-F")
    old, new = moves.form_version(law, law.user(setup.id))
    page = client.get(f"/models/migrate?old={old}&new={new}").get_data(as_text=True).replace("&#34;", '"')
    assert 'The form of open task "Hold the pre-return visit" gains the field next_visit_on.' in page
    assert "loses the field travel_costs_eur" in page and "changes the field held_on" in page


def test_migrating_all_eligible_needs_a_reason_and_lists_the_refused(client, setup, law):
    busy, fresh = visit(law, "PRV-1"), visit(law, "PRV-2", recorded=False)
    old, new = second_version(law, setup.id, visit_by_employer)
    page = client.get(f"/models/migrate?old={old}&new={new}").get_data(as_text=True)
    assert '"Hold the pre-return visit" (in progress) moves to another lane: Occupational physician → Employer.' in page
    token = csrf_token(client, "/models")
    refused = client.post("/models/migrate", data={"old": old, "new": new, "instance": "all", "reason": "",
                                                   "csrf_token": token})
    assert refused.status_code == 422 and "a migration needs a reason" in refused.get_data(as_text=True)
    done = client.post("/models/migrate", data={"old": old, "new": new, "instance": "all",
                                                "reason": "employers hold visits", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 instance moved." in done and "Not moved (see why in the preview): PRV-1." in done
    assert "employers hold visits" in done
    assert (law.instance(busy).version, law.instance(fresh).version) == (1, 2)


def test_one_instance_migrates_and_is_reverted_with_a_reason(client, setup, law):
    first, second = visit(law, "PRV-1"), visit(law, "PRV-2")
    old, new = second_version(law, setup.id, longer_term)
    token = csrf_token(client, "/models")
    client.post("/models/migrate", data={"old": old, "new": new, "instance": str(second), "reason": "pilot",
                                         "csrf_token": token})
    assert (law.instance(first).version, law.instance(second).version) == (1, 2)
    page = client.get("/models/migrations").get_data(as_text=True)
    migration_id = int(re.search(r'/models/migrations/(\d+)/revert', page).group(1))
    assert client.post(f"/models/migrations/{migration_id}/revert", data={"reason": "", "csrf_token": token},
                       follow_redirects=True).status_code == 200
    assert law.instance(second).version == 2, "no revert without a reason"
    back = client.post(f"/models/migrations/{migration_id}/revert", data={"reason": "pilot over", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Case PRV-2 is back on version 1." in back and "Reverted" in back
    assert law.instance(second).version == 1
    again = client.post(f"/models/migrations/{migration_id}/revert", data={"reason": "again", "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "Not reverted" in again


def test_bad_requests_are_refused(client, setup, law):
    old, new = second_version(law, setup.id, longer_term)
    token = csrf_token(client, "/models")
    assert client.get("/models/migrate?old=x&new=2").status_code == 400
    assert client.post("/models/migrate", data={"old": old, "new": new, "reason": "r", "instance": "x",
                                                "csrf_token": token}).status_code == 400
    assert client.post("/models/migrate", data={"old": old, "new": new, "reason": "r"}).status_code == 400
    assert client.get(f"/models/migrate?old={old}&new=99999").status_code == 404


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_process_owners_and_admins_migrate(client, auth, law, clock, role):
    clock.set(at(2026, 12, 23))
    owner = law.create_user(username="po0", password="correct horse battery", display_name="P",
                            roles=["process_owner"], actor="t")
    instance = visit(law, "PRV-1")
    old, new = second_version(law, owner.id, longer_term)
    [migration] = law.migrate_instances(old, new, reason="r", user_id=owner.id).moved
    auth.login_as(role, username=f"{role}-1")
    token = csrf_token(client, "/")
    assert client.get(f"/models/migrate?old={old}&new={new}").status_code == 403
    assert client.post("/models/migrate", data={"old": old, "new": new, "reason": "r", "instance": "all",
                                                "csrf_token": token}).status_code == 403
    assert client.get("/models/migrations").status_code == 403
    assert client.post(f"/models/migrations/{migration.id}/revert", data={"reason": "r", "csrf_token": token}
                       ).status_code == 403
    assert law.instance(instance).version == 2


def test_an_admin_may_migrate(client, auth, law, clock):
    clock.set(at(2026, 12, 23))
    admin = auth.login_as("admin", username="root")
    visit(law, "PRV-1")
    old, new = second_version(law, admin.id, longer_term)
    assert client.get(f"/models/migrate?old={old}&new={new}").status_code == 200
