"""The engine's own walk of a task tree finds what SpiffWorkflow's ``get_tasks`` finds, in the same order, at every
step of a procedure with a called process, loops and timers (the formal trajectory's invitations)."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from engine.runtime import projection, task_walk
from tests.engine.test_pruning import invitations
from tests.scenarios import conftest as scenarios
from tests.scenarios.test_formal_reintegration import Trajectory

law = scenarios.law


def test_the_walk_finds_the_ready_and_waiting_tasks_that_get_tasks_finds_at_every_step(law, clock, monkeypatch):
    mismatches, called_seen, steps = [], 0, 0
    scan = projection._scan

    def compared(workflow):  # type: ignore[no-untyped-def]
        nonlocal called_seen, steps
        expected = [t.id for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)]
        walked = [t for t in task_walk.definite(workflow) if t.state in (TaskState.READY, TaskState.WAITING)]
        automatic = bool(workflow.get_tasks(state=TaskState.READY, manual=False))
        if [t.id for t in walked] != expected or task_walk.has_ready_automatic(workflow) != automatic:
            mismatches.append((expected, [t.id for t in walked]))
        called_seen += any(t.workflow is not workflow for t in walked)
        steps += 1
        return scan(workflow)

    monkeypatch.setattr(projection, "_scan", compared)
    invitations(Trajectory(law, clock), finish=True)
    assert mismatches == []
    assert steps > 20 and called_seen > 5  # the walks went into the called invitation process
