"""Corrected verdicts on the pages: the case file, the trace, the evidence pack, the dashboard and its drill-down."""

from __future__ import annotations

from tests.scenarios.test_formal_reintegration import Trajectory, decision

YEAR = "period_from=2027-01-01&period_to=2027-12-31"
CORRECTED = "corrected: recorded after the reminder, dated in time"


def corrected_t08(law, clock) -> Trajectory:  # type: ignore[no-untyped-def]
    """T08 due on 22 February 2027: the timer fired, the assessment decided on the 20th was recorded on the 24th."""
    rit = Trajectory(law, clock)
    rit.examined()
    rit.until(2027, 2, 24)
    rit.do("assess", decision("C", on="2027-02-20"), "oa1")
    return rit


def test_T08_a_corrected_verdict_shows_its_history_on_every_page(client, auth, law, clock):
    """T08: met (corrected), with the first verdict, the act's date, when and by whom it was recorded."""
    rit = corrected_t08(law, clock)
    auth.login_as("admin")
    history = "First verdict: missed, when the timer fired. Act dated 20/02/2027, recorded on"
    for path in (f"/cases/{rit.case.id}", f"/compliance/instances/{rit.instance.id}",
                 f"/compliance/cases/{rit.case.id}/evidence"):
        page = client.get(path).get_data(as_text=True)
        assert CORRECTED in page and history in page and "by oa1" in page, path
    board = client.get(f"/compliance/dashboard?{YEAR}").get_data(as_text=True)
    assert "Corrected" in board and "/compliance/dashboard/drilldown?rule=T08&amp;outcome=corrected" in board
    drill = client.get(f"/compliance/dashboard/drilldown?rule=T08&outcome=corrected&{YEAR}").get_data(as_text=True)
    assert "RIT-1" in drill and "missed → met (corrected)" in drill and "20/02/2027" in drill
