"""The coded messages of the runtime: the limits a diagram meets while it runs, and a task no longer waiting.

Each code names an English template whose ``{name}`` fields the message fills in (``Coded.filled``); user
interfaces translate by code. A code never changes meaning: a new meaning gets a new code.
"""

from __future__ import annotations

from typing import Any

from ..errors import Coded

CODES = {
    "run.task_not_waiting": "task '{task}' is no longer waiting to be done",
    "run.endless_steps": "the diagram keeps running without waiting: more than {steps} automatic steps or {seconds} s "
                         "in one engine call",
    "run.too_many_instances": "a multi-instance activity may create at most {limit} instances, not {count}",
    "run.cardinality_too_high": "loop cardinality {value} is above the limit of {limit} instances",
    "run.failed": "the diagram failed while running: {detail}",
    "run.name_unset": "'{name}' has no value when this element runs: nothing set it on the path this case took",
    "run.code_failed": "the diagram's code stopped here ({kind}): check what it computes from the data the case has "
                       "at this point",
    "run.instance_changed": "instance {instance} changed since version {version}; reload it",
    "run.instance_not_running": "instance {instance} is {state}",
    "incident.resolved": "incident {incident} is already resolved",
    "incident.not_stopped": "instance {instance} is no longer stopped by an error",
}
"""Every runtime message a user may see, by code."""


def problem(code: str, **params: Any) -> Coded:
    """The runtime message ``code`` filled in with ``params``."""
    return Coded.filled(code, CODES[code], **params)
