"""Reintegra's engine: the one front door to processes, cases, deadlines and timers."""

from .api import Engine, compute_deadline
from .audit import Verification
from .catalogue import Procedure
from .clock import Clock, SettableClock, SystemClock
from .deadlines import Computation
from .errors import Conflict, EngineError, InvalidInput, InvalidModel, NotAllowed, NotFound, Problem
from .scheduler import TimerScheduler
from .views import (
    AuditEventView,
    CaseFile,
    CaseView,
    DeadlineView,
    Delivery,
    Document,
    DocumentField,
    EventOption,
    InstanceView,
    StartOption,
    Task,
    TimerRun,
    TimerView,
    Trace,
    UserView,
    Version,
    WorkItemView,
)

__all__ = [
    "AuditEventView", "CaseFile", "CaseView", "Clock", "Computation", "Conflict", "DeadlineView", "Delivery",
    "Document", "DocumentField", "Engine", "EngineError", "EventOption", "InstanceView", "InvalidInput",
    "InvalidModel", "NotAllowed", "NotFound", "Problem", "Procedure", "SettableClock", "StartOption", "SystemClock",
    "Task", "TimerRun", "TimerScheduler", "TimerView", "Trace", "UserView", "Verification", "Version", "WorkItemView",
    "compute_deadline",
]
