"""Issue 14 point 3: every read of a case is logged in the access log, apart from the audit trail."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

import engine
from engine.store import access_log


def user(law: engine.Engine, name: str, *roles: str, organisations: tuple[str, ...] = ("Acme NV",)) -> engine.UserView:
    return law.create_user(username=name, password="correct horse battery", display_name=name, roles=list(roles),
                           organisations=list(organisations), actor="test")


def officer(law: engine.Engine) -> engine.UserView:
    return user(law, "co1", "compliance_officer", organisations=())


def rows(law: engine.Engine, **filters) -> list[engine.AccessEntry]:  # type: ignore[no-untyped-def]
    return list(law.access_reviews.access_log(officer(law).id, **filters).entries)


def test_a_case_file_read_is_logged_with_the_classes_it_showed(law, assessed):
    physician, hr = user(law, "oa1", "occupational_physician"), user(law, "hr1", "employer")
    law.case_file(assessed.case.id, physician.id)
    law.case_file(assessed.case.id, hr.id)
    by_user = {r.username: r for r in rows(law, case_id=assessed.case.id)}
    assert by_user["oa1"].surface == "case_file" and "medical" in by_user["oa1"].classifications
    assert by_user["hr1"].roles == ("employer",) and "medical" not in by_user["hr1"].classifications
    assert by_user["hr1"].classifications[0] == "case" and by_user["hr1"].case_reference == "RIT-1"
    assert [e.action for e in law.audit_trail(f"case:{assessed.case.id}")].count("medical_data_read") == 1


def test_a_task_read_is_logged_with_its_work_item(law, assessed):
    hr = user(law, "hr1", "employer")
    item = assessed.item("draft")
    law.task(item.id, hr.id)
    [row] = [r for r in rows(law) if r.surface == "task"]
    assert (row.username, row.case_id, row.target) == ("hr1", assessed.case.id, str(item.id))
    assert "medical" not in row.classifications


def test_a_refused_read_logs_nothing(law, assessed):
    stranger = user(law, "hr9", "employer", organisations=("Other NV",))
    with pytest.raises(engine.NotFound):
        law.case_file(assessed.case.id, stranger.id)
    with pytest.raises(engine.NotFound):
        law.task(assessed.item("draft").id, stranger.id)
    assert law.cases(stranger.id) == []
    assert rows(law, username="hr9") == []


def test_oversight_reads_are_logged_per_case_shown(law, assessed, clock):
    co = officer(law)
    law.instance_trace(assessed.instance.id, user_id=co.id)
    law.evidence_pack(assessed.case.id, user_id=co.id)
    law.event_log(user_id=co.id, export_format="xes")
    law.find_instances(user_id=co.id)
    found = {(r.surface, r.target): r for r in law.access_reviews.access_log(co.id, username="co1").entries}
    assert set(found) == {("trace", str(assessed.instance.id)), ("evidence", None), ("export", "xes"),
                          ("search", "instances")}
    assert all(r.case_id == assessed.case.id and "medical" not in r.classifications for r in found.values())


def test_the_log_is_read_within_the_officers_scope_per_case_and_per_user(law, assessed):
    hr = user(law, "hr1", "employer")
    law.case_file(assessed.case.id, hr.id)
    other = user(law, "co2", "compliance_officer", organisations=("Other NV",))
    own = user(law, "co3", "compliance_officer", organisations=("Acme NV",))
    assert law.access_reviews.access_log(other.id).entries == ()
    assert law.access_reviews.access_log(other.id, username="hr1").total == 0
    assert [r.username for r in law.access_reviews.access_log(own.id, case_reference="RIT-1").entries] == ["hr1"]
    assert law.access_reviews.access_log(own.id, case_reference="RIT-2").total == 0
    with pytest.raises(engine.NotAllowed):
        law.access_reviews.access_log(hr.id)


def test_the_log_pages_newest_first_and_filters_by_date(law, assessed, clock):
    hr = user(law, "hr1", "employer")
    for _ in range(3):
        law.case_file(assessed.case.id, hr.id)
        clock.advance(timedelta(days=1))
    co = officer(law)
    page = law.access_reviews.access_log(co.id, username="hr1", per_page=2)
    assert (page.total, page.pages, page.has_next, len(page.entries)) == (3, 2, True, 2)
    assert page.entries[0].at > page.entries[1].at
    today = law.today()
    assert law.access_reviews.access_log(co.id, username="hr1", since=today - timedelta(days=1)).total == 1
    assert law.access_reviews.access_log(co.id, username="hr1", until=today - timedelta(days=2)).total == 2
    with pytest.raises(engine.InvalidInput):
        law.access_reviews.access_log(co.id, page=0)


def test_the_purge_deletes_rows_older_than_the_retention_and_is_audited(law, assessed, clock):
    hr = user(law, "hr1", "employer")
    law.case_file(assessed.case.id, hr.id)
    clock.advance(timedelta(days=10))
    law.case_file(assessed.case.id, hr.id)
    assert law.access_reviews.purge_access_log(retention_days=10, actor="cron") == 0
    clock.advance(timedelta(days=1))
    assert law.access_reviews.purge_access_log(retention_days=10, actor="cron") == 1
    assert law.access_reviews.access_log(officer(law).id, username="hr1").total == 1
    purges = [e for e in law.audit_trail("audit") if e.action == "access_log_purged"]
    assert [(e.actor, e.after["deleted"], e.after["retention_days"]) for e in purges] == [("cron", 0, 10),
                                                                                          ("cron", 1, 10)]
    with pytest.raises(engine.InvalidInput):
        law.access_reviews.purge_access_log(retention_days=0)


def test_a_failed_log_write_never_breaks_the_read_and_says_so(law, assessed, monkeypatch, caplog):
    hr = user(law, "hr1", "employer")
    real = access_log.AccessLogEntry
    monkeypatch.setattr(access_log, "AccessLogEntry", lambda **kw: real(**{**kw, "username": None}))
    with caplog.at_level(logging.ERROR, logger="engine.store.access_log"):
        file = law.case_file(assessed.case.id, hr.id)
    assert file.case.reference == "RIT-1"
    assert "was not logged" in caplog.text
    monkeypatch.setattr(access_log, "AccessLogEntry", real)
    assert rows(law) == []


def test_the_case_list_logs_one_row_per_case_shown(law, assessed):
    second = law.open_case(reference="RIT-2", employee="Bo", employer="Acme NV",
                           first_day_of_incapacity=assessed.case.first_day_of_incapacity, actor="hr1",
                           with_follow_up=False)
    law.open_case(reference="OTHER-1", employee="Cy", employer="Other NV",
                  first_day_of_incapacity=assessed.case.first_day_of_incapacity, actor="hr9", with_follow_up=False)
    hr = user(law, "hr1", "employer")
    assert len(law.cases(hr.id)) == 2
    listed = rows(law, username="hr1")
    assert sorted(r.case_id for r in listed) == sorted([assessed.case.id, second.id])
    assert {(r.surface, r.target, r.classifications) for r in listed} == {("search", "cases", ("case",))}


def test_classes_that_cannot_be_computed_are_logged_as_unknown(law, assessed, monkeypatch, caplog):
    hr = user(law, "hr1", "employer")

    def broken(*args):  # type: ignore[no-untyped-def]
        raise RuntimeError("form store unreachable")

    monkeypatch.setattr(access_log, "classes_shown", broken)
    with caplog.at_level(logging.ERROR, logger="engine.store.access_log"):
        assert law.task(assessed.item("draft").id, hr.id).case.reference == "RIT-1"
    assert "are unknown" in caplog.text
    [row] = rows(law, username="hr1")
    assert row.classifications == ("unknown",)
