"""The process-definition store: validate, deploy and version diagrams; hand out parsed specs.

A deploy stores one bundle (BPMN files + the forms and deadline rules they use) per content hash,
and one new immutable version per process id whose content changed. Instances pin their version.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..casework import disclosure
from ..errors import InvalidModel, NotFound, Problem
from ..law import deadline_rules, deadlines
from ..modelling import model_files, validation
from . import audit
from .models import Bundle, ProcessDefinition, ProcessInstance, WorkItem
from .views import Deployed, ModelCheck


@dataclass(frozen=True)
class Source:
    """The BPMN files offered for one deploy, and where their forms and the deadline rules come from."""

    files: dict[str, bytes]
    forms_dir: Path
    rules: Mapping[str, deadlines.Rule]
    forms: Mapping[str, bytes] = field(default_factory=dict)
    """Forms offered with the files (a draft's edited forms); they take precedence over ``forms_dir``."""
    borrowed: frozenset[str] = frozenset()
    """Files taken from deployed versions for the processes the others call (``with_called``): stored with their
    callers, never deployed as new versions of their own."""

    def form_sources(self) -> dict[str, bytes]:
        """Every form available to this deploy: the folder's, then the offered ones over them."""
        return {**{p.name: p.read_bytes() for p in self.forms_dir.glob("*.json")}, **self.forms}


@dataclass(frozen=True)
class Loaded:
    """A deployed version ready to run: its row, parsed specs, forms and rules snapshot."""

    definition: ProcessDefinition
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, dict]
    rules: dict[str, deadlines.Rule]


def read_sources(path_or_xml: str | bytes | Path | list) -> dict[str, bytes]:
    """Turn a path, a list of paths, or BPMN XML into ``{file name: bytes}``."""
    if isinstance(path_or_xml, list):
        return {name: data for item in path_or_xml for name, data in read_sources(item).items()}
    if isinstance(path_or_xml, bytes):
        return {"upload.bpmn": path_or_xml}
    if isinstance(path_or_xml, str) and path_or_xml.lstrip().startswith("<"):
        return {"upload.bpmn": model_files.utf8_declared(path_or_xml).encode()}
    path = Path(path_or_xml)
    if not path.is_file():
        raise NotFound(f"no such BPMN file: {path}")
    return {path.name: path.read_bytes()}


def deploy(session: Session, source: Source, *, actor: str, comment: str, now: datetime,
           approval: dict | None = None) -> Deployed[ProcessDefinition]:
    """Validate ``source`` and store a new version of every process whose content changed; ``approval`` adds what
    the audit event says of a draft's approval (``four_eyes.deploy_record``). The result carries the validation's
    warnings, which do not stop a deploy.

    Raises ``InvalidModel`` with every problem when anything is wrong; then nothing is stored. A call activity may
    call a process deployed before (``with_called``).
    """
    source = with_called(session, source)
    checked = validation.check(source.files, source.form_sources(), source.rules)
    if checked.problems:
        raise InvalidModel(f"{len(checked.problems)} problem(s) in the model", checked.problems)
    loosening = _loosening(session, checked.forms)
    if loosening:
        raise InvalidModel(f"{len(loosening)} problem(s) in the model", loosening)
    deployed = []
    assert checked.parser is not None
    for process_id in checked.process_ids:
        if checked.parser.process_parsers[process_id].filename in source.borrowed:
            continue
        bundle = _bundle(session, source, checked, checked.files_of(process_id), now)
        latest = _latest(session, process_id)
        if latest is not None and latest.bundle_hash == bundle.hash:
            continue
        definition = ProcessDefinition(
            process_id=process_id, version=(latest.version + 1) if latest else 1,
            name=checked.names.get(process_id, process_id), bundle_hash=bundle.hash,
            deployed_at=now, deployed_by=actor, comment=comment,
        )
        session.add(definition)
        session.flush()
        audit.append(session, "repository", at=now, actor=actor, action="deployed",
                     after={"process_id": process_id, "version": definition.version, "bundle": bundle.hash,
                            "comment": comment, **(approval or {})})
        deployed.append(definition)
    return Deployed(deployed, checked.warnings)


def with_called(session: Session, source: Source) -> Source:
    """``source`` with the files of the deployed processes its call activities call but it does not hold: the newest
    version's BPMN files (renamed when a name is taken) and its forms (the offered ones win), marked borrowed. A
    deployed file holding a process the offered files hold is left out: theirs is the one deployed now."""
    calls = validation.calls(source.files)
    defined = set().union(*(ids for ids, _ in calls.values()))
    missing = set().union(*(called for _, called in calls.values())) - defined
    files, forms, borrowed = dict(source.files), dict(source.forms), set(source.borrowed)
    for process_id in sorted(missing):
        row = _latest(session, process_id)
        bundle = session.get(Bundle, row.bundle_hash) if row is not None else None
        if bundle is None or process_id in defined:
            continue
        for name, text in sorted(bundle.files.items()):
            holds = set().union(*(ids for ids, _ in validation.calls({name: text.encode()}).values()))
            if holds & defined:
                continue
            free = _free_name(name, files)
            files[free], defined = text.encode(), defined | holds
            borrowed.add(free)
        forms = {**{n: json.dumps(schema).encode() for n, schema in bundle.forms.items()}, **forms}
    if borrowed == set(source.borrowed):
        return source
    return replace(source, files=files, forms=forms, borrowed=frozenset(borrowed))


