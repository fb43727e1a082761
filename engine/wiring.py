"""The composition root: one database, one clock, the processes and forms folders, and the loaders over them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from .casework import visibility
from .clock import Clock, SystemClock
from .errors import Conflict, NotFound
from .law import catalogue, deadlines, eligibility
from .runtime import run as runtime
from .runtime.problem_codes import problem
from .runtime.telemetry import Telemetry, count_audit_appends
from .runtime.timer_wakes import TimerWakes
from .store import queries, repository
from .store.database import Database
from .store.file_store import FileStore
from .store.models import Case, ProcessDefinition, ProcessInstance, User

ROOT = Path(__file__).resolve().parent.parent


class Wiring:
    """The parts every engine operation uses, built once from explicit arguments."""

    def __init__(self, database_url: str, clock: Clock | None = None, *, forms_dir: Path | None = None,
                 rules_path: Path | None = None, policy: eligibility.Policy | None = None,
                 retention_years: dict[str, int] | None = None, documents_dir: Path | None = None,
                 telemetry: Telemetry | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.database = Database(database_url)
        self.telemetry = telemetry or Telemetry()
        """Where the engine reports completions, fired timers, incidents and audit appends (nowhere by default)."""
        self.database.listen(count_audit_appends(self.telemetry))
        self.timer_wakes = TimerWakes()
        """The schedulers of this process that hear of every timer a unit of work creates or moves, once committed."""
        self.database.listen(self.timer_wakes.listeners())
        self.forms_dir = forms_dir or ROOT / "forms"
        self.rules_path = rules_path
        self.policy = policy or eligibility.Policy()
        self.rules = deadlines.load_rules(rules_path)
        self.catalogue = catalogue.load()
        self.events = catalogue.load_events()
        self._specs = repository.SpecCache()
        self.retention_overrides = {str(k): int(v) for k, v in (retention_years or {}).items()}
        self.files = FileStore(documents_dir)
        """Document bytes: in the database, or in ``documents_dir`` when one is given."""

    def upgrade_schema(self) -> None:
        """Create the schema, or migrate it to the newest version (never drops data)."""
        self.database.upgrade_schema()

    def close(self) -> None:
        """Release database connections."""
        self.database.dispose()

    def _load(self, session: Session, instance_id: int, expected_version: int | None = None) -> runtime.Run:
        row = queries.get(session, ProcessInstance, instance_id, "instance")
        if expected_version is not None and row.version != expected_version:
            raise Conflict(problem("run.instance_changed", instance=instance_id, version=expected_version))
        return self._run(session, row)

    def _run(self, session: Session, row: ProcessInstance) -> runtime.Run:
        """The loaded run of ``row``, when it is running."""
        if row.state != "running":
            raise Conflict(problem("run.instance_not_running", instance=row.id, state=row.state))
        return runtime.load(session, row, self._loaded(session, row), self.clock)

    def _loaded(self, session: Session, row: ProcessInstance) -> repository.Loaded:
        definition = inspect(row).dict.get("definition")  # read with the row by a sweep's claim
        if definition is None or definition.id != row.definition_id:  # none read, or the instance moved since
            definition = queries.get(session, ProcessDefinition, row.definition_id, "definition")
        return self._specs.load(session, definition)

    def _visible_case(self, session: Session, case_id: int, user_id: int) -> tuple[Case, User]:
        """The case and the user, when the user may see the case; ``NotFound`` otherwise (never a hint)."""
        user = queries.get(session, User, user_id, "user")
        case = queries.get(session, Case, case_id, "case")
        if not visibility.of_user(user, case).has_case:
            raise NotFound(f"case {case_id} does not exist")
        return case, user
