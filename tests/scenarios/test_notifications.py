"""Who is told what, and once: the sweep's rules through a pre-return visit (T15, due 8 January 2027)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

import engine
from engine.law import deadline_rules
from tests.scenarios.conftest import PROCESSES, at, do
from tests.scenarios.test_pre_return_visit import REQUEST
from tests.webui.conftest import LAW_PARTIES


def person(eng: engine.Engine, username: str, role: str, organisations: list[str]) -> engine.UserView:
    return eng.create_user(username=username, password="correct horse battery", display_name=username,
                           roles=[role], organisations=organisations, language="nl", actor="test")


def requested(eng: engine.Engine, clock: engine.SettableClock) -> engine.CaseView:
    clock.set(at(2026, 12, 23))
    case = eng.open_case(reference="PRV-9", employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), parties=dict(LAW_PARTIES), actor="hr1",
                         with_follow_up=False)
    eng.start(case.id, "pre_return_visit", {}, actor="oa1")
    do(eng, case.id, "record_request", REQUEST)
    return case


def kinds(eng: engine.Engine, user: engine.UserView) -> list[str]:
    return sorted(n.kind for n in eng.notifications.page(user.id).rows)


def test_only_the_people_whose_inbox_shows_the_task_are_told(law, clock):
    mine = person(law, "oa1", "occupational_physician", ["Mensura"])
    elsewhere = person(law, "oa2", "occupational_physician", ["IDEWE"])
    hr = person(law, "hr1", "employer", ["Acme NV"])
    requested(law, clock)
    assert law.notifications.sweep() == 1
    assert (kinds(law, mine), kinds(law, elsewhere), kinds(law, hr)) == (["task"], [], [])


def test_a_restarted_worker_and_a_second_worker_tell_nobody_twice(law, database_url, clock):
    oa = person(law, "oa1", "occupational_physician", ["Mensura"])
    requested(law, clock)
    law.notifications.sweep()
    clock.set(at(2027, 1, 9, 0, 0, 1))
    law.fire_due_timers()
    restarted = engine.Engine(database_url, clock=clock)
    try:
        assert restarted.notifications.sweep() == 2          # the term expired, the late visit's task arrived
        assert law.notifications.sweep() == 0 and restarted.notifications.sweep() == 0
    finally:
        restarted.close()
    assert kinds(law, oa) == ["expired", "task", "task"]


def t15_notified_before(folder: Path, days: str) -> Path:
    """The shipped rules with T15's ``notify_before_working_days`` set to ``days``."""
    rules = folder / "deadlines.toml"
    setting = f'name = "pre_return_visit"\nnotify_before_working_days = {days}'
    rules.write_text(deadline_rules.RULES_FILE.read_text().replace('name = "pre_return_visit"', setting, 1))
    return rules


@pytest.mark.parametrize(("day", "told"), [(5, ["task"]), (6, ["near", "task"]), (7, ["near", "task"])])
def test_a_rule_says_how_many_working_days_before_its_due_date_a_term_is_near(database_url, clock, tmp_path, day, told):
    """T15 set to 2 working days: the term due on Friday 8 January is near from Wednesday 6 January on."""
    eng = engine.Engine(database_url, clock=clock, rules_path=t15_notified_before(tmp_path, "2"))
    try:
        eng.deploy(sorted(Path(PROCESSES).glob("*.bpmn")), actor="process_owner")
        oa = person(eng, "oa1", "occupational_physician", ["Mensura"])
        requested(eng, clock)
        eng.notifications.sweep()
        clock.set(at(2027, 1, day))
        eng.notifications.sweep()
        assert kinds(eng, oa) == told
    finally:
        eng.close()


def test_a_bad_notice_setting_is_refused_with_the_rules(tmp_path):
    with pytest.raises(engine.InvalidModel):
        deadline_rules.load_rules(t15_notified_before(tmp_path, "-1"))


def test_the_first_sweep_of_an_installation_does_not_tell_old_tasks(law, clock):
    oa = person(law, "oa1", "occupational_physician", ["Mensura"])
    requested(law, clock)
    clock.advance(timedelta(days=8))
    assert law.notifications.sweep() == 0 and kinds(law, oa) == []
