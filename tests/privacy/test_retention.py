"""Issue 14.5: a closed case past its retention is pseudonymised; open cases, verdicts and the audit trail hold."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import engine
from engine.store.models import AuditEvent, Case, Deadline, ProcessInstance, User, WorkItem
from engine.store.paper_models import CaseComment, CaseDocument, Notification
from tests.engine.test_runtime import DEMO
from tests.security.test_audit_tampers import KEY
from webui.cli import main

MARK = "[pseudonymised]"
CLOSED = datetime(2027, 1, 5, 10, tzinfo=timezone.utc)


def visit(eng: engine.Engine, reference: str, employee: str, account: str, *, close: bool = True,
          received: str = "2026-12-23", held: str = "2027-01-05") -> int:
    case = eng.open_case(reference=reference, employee=employee, employer="Acme NV",
                         first_day_of_incapacity=date(2026, 9, 1), parties={"employee_account": account,
                                                                            "prevention_service": "Mensura"},
                         actor="hr1", with_follow_up=False)
    eng.start(case.id, "visit_demo", {}, actor=account)
    request = next(i for i in eng.work_items(role="employee") if i.case_id == case.id)
    eng.complete(request.id, {"request_received_on": received, "health_notes": f"back pain of {employee}"},
                 actor=account)
    if close:
        report = next(i for i in eng.work_items(role="occupational_physician") if i.case_id == case.id)
        eng.complete(report.id, {"held_on": held, "recommendations": "no lifting for three months"},
                     actor="oa1")
    return case.id


@pytest.fixture
def cases(eng: engine.Engine, clock: engine.SettableClock) -> tuple[int, int]:
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2026, 12, 23, 9, tzinfo=timezone.utc))
    open_case = visit(eng, "R-OPEN", "Bo Jansen", "bo", close=False)
    clock.set(CLOSED)
    return visit(eng, "R-CLOSED", "An Peeters", "an"), open_case


def rows(eng: engine.Engine, case_id: int) -> dict:
    with eng.database.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        items = list(session.scalars(sa.select(WorkItem).where(WorkItem.case_id == case_id).order_by(WorkItem.id)))
        deadlines = session.scalars(sa.select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id))
        events = session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case_id))
        states = session.scalars(sa.select(ProcessInstance.state_json).where(ProcessInstance.case_id == case_id))
        return {"reference": case.reference, "employee": case.employee, "parties": dict(case.parties),
                "data": [i.data for i in items if i.data], "completed_by": {i.completed_by for i in items},
                "verdicts": [(d.rule, d.due_on, d.state, d.closed_on) for d in deadlines],
                "events": " ".join(f"{e.actor} {e.before} {e.after}" for e in events), "state": " ".join(states)}


def test_the_schedule_counts_retention_from_the_last_instance_end(eng, cases, clock):
    closed, _ = cases
    [due] = eng.retention.retention_schedule()
    assert (due.case_id, due.closed_on, due.years, due.due_on) == (closed, date(2027, 1, 5), 10, date(2037, 1, 5))
    assert not due.is_due and eng.retention.pseudonymise_expired(actor="cli") == ()
    clock.set(datetime(2037, 1, 5, 9, tzinfo=timezone.utc))
    assert [d.case_id for d in eng.retention.retention_schedule(due_only=True)] == [closed]


def test_a_closed_case_past_retention_is_pseudonymised_and_an_open_one_is_not(eng, cases, clock):
    closed, still_open = cases
    before, open_before = rows(eng, closed), rows(eng, still_open)
    assert "An Peeters" in before["events"] and "back pain" in before["state"]
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    assert [d.case_id for d in eng.retention.pseudonymise_expired(actor="scheduler")] == [closed]
    after = rows(eng, closed)
    assert after["reference"].startswith("P-") and after["employee"] == MARK
    assert after["parties"] == {"employee_account": MARK, "prevention_service": "Mensura"}
    assert after["data"] == [{"request_received_on": "2026-12-23", "health_notes": MARK},
                             {"held_on": "2027-01-05", "recommendations": MARK}]
    assert after["completed_by"] == {MARK, "oa1"}
    assert after["verdicts"] == before["verdicts"] and after["verdicts"]
    for secret in ("An Peeters", "back pain", "no lifting", "R-CLOSED"):
        assert secret not in after["events"] and secret not in after["state"]
    assert rows(eng, still_open) == open_before
    assert eng.verify_audit().is_intact
    assert eng.retention.pseudonymise_expired(actor="scheduler") == ()


def test_the_pseudonymisation_is_one_audited_event_listing_what_it_redacted(eng, cases, clock):
    closed, _ = cases
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    eng.retention.pseudonymise_expired(actor="scheduler")
    [event] = [e for e in eng.audit_trail(f"case:{closed}") if e.action == "case_pseudonymised"]
    assert event.actor == "scheduler" and event.after["retention_years"] == 10
    assert event.after["closed_on"] == "2027-01-05" and event.after["redacted_events"]


def test_editing_a_redacted_event_that_no_pseudonymisation_lists_is_found(eng, cases, clock):
    closed, still_open = cases
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    eng.retention.pseudonymise_expired(actor="scheduler")
    with eng.database.unit_of_work() as session:
        event = session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == still_open)).first()
        assert event is not None
        event.after, event.redacted_at = {"reference": MARK}, datetime(2037, 2, 1, tzinfo=timezone.utc)
        session.commit()
    result = eng.verify_audit()
    assert not result.is_intact and "data does not match its digest" in (result.broken or "")


def test_the_cli_lists_what_is_due_runs_it_and_the_trail_verifies(eng, clock, database_url, monkeypatch, tmp_path):
    """The command runs on the real clock: the case closed in January 2024 and is kept one year (override)."""
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2024, 1, 5, 10, tzinfo=timezone.utc))
    closed = visit(eng, "R-CLI", "An Peeters", "an", received="2023-12-22", held="2024-01-05")
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", database_url)
    monkeypatch.setenv("REINTEGRA_RETENTION_YEARS", '{"visit_demo": 1}')
    listed = CliRunner().invoke(main, ["retention", "due"])
    assert listed.exit_code == 0 and "R-CLI" in listed.output and "1 case(s) due" in listed.output, listed.output
    monkeypatch.setenv("REINTEGRA_AUDIT_ANCHOR_KEY", KEY)
    assert CliRunner().invoke(main, ["audit", "checkpoint", "--dir", str(tmp_path)]).exit_code == 0
    run = CliRunner().invoke(main, ["retention", "run"])
    assert run.exit_code == 0 and f"case {closed} pseudonymised" in run.output, run.output
    anchor = next(tmp_path.glob("audit-anchor-*.json"))
    verified = CliRunner().invoke(main, ["audit", "verify", "--anchor", str(anchor)])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
    assert "the database matches" in verified.output


def test_overseers_see_what_is_due_and_others_may_not(app, auth, client, clock):
    eng = app.extensions["reintegra"]
    eng.deploy(DEMO, actor="owner")
    clock.set(CLOSED)
    visit(eng, "R-CLOSED", "An Peeters", "an")
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    auth.login_as("compliance_officer", username="co")
    page = client.get("/compliance/retention").get_data(as_text=True)
    assert "R-CLOSED" in page and "2037-01-05" in page and 'class="overdue"' in page
    auth.login_as("employer", username="boss")
    assert client.get("/compliance/retention").status_code == 403


def test_editing_a_pseudonymised_work_item_afterwards_is_found(eng, cases, clock, database_url):
    closed, _ = cases
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    eng.retention.pseudonymise_expired(actor="scheduler")
    with eng.database.unit_of_work() as session:
        query = sa.select(WorkItem).where(WorkItem.case_id == closed, WorkItem.data.is_not(None))
        item = session.scalars(query).first()
        assert item is not None
        item.data = {**item.data, "health_notes": "put back"}
        session.commit()
    result = eng.verify_audit()
    assert not result.is_intact and "row edited" in (result.broken or "")


def test_the_catalogue_sets_each_procedures_retention_and_the_configuration_overrides_it(database_url, clock):
    configured = engine.Engine(database_url, clock=clock, retention_years={"pre_return_visit": 20})
    try:
        years = configured.retention.retention_years()
    finally:
        configured.close()
    assert years["pre_return_visit"] == 20 and years["formal_reintegration"] == 15
    assert years["incapacity_follow_up"] == 10


def test_a_retention_that_is_no_whole_number_of_years_is_refused(tmp_path):
    from engine.law import catalogue

    path = tmp_path / "catalogue.toml"
    path.write_text('[visit]\ntitle = { en = "V", nl = "V", fr = "V" }\nstarted_by = ["employer"]\n'
                    'starts_with_case = false\nretention_years = "forever"\n')
    with pytest.raises(engine.InvalidModel) as refused:
        catalogue.load(path)
    assert "retention_years" in str(refused.value.problems)


def test_a_case_closed_on_29_february_is_due_on_28_february():
    from engine.oversight.retention import add_years

    assert add_years(date(2028, 2, 29), 10) == date(2038, 2, 28)
    assert add_years(date(2027, 1, 5), 15) == date(2042, 1, 5)


def test_a_short_account_inside_another_word_is_kept_and_the_name_inside_a_text_goes():
    from engine.oversight.pseudonymisation import Scrubber

    scrub = Scrubber(Case(reference="R-1", employee="Eva Peeters", parties={"employee_account": "eva"}))
    assert scrub.known({"step": "evaluation", "by": "eva", "note": "call Eva Peeters"}) == {
        "step": "evaluation", "by": MARK, "note": MARK}


def test_the_scheduler_runs_the_retention_daily(eng, cases, clock):
    from engine.runtime.scheduler import DAY_SECONDS, RETENTION_JOB

    closed, _ = cases
    scheduler = engine.TimerScheduler(eng, sweep_seconds=60)
    scheduler.start(paused=True)
    try:
        job = scheduler._scheduler.get_job(RETENTION_JOB)
        assert job is not None and job.trigger.interval.total_seconds() == DAY_SECONDS
        clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
        scheduler.retain()
    finally:
        scheduler.shutdown()
    assert rows(eng, closed)["employee"] == MARK


def test_a_pseudonymised_case_still_gives_its_evidence_pack_and_trace(app, auth, client, clock):
    eng = app.extensions["reintegra"]
    eng.deploy(DEMO, actor="owner")
    clock.set(CLOSED)
    closed = visit(eng, "R-CLOSED", "An Peeters", "an")
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    eng.retention.pseudonymise_expired(actor="scheduler")
    auth.login_as("compliance_officer", username="co")
    pack = client.get(f"/compliance/cases/{closed}/evidence")
    assert pack.status_code == 200
    text = pack.get_data(as_text=True)
    assert "P-" in text and "An Peeters" not in text and "R-CLOSED" not in text
    [instance] = eng.instances(closed)
    assert client.get(f"/compliance/instances/{instance.id}").status_code == 200


def test_a_case_that_fails_is_left_for_the_next_run_and_the_others_go_on(eng, cases, clock, monkeypatch):
    from engine.oversight import pseudonymisation

    closed, _ = cases
    other = visit(eng, "R-OTHER", "Cas Maes", "cas")
    real = pseudonymisation.pseudonymise

    def failing(session, case, *args, **kwargs):
        if case.id == closed:
            raise ValueError("a broken row")
        return real(session, case, *args, **kwargs)

    monkeypatch.setattr(pseudonymisation, "pseudonymise", failing)
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    assert [d.case_id for d in eng.retention.pseudonymise_expired(actor="scheduler")] == [other]
    assert rows(eng, closed)["employee"] == "An Peeters"
    monkeypatch.setattr(pseudonymisation, "pseudonymise", real)
    assert [d.case_id for d in eng.retention.pseudonymise_expired(actor="scheduler")] == [closed]
    assert eng.verify_audit().is_intact


PDF = b"%PDF-1.4\n% a doctor's letter about An Peeters\n%%EOF\n"


def test_pseudonymising_erases_the_cases_files_comments_and_notifications(eng, cases, clock, tmp_path):
    closed, still_open = cases
    eng.files.directory = tmp_path
    an = eng.create_user(username="an", password="long enough password", display_name="An Peeters",
                         roles=["employee"], actor="test")
    letter = eng.case_documents.upload(closed, filename="letter of An.pdf", content=PDF, classification="medical",
                                       title="Letter of dr. Peeters about An", user_id=an.id)
    only_here = eng.case_documents.upload(closed, filename="scan.pdf", content=PDF + b"% page 2\n",
                                          classification="medical", user_id=an.id)
    kept = eng.case_documents.upload(still_open, filename="same.pdf", content=PDF, classification="medical",
                                     user_id=eng.create_user(username="bo", password="long enough password",
                                                             display_name="Bo", roles=["employee"], actor="t").id)
    with eng.database.unit_of_work() as session:
        session.add(CaseComment(case_id=closed, classification="personal", body="An phoned about her back",
                                created_at=CLOSED, created_by="an"))
        session.add(Notification(user_id=an.id, key="task:test", kind="task", case_id=closed, params={},
                                 created_at=CLOSED, mail_state="none"))
        session.commit()
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))

    assert [d.case_id for d in eng.retention.pseudonymise_expired(actor="scheduler")] == [closed]

    with eng.database.unit_of_work() as session:
        document = session.get(CaseDocument, letter.id)
        comment = session.scalars(sa.select(CaseComment).where(CaseComment.case_id == closed)).one()
        assert (document.title, document.filename, document.content, document.created_by) == (MARK, MARK, None, MARK)
        assert document.sha256 == letter.sha256
        assert (comment.body, comment.created_by) == (MARK, MARK)
        assert session.scalars(sa.select(Notification).where(Notification.case_id == closed)).all() == []
    with pytest.raises(engine.NotFound):
        eng.case_documents.download(closed, letter.id, user_id=an.id)
    assert eng.case_documents.download(still_open, kept.id, user_id=kept_owner(eng))[1] == PDF
    assert not (tmp_path / only_here.sha256[:2] / only_here.sha256).exists()
    assert eng.verify_audit().is_intact


def kept_owner(eng: engine.Engine) -> int:
    with eng.database.unit_of_work() as session:
        return session.scalars(sa.select(User.id).where(User.username == "bo")).one()
