"""The access log's retention: ``reintegra access-log purge`` and the scheduler's daily purge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from webui.cli import main


def read_case(eng: engine.Engine, clock: engine.SettableClock) -> None:
    """One read of one case, logged now."""
    case = eng.open_case(reference="R-1", employee="Eva", employer="Acme NV",
                         first_day_of_incapacity=clock.now().date(), actor="hr1", with_follow_up=False)
    hr = eng.create_user(username="hr1", password="correct horse battery", display_name="HR", roles=["employer"],
                         organisations=["Acme NV"], actor="test")
    eng.case_file(case.id, hr.id)


def test_the_scheduler_purges_past_the_retention_and_records_it(eng, clock):
    read_case(eng, clock)
    scheduler = engine.TimerScheduler(eng, access_log_retention_days=30)
    scheduler.purge_access_log()
    clock.advance(timedelta(days=31))
    scheduler.purge_access_log()
    purges = [e.after["deleted"] for e in eng.audit_trail("audit") if e.action == "access_log_purged"]
    assert purges == [0, 1]
    assert engine.TimerScheduler(eng).purge_access_log() is None  # no retention given: no purge job


def test_the_scheduler_plans_the_purge_daily_when_given_a_retention(eng):
    scheduler = engine.TimerScheduler(eng, access_log_retention_days=730)
    scheduler.start(paused=True)
    try:
        job = scheduler._scheduler.get_job("access-log-purge")
        assert job is not None and job.trigger.interval == timedelta(days=1)
    finally:
        scheduler.shutdown()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("REINTEGRA_DATABASE_URL", url)
    return url


def test_the_purge_command_takes_its_retention_from_the_environment(sqlite_env, monkeypatch):
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    result = CliRunner().invoke(main, ["access-log", "purge"])
    assert result.exit_code == 0 and "older than 730 days" in result.output
    monkeypatch.setenv("REINTEGRA_ACCESS_LOG_RETENTION_DAYS", "90")
    result = CliRunner().invoke(main, ["access-log", "purge"])
    assert result.exit_code == 0 and "older than 90 days" in result.output
    monkeypatch.setenv("REINTEGRA_ACCESS_LOG_RETENTION_DAYS", "never")
    result = CliRunner().invoke(main, ["access-log", "purge"])
    assert result.exit_code == 2 and "REINTEGRA_ACCESS_LOG_RETENTION_DAYS" in result.output
    assert CliRunner().invoke(main, ["access-log", "purge", "--days", "0"]).exit_code == 2
