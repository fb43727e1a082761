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
    InstanceView,
    TimerRun,
    TimerView,
    Trace,
    UserView,
    Version,
    WorkItemView,
)

__all__ = [
    "AuditEventView", "CaseFile", "CaseView", "Clock", "Computation", "Conflict", "DeadlineView", "Delivery", "Engine",
    "EngineError", "InstanceView", "InvalidInput", "InvalidModel", "NotAllowed", "NotFound", "Problem", "Procedure",
    "SettableClock", "SystemClock", "TimerRun", "TimerScheduler", "TimerView", "Trace", "UserView", "Verification",
    "Version", "WorkItemView", "compute_deadline",
]
