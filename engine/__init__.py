"""Reintegra's engine: the one front door to processes, cases, deadlines and timers."""

from .anchors import AnchorCheck, AnchorStore, Checkpoint
from .api import Engine, compute_deadline
from .audit import Verification
from .catalogue import Procedure
from .clock import Clock, SettableClock, SystemClock
from .comparison import Change, Comparison
from .compliance import EndReached, InstancePage, InstanceRow
from .deadline_dashboard import Dashboard, DashboardLine, DrillRow, RuleSummary, Tally
from .deadlines import Computation
from .eligibility import Policy
from .errors import Conflict, EngineError, InvalidInput, InvalidModel, NotAllowed, NotFound, Problem, Unavailable
from .event_log import LogEvent
from .evidence import ChainCheck, EvidenceCase, EvidenceEvent, EvidenceInstance, EvidencePack
from .incidents import IncidentView
from .law import legal_reference, legal_reference_html
from .modelling_views import (
    DraftView,
    InstanceMove,
    MigrationPreview,
    MigrationResult,
    MigrationView,
    MoveChange,
    Palette,
    RuleOption,
    VersionComparison,
    VersionSummary,
)
from .scheduler import TimerScheduler
from .sign_in import SignIn
from .tracing import Element, FieldEntry, Flow, InstanceTrace, TimelineEntry, Verdict, Waiting
from .trial import Trial, TrialTask, TrialView
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
    StartRoute,
    Task,
    TimerRun,
    TimerView,
    Trace,
    UserView,
    Version,
    WorkItemView,
)

__all__ = [
    "AnchorCheck", "AnchorStore", "Checkpoint",
    "AuditEventView", "CaseFile", "ChainCheck", "EvidenceCase", "EvidenceEvent", "EvidenceInstance", "EvidencePack",
    "LogEvent", "Dashboard", "DashboardLine", "DrillRow", "InstancePage", "InstanceRow",
    "EndReached", "RuleSummary", "Tally", "CaseView", "Change", "Clock", "Comparison", "Computation", "Conflict",
    "DeadlineView", "Delivery", "Document", "DocumentField", "DraftView", "Engine", "EngineError", "EventOption",
    "InstanceMove", "InstanceView", "MigrationPreview", "MigrationResult", "MigrationView", "MoveChange",
    "InvalidInput", "InvalidModel", "NotAllowed", "NotFound", "Palette", "Problem", "Procedure",
    "Policy", "RuleOption", "SettableClock", "SignIn", "StartOption", "StartRoute", "SystemClock", "Task", "TimerRun",
    "TimerScheduler", "TimerView",
    "Trace", "Trial", "TrialTask", "TrialView", "UserView", "Verification", "Version", "VersionComparison",
    "VersionSummary", "WorkItemView",
    "Element", "FieldEntry", "Flow", "InstanceTrace", "TimelineEntry", "Verdict", "Waiting",
    "compute_deadline", "legal_reference", "legal_reference_html",
    "Unavailable", "IncidentView",
]
