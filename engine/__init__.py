"""Reintegra's engine: the one front door to processes, cases, deadlines and timers."""

from .api import Engine, compute_deadline
from .casework.bell import NotificationPage
from .casework.case_comments import CaseCommentList, CommentView
from .casework.case_documents import CaseDocumentList, StoredDocument
from .casework.case_list import CasePage, CaseRow, CaseViewPage
from .casework.event_records import WITHHELD, EventRecord, RecordedValue
from .casework.form_drafts import FormDraftView
from .casework.inbox import InboxPage
from .casework.letters import LetterOffer, LetterView
from .casework.mailing import DIGEST_HOUR, ComposedMail, Composer, MailRun, MailSettings
from .casework.notifications import NotificationView
from .clock import Clock, SettableClock, SystemClock
from .errors import Coded, Conflict, EngineError, InvalidInput, InvalidModel, NotAllowed, NotFound, Problem, Unavailable
from .law.catalogue import Procedure
from .law.deadlines import Computation
from .law.eligibility import Policy
from .law.reference import LegalTerm, legal_reference, legal_reference_html
from .modelling.comparison import Change, Comparison
from .modelling.modelling_views import (
    DraftView,
    ImportedDraft,
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
from .modelling.problem_codes import CODES as MESSAGE_CODES
from .modelling.reviews import ApprovalSettingView, ApprovalView, DraftReview
from .modelling.trial import Trial, TrialTask, TrialView
from .oversight.access_review import AccessEntry, AccessPage
from .oversight.compliance import EndReached, InstancePage, InstanceRow
from .oversight.deadline_dashboard import Dashboard, DashboardLine, DrillRow, RuleSummary, Tally
from .oversight.event_log import LogEvent
from .oversight.evidence import ChainCheck, EvidenceCase, EvidenceEvent, EvidenceInstance, EvidencePack
from .oversight.retention import RetentionDue
from .oversight.subject_export import SubjectExport
from .oversight.tracing import Element, FieldEntry, Flow, InstanceTrace, TimelineEntry, Verdict, Waiting
from .runtime.incidents import IncidentView
from .runtime.liveness import Liveness, Readiness, WorkerBeat, default_worker_name
from .runtime.scheduler import TimerScheduler
from .runtime.telemetry import Backlog, Telemetry
from .store.administration import AccountView, OrganisationView
from .store.anchors import AnchorCheck, AnchorStore, Checkpoint
from .store.audit import Verification
from .store.backups import BackupFile, PostgresCommands, Restored
from .store.backups import backup as backup_database
from .store.backups import postgres_commands as postgres_backup_commands
from .store.backups import restore as restore_database
from .store.employer_policy import CONTACT_DAYS, DEFAULT_CONTACT_EVERY_DAYS
from .store.keyset import MAX_PER_PAGE, PER_PAGE
from .store.sign_in import SignIn
from .store.views import (
    AuditEventView,
    CaseFile,
    CaseView,
    DatedFact,
    DeadlineView,
    Delivery,
    Deployed,
    Document,
    DocumentField,
    EventOption,
    InstanceView,
    ModelCheck,
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
    "FormDraftView",
    "CasePage", "CaseRow", "CaseViewPage", "InboxPage", "MAX_PER_PAGE", "PER_PAGE",
    "AnchorCheck", "AnchorStore", "Checkpoint",
    "AuditEventView", "CaseFile", "DatedFact", "ChainCheck", "EvidenceCase", "EvidenceEvent", "EvidenceInstance",
    "EvidencePack",
    "LogEvent", "Dashboard", "DashboardLine", "DrillRow", "InstancePage", "InstanceRow",
    "EndReached", "RuleSummary", "Tally", "CaseView", "Change", "Clock", "Comparison", "Computation", "Conflict",
    "DeadlineView", "Delivery", "Document", "DocumentField", "DraftView", "Engine", "EngineError", "EventOption",
    "InstanceMove", "InstanceView", "MigrationPreview", "MigrationResult", "MigrationView", "MoveChange",
    "ImportedDraft", "InvalidInput", "InvalidModel", "NotAllowed", "NotFound", "Palette", "Problem", "Procedure",
    "Policy", "RuleOption", "SettableClock", "SignIn", "StartOption", "StartRoute", "SystemClock", "Task", "TimerRun",
    "TimerScheduler", "TimerView",
    "Trace", "Trial", "TrialTask", "TrialView", "UserView", "Verification", "Version", "VersionComparison",
    "VersionSummary", "WorkItemView",
    "Element", "FieldEntry", "Flow", "InstanceTrace", "TimelineEntry", "Verdict", "Waiting",
    "compute_deadline", "legal_reference", "legal_reference_html", "LegalTerm",
    "Unavailable", "IncidentView",
    "Coded", "MESSAGE_CODES", "Deployed", "ModelCheck",
    "AccessEntry", "AccessPage",
    "AccountView", "OrganisationView", "CONTACT_DAYS", "DEFAULT_CONTACT_EVERY_DAYS",
    "RetentionDue", "SubjectExport",
    "EventRecord", "RecordedValue", "WITHHELD",
    "CaseDocumentList", "StoredDocument",
    "NotificationPage", "NotificationView", "ComposedMail", "Composer", "MailRun", "MailSettings", "DIGEST_HOUR",
    "LetterOffer", "LetterView",
    "ApprovalSettingView", "ApprovalView", "DraftReview",
    "CaseDocumentList", "StoredDocument", "CaseCommentList", "CommentView",
    "BackupFile", "PostgresCommands", "Restored", "backup_database", "postgres_backup_commands", "restore_database",
    "Liveness", "Readiness", "WorkerBeat", "default_worker_name",
    "Backlog", "Telemetry",
]