def _free_name(name: str, taken: Mapping[str, bytes]) -> str:
    free, n = name, 1
    while free in taken:
        free, n = f"deployed-{n}-{name}", n + 1
    return free


def _loosening(session: Session, forms: Mapping[str, dict]) -> list[Problem]:
    """A form may not loosen the class of a field that has recorded data (``disclosure.loosened``)."""
    rows = session.execute(
        select(WorkItem.form, WorkItem.data, WorkItem.classifications, ProcessDefinition.bundle_hash)
        .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(WorkItem.form.in_(list(forms)), WorkItem.state == "completed", WorkItem.data.is_not(None)))
    bundles: dict[str, dict] = {}
    found = set()
    for form, data, recorded, bundle_hash in rows:
        if bundle_hash not in bundles:
            bundles[bundle_hash] = session.get(Bundle, bundle_hash).forms  # type: ignore[union-attr]
        for name, old, new in disclosure.loosened(data or {}, bundles[bundle_hash].get(form, {}), recorded,
                                                  forms[form]):
            found.add(f"form '{form}', field '{name}': recorded data is {old}; the new form would make it {new}")
    return [Problem(None, message) for message in sorted(found)]


def problems(session: Session, source: Source) -> list:
    """Every problem ``deploy`` would refuse ``source`` for; an empty list when it would deploy."""
    return check(session, source).problems


def check(session: Session, source: Source) -> ModelCheck:
    """What ``deploy`` would refuse ``source`` for, and what it would warn of (with the called processes deployed
    before)."""
    source = with_called(session, source)
    checked = validation.check(source.files, source.form_sources(), source.rules)
    return ModelCheck(list(checked.problems), list(checked.warnings))


def bundle_content(source: Source, checked: validation.Checked, names: set[str]) -> dict[str, dict]:
    """What a bundle of ``names`` (files) holds: their text, the forms and the deadline rules they use."""
    files = {name: checked.texts[name] for name in sorted(names)}
    form_names = set().union(*(checked.forms_by_file.get(name, set()) for name in names))
    rule_ids = set().union(*(checked.rules_by_file.get(name, set()) for name in names))
    forms = {name: checked.forms[name] for name in sorted(form_names)}
    rules = {rule_id: deadline_rules.rule_to_dict(source.rules[rule_id]) for rule_id in sorted(rule_ids)}
    return {"files": files, "forms": forms, "rules": rules}


def _bundle(session: Session, source: Source, checked: validation.Checked, names: set[str], now: datetime) -> Bundle:
    """The bundle of ``names`` (files) with the forms and rules they use, stored once per content hash."""
    content = bundle_content(source, checked, names)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    bundle = session.get(Bundle, digest)
    if bundle is None:
        bundle = Bundle(hash=digest, created_at=now, **content)
        session.add(bundle)
        session.flush()
    return bundle


def _latest(session: Session, process_id: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).first()


def latest_or_none(session: Session, process_id: str) -> ProcessDefinition | None:
    """The newest version of ``process_id``, or None when it was never deployed."""
    return _latest(session, process_id)


def latest(session: Session, process_id: str) -> ProcessDefinition:
    """The newest version of ``process_id``; ``NotFound`` when it was never deployed."""
    definition = _latest(session, process_id)
    if definition is None:
        raise NotFound(f"process '{process_id}' is not deployed")
    return definition


def definitions(session: Session) -> list[ProcessDefinition]:
    """Every version of every process, newest first per process id."""
    query = select(ProcessDefinition).order_by(ProcessDefinition.process_id, ProcessDefinition.version.desc())
    return list(session.scalars(query))


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0


class SpecCache:
    """Parsed specs per (bundle hash, process id); a version's content never changes, so entries never expire."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, str], tuple[Any, dict, dict, dict]] = {}
        self._lock = threading.Lock()

    def load(self, session: Session, definition: ProcessDefinition) -> Loaded:
        key = (definition.bundle_hash, definition.process_id)
        with self._lock:
            entry = self._loaded.get(key)
        if entry is None:
            bundle = session.get(Bundle, definition.bundle_hash)
            if bundle is None:
                raise NotFound(f"bundle {definition.bundle_hash} of {definition.process_id} is missing")
            entry = _parse(bundle, definition.process_id)
            with self._lock:
                self._loaded[key] = entry
        spec, subprocess_specs, forms, rules = entry
        return Loaded(definition, spec, subprocess_specs, forms, rules)


def _parse(bundle: Bundle, process_id: str) -> tuple[Any, dict, dict, dict]:
    parser = SpiffBpmnParser()
    for name, text in bundle.files.items():
        parser.add_bpmn_str(text.encode(), name)
    rules = {rule_id: deadline_rules.rule_from_dict(data) for rule_id, data in bundle.rules.items()}
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id), bundle.forms, rules
