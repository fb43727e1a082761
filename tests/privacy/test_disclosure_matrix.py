"""Issue 14, "Done when": every reader x every shipped form field x every surface, on SQLite and PostgreSQL.

One world (``world.World``) drives the shipped procedures once per database: a formal trajectory through
a plan, a pre-return visit, a coordinator track with its questionnaire, quickscan and plan, a medical
force majeure; every free-text field holds a unique marker. Each reader then reads every surface, and a
marker must appear there exactly when ``disclosure.may_read`` lets that reader read it (and the surface is
theirs at all). Surfaces that carry no recorded values (event logs, annual figures, search results) must
show no marker. Enum, date, boolean and number values are no markers: they are not searchable as text, so the
case API, which names each field it shows, is also checked field by field for values of every type.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine.casework import disclosure, visibility
from engine.store.models import ProcessInstance, WorkItem
from tests.conftest import BRUSSELS, POSTGRES_URL
from tests.privacy.world import EMPLOYER, World
from tests.webui.conftest import FORMS, PASSWORD, PROCESSES, csrf_token
from webui import create_app

READERS = {
    "worker": (("employee",), (), "eva"),
    "named_physician": (("treating_physician",), (), "dr-wouters"),
    "hr": (("employer",), (EMPLOYER,), "hr"),
    "occupational_physician": (("occupational_physician",), ("Mensura",), "oa"),
    "internal_physician": (("occupational_physician",), (EMPLOYER,), "oa-internal"),
    "advisory_physician": (("advisory_physician",), ("CM",), "aa"),
    "coordinator": (("rtw_coordinator",), ("CM",), "coord"),
    "counsellor": (("regional_counsellor",), ("VDAB",), "vdab"),
    "inspector": (("medical_inspector",), ("TWW",), "inspector"),
    "other_fund": (("advisory_physician",), ("Solidaris",), "aa-other"),
    "officer": (("compliance_officer",), (), "officer"),
    "acme_officer": (("compliance_officer",), (EMPLOYER,), "acme-officer"),
    "admin": (("admin",), (), "admin"),
}
"""Each reader: roles, organisations, username (the world's parties name these)."""


@dataclass
class Matrix:
    """The world on one database, with a signed-in client and an API token per reader."""

    app: Flask
    world: World
    users: dict[str, engine.UserView] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    procedures: dict[int, disclosure.Procedure] = field(default_factory=dict)

    @property
    def law(self) -> engine.Engine:
        return self.world.law

    def client(self, who: str) -> FlaskClient:
        if who not in self.clients:
            client = self.app.test_client()
            response = client.post("/login", data={"username": READERS[who][2], "password": PASSWORD,
                                                   "csrf_token": csrf_token(client)})
            assert response.status_code == 302
            self.clients[who] = client
        return self.clients[who]

    def api(self, who: str, path: str) -> str:
        if who not in self.tokens:
            self.tokens[who] = self.law.issue_token(self.users[who].id, "matrix")
        response = self.client(who).get(f"/api/v1{path}", headers={"Authorization": f"Bearer {self.tokens[who]}"})
        return response.get_data(as_text=True) if response.status_code == 200 else ""

    def page(self, who: str, path: str) -> str:
        response = self.client(who).get(path)
        return response.get_data(as_text=True) if response.status_code == 200 else ""

    def instances(self) -> list[engine.InstanceView]:
        return [i for case in self.world.cases.values() for i in self.law.instances(case.id)]

    def items(self) -> list[engine.WorkItemView]:
        return [i for case in self.world.cases.values() for i in self.law.work_items(case_id=case.id, state=None)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    url, drop = _database(request, tmp_path_factory)
    clock = engine.SettableClock(datetime(2026, 12, 21, 9, 0, tzinfo=BRUSSELS))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test-secret"})
    law: engine.Engine = app.extensions["reintegra"]
    law.forms_dir = FORMS
    law.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    matrix = Matrix(app, World(law, clock).build())
    for who, (roles, organisations, username) in READERS.items():
        matrix.users[who] = law.create_user(username=username, password=PASSWORD, display_name=username,
                                            roles=list(roles), organisations=list(organisations), language="en",
                                            actor="test")
    yield matrix
    law.close()
    drop()


def _database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[str, Callable[[], None]]:
    """A database of the module's own: a copy of the migrated SQLite file, or a migrated PostgreSQL schema."""
    if request.param == "sqlite":
        copy = tmp_path_factory.mktemp("matrix") / "reintegra.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), copy)
        return f"sqlite:///{copy}", lambda: None
    schema = f"matrix_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    migrated = engine.Engine(url)
    migrated.upgrade_schema()
    migrated.close()

    def drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    return url, drop


def _trace(m: Matrix, who: str) -> str:
    return "".join(m.page(who, f"/compliance/instances/{i.id}") for i in m.instances())


def _evidence(suffix: str) -> Callable[[Matrix, str], str]:
    return lambda m, who: "".join(m.page(who, f"/compliance/cases/{c.id}/evidence{suffix}")
                                  for c in m.world.cases.values())


def _annual(m: Matrix, who: str) -> str:
    return "".join(m.page(who, f"/compliance/annual?employer={EMPLOYER}&year={year}") for year in (2026, 2027))


def _case_page(m: Matrix, who: str) -> str:
    return "".join(m.page(who, f"/cases/{c.id}") for c in m.world.cases.values())


def _task_page(m: Matrix, who: str) -> str:
    return "".join(m.page(who, f"/tasks/{i.id}") for i in m.items())


def _api_case(m: Matrix, who: str) -> str:
    return "".join(m.api(who, f"/cases/{c.id}") for c in m.world.cases.values())


def _api_task(m: Matrix, who: str) -> str:
    return "".join(m.api(who, f"/work-items/{i.id}") for i in m.items())


OVERSIGHT = {
    "trace": _trace,
    "evidence_html": _evidence(""),
    "evidence_json": _evidence(".json"),
}
"""Oversight surfaces that show recorded values (to overseers only)."""
WITHOUT_VALUES = {
    "event_log_csv": lambda m, who: m.page(who, "/compliance/event-log.csv"),
    "event_log_xes": lambda m, who: m.page(who, "/compliance/event-log.xes"),
    "annual_evaluation": _annual,
    "search_results": lambda m, who: m.page(who, "/compliance/instances?per_page=200"),
    "deadline_dashboard": lambda m, who: m.page(who, "/compliance/dashboard"),
}
"""Surfaces that carry no recorded value to anyone."""
CASE_SURFACES = {"case_page": (_case_page, True), "api_case": (_api_case, True),
                 "task_page": (_task_page, False), "api_task": (_api_task, False)}
"""The case file's surfaces (every reader who has the case), and whether they show every value their reader
may read: a task shows only the documents of its own procedure, to the one who may fill it."""


def _procedures(m: Matrix) -> dict[int, disclosure.Procedure]:
    """Each instance's procedure, as the model defines it (its process id, the lanes of its diagrams)."""
    if not m.procedures:
        with m.law.database.unit_of_work() as session:
            for row in session.scalars(sa.select(ProcessInstance)):
                x = m.law._loaded(session, row)
                m.procedures[row.id] = disclosure.procedure_of(x.definition.process_id,
                                                               [x.spec, *x.subprocess_specs.values()])
    return m.procedures


def _expected(m: Matrix, who: str, reachable: Callable[[visibility.Reader], bool]) -> set[str]:
    roles, organisations, username = READERS[who]
    procedures = _procedures(m)
    shown = set()
    for marker in m.world.markers:
        case = m.law.case(marker.case_id)
        reader = visibility.reader(roles, organisations, username, case.employer, case.parties)
        procedure = procedures[marker.instance_id]
        procedure = procedure.for_task(marker.task)  # a called track keeps the track's rules
        if reachable(reader) and disclosure.may_read(reader, disclosure.field_class(marker.spec), procedure):
            shown.add(marker.text)
    return shown


def _check(m: Matrix, who: str, text: str, expected: set[str], *, complete: bool = True) -> None:
    found = {marker.text for marker in m.world.markers if marker.text in text}
    where = {marker.text: f"{marker.process_id}/{marker.form}:{marker.field}" for marker in m.world.markers}
    leaked = sorted(where[t] for t in found - expected)
    missing = sorted(where[t] for t in expected - found) if complete else []
    assert not leaked and not missing, f"{who}: leaked {leaked}, missing {missing}"


def _overseer(reader: visibility.Reader) -> bool:
    return reader.overseer


@pytest.mark.parametrize("surface", OVERSIGHT)
@pytest.mark.parametrize("who", READERS)
def test_an_oversight_surface_shows_a_value_iff_its_reader_may_read_it(matrix, who, surface):
    _check(matrix, who, OVERSIGHT[surface](matrix, who), _expected(matrix, who, _overseer))


@pytest.mark.parametrize("surface", WITHOUT_VALUES)
@pytest.mark.parametrize("who", ["officer", "acme_officer", "admin", "hr"])
def test_a_surface_without_values_shows_none(matrix, who, surface):
    _check(matrix, who, WITHOUT_VALUES[surface](matrix, who), set())


@pytest.mark.parametrize("surface", CASE_SURFACES)
@pytest.mark.parametrize("who", READERS)
def test_a_case_surface_shows_a_value_iff_its_reader_may_read_it(matrix, who, surface):
    read, complete = CASE_SURFACES[surface]
    _check(matrix, who, read(matrix, who), _expected(matrix, who, lambda reader: reader.has_case), complete=complete)


def _recorded(m: Matrix) -> list[tuple[int, int, str | None, str, disclosure.FieldClass, disclosure.Procedure, bool]]:
    """Every form value the world recorded, of every type: case, work item, recorder, field, the class it keeps, the
    procedure whose rules it keeps, whether its instance is withheld from the employer side."""
    procedures = _procedures(m)
    values = []
    with m.law.database.unit_of_work() as session:
        for item, row in session.execute(sa.select(WorkItem, ProcessInstance).join(
                ProcessInstance, WorkItem.instance_id == ProcessInstance.id).where(
                WorkItem.state == "completed", WorkItem.data.is_not(None))):
            schema = m.law._loaded(session, row).forms.get(item.form or "", {})
            procedure = procedures[row.id].for_task(item.bpmn_id)
            values += [(item.case_id, item.id, item.completed_by, name,
                        disclosure.class_of(name, schema, item.classifications), procedure,
                        row.withheld_from_employer) for name in item.data or {}
                       if name in schema.get("properties", {})]  # what the engine adds is no document field
    return values


@pytest.mark.parametrize("who", READERS)
def test_the_case_api_lists_every_recorded_field_of_any_type_iff_its_reader_may_read_it(matrix, who):
    roles, organisations, username = READERS[who]
    expected, shown = set(), set()
    for case_id, item_id, recorder, name, kept, procedure, withheld in _recorded(matrix):
        case = matrix.law.case(case_id)
        reader = visibility.reader(roles, organisations, username, case.employer, case.parties)
        if reader.has_case and not (withheld and reader.employer_side) and (
                recorder == username or disclosure.may_read(reader, kept, procedure)):
            expected.add((item_id, name))
    for case in matrix.world.cases.values():
        body = matrix.api(who, f"/cases/{case.id}")
        shown |= {(d["work_item_id"], f["name"]) for d in (json.loads(body)["documents"] if body else ())
                  for f in d["fields"]}
    assert shown == expected, f"{who}: leaked {sorted(shown - expected)}, missing {sorted(expected - shown)}"


def test_the_world_reaches_every_free_text_field_of_the_forms_it_drives(matrix):
    """The drive must not silently skip: every text field of every form a completed task used holds a marker."""
    used = {i.form for i in matrix.items() if i.state == "completed" and i.form}
    texts = {(form, name) for form in used for name, spec in _properties(form).items()
             if spec.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(spec)}
    marked = {(m.form, m.field) for m in matrix.world.markers}
    assert texts - marked == set()
    assert {"medical", "personal", "case"} <= {disclosure.field_class(m.spec).classification
                                               for m in matrix.world.markers}


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_form_field_has_a_classification(path: Path):
    fields = json.loads(path.read_text(encoding="utf-8")).get("properties", {})
    unclassified = [n for n, spec in fields.items() if spec.get("x-classification") not in disclosure.CLASSIFICATIONS]
    assert not unclassified, f"{path.name}: no x-classification for {unclassified}"


def _properties(form: str) -> dict:
    return json.loads((FORMS / form).read_text(encoding="utf-8")).get("properties", {})
