"""The Engine: every public operation, each one unit of work, and the only place that wires the parts."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from pathlib import Path

from sqlalchemy import func, select

from .casework.bell import Notifications
from .casework.case_comments import CaseComments
from .casework.case_documents import CaseDocuments
from .casework.case_list import CaseList
from .casework.cases import CaseWork
from .casework.form_drafts import FormDrafts
from .casework.letters import Letters
from .casework.worklist import WorkList
from .clock import SettableClock
from .errors import ConcurrentUpdate, NotAllowed
from .law import calendar, catalogue, deadline_rules, deadlines, reference
from .modelling import model_archive
from .modelling.diagram_names import DiagramNames
from .modelling.instance_moves import InstanceMoves
from .modelling.reviews import Reviews
from .modelling.trial import Trials
from .modelling.workbench import Workbench
from .oversight.access_review import AccessLogs
from .oversight.annual import AnnualEvaluations
from .oversight.compliance import Compliance
from .oversight.evidence import Evidence
from .oversight.retention import Retention
from .oversight.subject_export import SubjectExports
from .oversight.tracing import Tracing
from .runtime import incidents, telemetry, timers
from .runtime.liveness import Liveness
from .store import accounts, administration, audit, queries, repository, views
from .store.account_administration import AccountAdministration
from .store.models import Timer, User
from .store.sign_in import SignIns

log = logging.getLogger(__name__)


class Engine(CaseWork, CaseList, WorkList, Workbench, InstanceMoves, Trials, AnnualEvaluations, Compliance, Evidence,
             Tracing, SignIns):
    """Reintegra's engine over one database, one clock, one processes folder and one forms folder.

    Case operations live in ``casework``, work item operations in ``worklist``; this class adds the
    repository, accounts, timers and audit, and ``Wiring`` builds the parts they share. It composes a service per
    user group rather than inheriting it: ``administration``, ``access_reviews``, ``retention``,
    ``subject_exports`` and ``incidents``, each built once from this ``Wiring``.
    """

    def deploy(self, path_or_xml: str | bytes | Path | list, *, actor: str = "system",
               comment: str = "") -> views.Deployed[views.Version]:
        """Validate and deploy BPMN (files, XML, or zips of a version as ``version_archive`` makes them: their
        forms come with them); returns the new versions (none when nothing changed), with ``warnings``: what
        deserves a look but did not stop the deploy (a timer's rule for another role than its task's lane).

        Raises ``InvalidModel`` listing every problem; then nothing is deployed.
        """
        files, forms = _sources(path_or_xml)
        source = repository.Source(files, self.forms_dir, self.rules, forms)
        with self.database.unit_of_work() as session:
            deployed = repository.deploy(session, source, actor=actor, comment=comment, now=self.clock.now())
            result = views.Deployed([queries.version_view(row) for row in deployed], deployed.warnings)
            session.commit()
        return result

    def create_user(self, *, username: str, password: str, display_name: str, roles: list[str],
                    organisations: list[str] | None = None, language: str = "nl", actor: str,
                    is_strength_checked: bool = False) -> views.UserView:
        """Create an account from the command line or a script; ``InvalidInput`` per field, ``Conflict`` when the
        username is taken. Audited. Unknown organisations are added (kind other); the password needs only
        ``accounts.MIN_PASSWORD_LENGTH`` characters unless ``is_strength_checked`` (``passwords.problems``, as
        for ``administration.add_account``): admins in the application use ``administration.add_account``."""
        if is_strength_checked:
            administration.require_strong(password, username, display_name)
        with self.database.unit_of_work() as session:
            user = accounts.create(session, username=username, password=password, display_name=display_name,
                                   roles=roles, organisations=organisations or [], language=language)
            administration.register_named(session, user.organisations)
            audit.append(session, "accounts", at=self.clock.now(), actor=actor, action="user_created",
                         after={"username": username, "roles": user.roles, "organisations": user.organisations})
            result = accounts.user_view(user)
            session.commit()
        return result

    def authenticate(self, username: str, password: str) -> views.UserView | None:
        """The user with these credentials, or None."""
        with self.database.unit_of_work() as session:
            user = accounts.authenticate(session, username, password)
            result = accounts.user_view(user) if user else None
            session.commit()
        return result

    def user(self, user_id: int) -> views.UserView:
        """One account; ``NotFound`` when it does not exist."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return accounts.user_view(queries.get(session, User, user_id, "user"))

    def set_language(self, user_id: int, language: str) -> views.UserView:
        """Remember the user's language (nl, fr or en); ``InvalidInput`` for any other."""
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            accounts.set_language(user, language)
            result = accounts.user_view(user)
            session.commit()
        return result

    def issue_token(self, user_id: int, label: str) -> str:
        """Issue a REST API token for the user; it is shown once and stored only as a hash. Audited."""
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            token = accounts.issue_token(session, user, label, self.clock.now())
            audit.append(session, "accounts", at=self.clock.now(), actor=user.username, action="token_issued",
                         after={"label": label})
            session.commit()
        return token

    def revoke_tokens(self, user_id: int) -> int:
        """Revoke every API token of the user; returns how many. Audited."""
        with self.database.unit_of_work() as session:
            user = queries.get(session, User, user_id, "user")
            count = accounts.revoke_tokens(session, user, self.clock.now())
            audit.append(session, "accounts", at=self.clock.now(), actor=user.username, action="tokens_revoked",
                         after={"count": count})
            session.commit()
        return count

    def token_user(self, token: str) -> views.UserView | None:
        """The user an API token belongs to, or None when it is unknown or revoked."""
        with self.database.unit_of_work(is_read_only=True) as session:
            user = accounts.token_user(session, token)
            return accounts.user_view(user) if user else None

    def procedures(self) -> list[catalogue.Procedure]:
        """The startable procedures of the catalogue, with who may start them and what starts with a case."""
        return list(self.catalogue.values())

    def rule_text(self, rule_id: str, field: str, language: str) -> str | None:
        """A legal term's ``field`` (title, start_event, on_expiry, legal_source, roll_forward_basis or
        alternative_start_event) in ``language``, from the current rules; English where it is not translated, and
        ``None`` for a rule or field they do not hold."""
        rule = self.rules.get(rule_id)
        if rule is None or field not in deadline_rules.TRANSLATED_FIELDS:
            return None
        return rule.text(field, language)

    def legal_terms(self, language: str) -> list[reference.LegalTerm]:
        """Every legal term of the current rules, in catalogue order, in ``language`` (English where untranslated)."""
        return reference.legal_terms(self.rules, language)

    def definitions(self) -> list[views.Version]:
        """Every deployed version, newest first per process id."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return [queries.version_view(row) for row in repository.definitions(session)]

    def today(self) -> date:
        """Today's legal date (Brussels) on the engine's clock."""
        return calendar.legal_date(self.clock.now())

    def move_clock(self, days: int, *, user_id: int) -> views.TimerRun:
        """Move a settable clock ``days`` forward and fire the timers that fall due (demo mode, admins only).

        ``NotAllowed`` when the user is no admin, the engine runs on the real clock, or ``days`` is not
        between 1 and 366. Audited.
        """
        actor = self.require_admin(user_id).username
        if not isinstance(self.clock, SettableClock):
            raise NotAllowed("the clock can be moved only in demo mode")
        if not 1 <= days <= 366:
            raise NotAllowed("move the clock by 1 to 366 days", [{"days": days}])
        self.clock.advance(timedelta(days=days))
        with self.database.unit_of_work() as session:
            audit.append(session, "audit", at=self.clock.now(), actor=actor, action="clock_moved",
                         after={"days": days})
            session.commit()
        return self.fire_due_timers()

    def require_admin(self, user_id: int) -> views.UserView:
        """The user, when an admin; ``NotAllowed`` otherwise."""
        user = self.user(user_id)
        if "admin" not in user.roles:
            raise NotAllowed("only an admin may do this")
        return user

    def next_due(self) -> datetime | None:
        """The earliest instant at which a waiting timer fires, or None."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return session.scalar(select(func.min(Timer.due_at)))

    def backlog(self) -> telemetry.Backlog:
        """How many timers are due and not yet fired, and how many incidents are open (for monitoring)."""
        with self.database.unit_of_work() as session:
            return telemetry.backlog(session, self.clock.now())

    def fire_due_timers(self, limit: int = 1000) -> views.TimerRun:
        """Wake the instances whose timers are due, one transaction per instance.

        Safe with several workers on one PostgreSQL: each instance is claimed with a row lock that
        other workers skip. Any failure of one instance rolls back its transaction (its timers stay due),
        opens or updates its incident with a retry time (``engine.incidents``); the others go on.
        ``Unavailable`` when the database cannot be reached: nothing is marked, the next sweep takes them.
        """
        woken, fired, failed = 0, 0, []
        done: set[int] = set()
        queue: list[int] = []
        while len(done) < limit:
            try:
                outcome = incidents.wake_one(self, partial(timers.claim_due_instance, now=self.clock.now(),
                                                           skip=done, queue=queue), actor="scheduler")
            except ConcurrentUpdate:
                continue  # another writer changed the instance first; its timer is still due for the next sweep
            if outcome is None:
                break
            if outcome.error is not None:
                failed.append(outcome.instance_id)
                continue
            woken, fired = woken + (outcome.fired > 0), fired + outcome.fired
        return views.TimerRun(woken, fired, tuple(failed))

    @cached_property
    def incidents(self) -> incidents.Incidents:
        """Failed instances and their repairs (find, get, retry, move on), for owners and compliance officers."""
        return incidents.Incidents(self)

    @cached_property
    def liveness(self) -> Liveness:
        """The workers' heartbeats on the wall clock (``beat``, ``leave``) and ``readiness`` for ``/readyz``."""
        return Liveness(self.database)

    @cached_property
    def administration(self) -> AccountAdministration:
        """Accounts and organisations, for admins; and each user's own password."""
        return AccountAdministration(self)

    @cached_property
    def access_reviews(self) -> AccessLogs:
        """The access log for overseers (``access_log``), and its purge after retention (``purge_access_log``)."""
        return AccessLogs(self)

    @cached_property
    def retention(self) -> Retention:
        """Retention periods of closed cases (``retention_years``, ``retention_schedule``) and pseudonymisation."""
        return Retention(self)

    @cached_property
    def form_drafts(self) -> FormDrafts:
        """Each person's own drafts of task forms (``save``, ``get``, ``discard``): private, never a completion."""
        return FormDrafts(self)

    @cached_property
    def case_documents(self) -> CaseDocuments:
        """The documents of a case: letters and uploads, each read by its class (``list``, ``download``, ``upload``)."""
        return CaseDocuments(self)

    @cached_property
    def notifications(self) -> Notifications:
        """Each person's notifications (the bell: ``page``, ``unread``, ``mark_read``), their mail settings
        (``set_mail``), and the worker's jobs that make (``sweep``) and mail them (``send_mail``)."""
        return Notifications(self)

    @cached_property
    def letters(self) -> Letters:
        """The legal letters of a case (``offered`` at a task, ``generate``): PDFs stored with the case, audited."""
        return Letters(self)

    @cached_property
    def case_comments(self) -> CaseComments:
        """The comments of a case and of its tasks, each read by its class as documents are (``list``, ``add``)."""
        return CaseComments(self)

    @cached_property
    def diagram_names(self) -> DiagramNames:
        """The deployed diagrams' names in Dutch and French, looked up by their English name (``name``)."""
        return DiagramNames(self)

    @cached_property
    def reviews(self) -> Reviews:
        """Four eyes on deploys: a draft's ``review`` and ``approve`` (process owners), and which processes need it
        (``settings``, ``set_required``: admins)."""
        return Reviews(self)

    @cached_property
    def subject_exports(self) -> SubjectExports:
        """A worker's right of access: everything held about them (``subject_export``)."""
        return SubjectExports(self)

    def trace(self, instance_id: int) -> views.Trace:
        """The audit events, deadlines, work items and waiting timers of one instance."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return queries.trace(session, instance_id)

    def audit_trail(self, stream: str) -> list[views.AuditEventView]:
        """The events of one audit stream (``instance:<id>``, ``case:<id>``, ``repository``) in order."""
        with self.database.unit_of_work(is_read_only=True) as session:
            return queries.audit_events(session, stream)

    def verify_audit(self, stream: str | None = None) -> audit.Verification:
        """Check the audit hash chains (one stream, or all) and record that the check ran."""
        with self.database.unit_of_work() as session:
            result = audit.verify(session, stream)
            audit.append(session, "audit", at=self.clock.now(), actor="system", action="audit_verified",
                         after={"stream": stream, "intact": result.is_intact, "broken": result.broken})
            session.commit()
        return result


def compute_deadline(rule: str, start: date | str, regime_on: date | str | None = None) -> deadlines.Computation:
    """Compute a legal term from the rules in ``processes/`` (no database needed)."""
    return deadlines.compute(rule, start, regime_on=regime_on)


def _sources(path_or_xml: str | bytes | Path | list) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The BPMN files and the forms offered for a deploy: a zip brings both, anything else BPMN only."""
    items = path_or_xml if isinstance(path_or_xml, list) else [path_or_xml]
    files: dict[str, bytes] = {}
    forms: dict[str, bytes] = {}
    for item in items:
        if isinstance(item, Path | str) and str(item).endswith(".zip") and Path(item).is_file():
            zipped_files, zipped_forms = model_archive.read_path(Path(item))
            files |= zipped_files
            forms |= zipped_forms
        else:
            files |= repository.read_sources(item)
    return files, forms
