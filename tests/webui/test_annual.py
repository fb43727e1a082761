"""The annual evaluation page and its downloadable document."""

from __future__ import annotations

import pytest

from tests.engine.test_annual import accepted_plan


@pytest.fixture
def played(law, clock):  # type: ignore[no-untyped-def]
    accepted_plan(law, clock, "RIT-1")


def test_an_officer_reads_the_year_with_charts_and_downloads_it(client, auth, law, played):
    auth.login_as("compliance_officer", username="co1", organisations=())
    page = client.get("/compliance/annual?employer=Acme+NV&year=2027").get_data(as_text=True)
    assert "1 re-integration trajectory started in 2027." in page and "<svg" in page
    assert "Mornings only" not in page, "only counts, never the contents"
    document = client.get("/compliance/annual?employer=Acme+NV&year=2027&download=1")
    assert document.headers["Content-Disposition"] == 'attachment; filename="annual-evaluation-2027.html"'
    assert "Median duration per step" in document.get_data(as_text=True)


def test_the_page_refuses_other_roles_other_employers_and_bad_years(client, auth, law, played):
    auth.login_as("compliance_officer", username="co1", organisations=("Other NV",))
    assert client.get("/compliance/annual?employer=Acme+NV&year=2027").status_code == 404
    assert client.get("/compliance/annual?year=abc").status_code == 400
    assert "Acme NV" not in client.get("/compliance/annual").get_data(as_text=True)


@pytest.mark.parametrize("role", ["employer", "process_owner", "occupational_physician"])
def test_only_overseers_reach_the_annual_evaluation(client, auth, law, role):
    auth.login_as(role, username=f"{role}-1")
    assert client.get("/compliance/annual?employer=Acme+NV&year=2027").status_code == 403
