"""The disclosure model: who may read a recorded value, by its classification and the procedure that recorded it.

Every form field has a classification (``x-classification``):

``case``
    The facts and dates of the procedure. Everyone with the case reads them, except that the employer's
    side reads nothing of the back-to-work coordinator track (a procedure of the sickness insurance)
    beyond the fields marked ``"x-employer": true``: that a track exists, the plan measures it must carry out.
``personal``
    About the worker as a person. The worker, and the roles of the procedure that collected it (its lanes,
    also in the diagrams it calls); the employer only where the field is marked ``"x-employer": true``.
``medical``
    The worker; the medical roles that take part in the procedure (a lane of it), and the treating
    physician the worker named. Never the employer's side nor compliance officers.
``insurance``
    What the sickness fund and its coordinator hold: the worker, the advisory physician and the
    back-to-work coordinator of the case's fund. Nobody else.

The worker always reads all of their own data. Compliance officers and admins read ``case`` values only:
the facts and dates verdicts are made of. A value keeps the classification it was recorded with.

Decisions taken with the model (issue 14):

- A value keeps the class recorded with it (``work_item.classifications``) unless the current form protects
  it more: a new form may tighten recorded data, never loosen it (a deploy or an instance move that would
  is refused, ``loosened``). Removing the employer flag tightens; adding it to recorded data has no effect.
- The procedure of a value is the instance's top-level procedure, except that a task of a called diagram
  that is a procedure the employer is no party to (the coordinator track, called by the follow-up's clock)
  keeps that procedure's rules and lanes (``Procedure.for_task``).
- Who recorded a value reads it back (``shown_fields``), and whoever may fill a task sees every field of
  its form except medical fields the model does not let them read (``form_for``; the same rule refuses
  such fields on completion).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from .access import role_for_lane
from .visibility import Reader

CLASSIFICATIONS = ("case", "personal", "insurance", "medical")
"""From least to most protected: a change to an earlier class loosens the protection."""
EMPLOYER_FLAG = "x-employer"
EMPLOYER_EXCLUDED = frozenset({"rtw_coordination"})
"""Procedures the employer is no party to: it reads only their fields marked ``x-employer``."""
FUND_ROLES = frozenset({"advisory_physician", "rtw_coordinator"})


@dataclass(frozen=True)
class Procedure:
    """The procedure that recorded a value: its process id and the roles of its lanes."""

    process_id: str
    lane_roles: frozenset[str]
    parts: tuple[tuple[str, Procedure], ...] = field(default=(), compare=False)
    """Tasks of called diagrams that keep their own procedure's rules (the coordinator track run inside the
    follow-up): task id -> that procedure."""

    def for_task(self, task: str | None) -> Procedure:
        """The procedure whose rules a value recorded by ``task`` keeps."""
        return dict(self.parts).get(task or "", self)


@dataclass(frozen=True)
class FieldClass:
    """A field's classification, and whether the employer may read it where it otherwise would not."""

    classification: str
    for_employer: bool = False


def field_class(spec: Mapping[str, Any]) -> FieldClass:
    """The classification of a form field; an unclassified field counts as medical (the safe side)."""
    classification = spec.get("x-classification")
    return FieldClass(classification if classification in CLASSIFICATIONS else "medical",
                      spec.get(EMPLOYER_FLAG) is True)


def may_read(reader: Reader, field: FieldClass, procedure: Procedure) -> bool:
    """Whether ``reader`` may read a value of class ``field`` recorded by ``procedure``."""
    if reader.is_subject:
        return True
    if reader.employer_side and procedure.process_id in EMPLOYER_EXCLUDED and not field.for_employer:
        return False
    match field.classification:
        case "case":
            return reader.has_case
        case "personal":
            if field.for_employer and "employer" in reader.relation_roles:
                return True
            return bool(reader.relation_roles & (procedure.lane_roles - {"employer"}))
        case "medical":
            return reader.is_named_physician or bool(reader.medical_roles & procedure.lane_roles)
        case "insurance":
            return bool(reader.relation_roles & FUND_ROLES)
    return False


def loosens(old: str | None, new: str | None) -> bool:
    """Whether reclassifying recorded data from ``old`` to ``new`` protects it less."""
    if old is None:
        return False
    return _rank(new) < _rank(old)


def _rank(classification: str | None) -> int:
    return CLASSIFICATIONS.index(classification) if classification in CLASSIFICATIONS else len(CLASSIFICATIONS)


def recorded_classes(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What a work item keeps of its form when completed: each field's class and employer flag."""
    return {name: {"classification": field_class(spec).classification, EMPLOYER_FLAG: field_class(spec).for_employer}
            for name, spec in schema.get("properties", {}).items()}


def class_of(name: str, schema: Mapping[str, Any], recorded: Mapping[str, Any] | None) -> FieldClass:
    """The class a recorded value keeps: the one recorded with it, unless the current form protects it more
    (a form may tighten what it recorded, never loosen it); without a recorded class, the current form's."""
    current = field_class(schema.get("properties", {}).get(name, {}))
    kept = (recorded or {}).get(name)
    if not isinstance(kept, Mapping):
        return current
    old = FieldClass(kept.get("classification", "medical"), kept.get(EMPLOYER_FLAG) is True)
    if loosens(current.classification, old.classification):
        return current
    if old.classification == current.classification:
        return FieldClass(old.classification, old.for_employer and current.for_employer)
    return old


def readable(reader: Reader, names: Iterable[str], schema: Mapping[str, Any], procedure: Procedure,
             recorded: Mapping[str, Any] | None = None) -> list[str]:
    """The names among ``names`` whose values ``reader`` may read, in order."""
    return [n for n in names if may_read(reader, class_of(n, schema, recorded), procedure)]


def procedure_of(process_id: str, specs: Iterable[Any]) -> Procedure:
    """The procedure ``process_id`` with the lane roles of its diagram ``specs`` (its own and those it calls).

    A task that only a called diagram of a procedure the employer is no party to has (``EMPLOYER_EXCLUDED``)
    keeps that procedure's rules: the coordinator track stays the track when the follow-up calls it.
    """
    specs = list(specs)
    lanes = _lanes(specs)
    owners: dict[str, set[str]] = {}
    for spec in specs:
        for task in spec.task_specs:
            owners.setdefault(task, set()).add(spec.name)
    parts = tuple((task, Procedure(owner, _lanes(s for s in specs if s.name == owner)))
                  for task, names in sorted(owners.items()) if len(names) == 1
                  and (owner := next(iter(names))) in EMPLOYER_EXCLUDED and owner != process_id)
    return Procedure(process_id, lanes, parts)


def _lanes(specs: Iterable[Any]) -> frozenset[str]:
    lanes = {role_for_lane(getattr(task, "lane", None)) for spec in specs for task in spec.task_specs.values()}
    return frozenset(r for r in lanes if r)


class _Recorded(Protocol):
    data: Any
    completed_by: str | None


_PROCEDURES: WeakKeyDictionary[Any, Procedure] = WeakKeyDictionary()


def procedure_for(loaded: Any) -> Procedure:
    """The procedure of a deployed version (a ``repository.Loaded``): its process id and lanes, computed once."""
    procedure = _PROCEDURES.get(loaded.spec)
    if procedure is None:
        procedure = procedure_of(loaded.definition.process_id, [loaded.spec, *loaded.subprocess_specs.values()])
        _PROCEDURES[loaded.spec] = procedure
    return procedure


def shown_fields(reader: Reader, item: _Recorded, schema: Mapping[str, Any], procedure: Procedure) -> list[str]:
    """The recorded fields of a completed work item ``reader`` may read, in the item's data order.

    Each value keeps the class recorded with it (``item.classifications``), else the current form's. Who
    recorded the values reads them back.
    """
    names = list(item.data or {})
    if item.completed_by and item.completed_by == reader.username:
        return names
    return readable(reader, names, schema, procedure.for_task(getattr(item, "bpmn_id", None)),
                    getattr(item, "classifications", None))


def hides_empty(reader: Reader, procedure: Procedure) -> bool:
    """Whether a document of ``procedure`` of which ``reader`` reads no field is left out altogether: for the
    employer's side, the steps of a procedure it is no party to (it learns that the track exists, not how
    far it got)."""
    return reader.employer_side and procedure.process_id in EMPLOYER_EXCLUDED


def fillable(reader: Reader, field: FieldClass, procedure: Procedure) -> bool:
    """Whether the one who fills a task sees (and may fill) a field of its form: every field they may read,
    and any field that is not medical (a medical value only from whom the model lets read it)."""
    return field.classification != "medical" or may_read(reader, field, procedure)


def form_for(reader: Reader, schema: Mapping[str, Any], procedure: Procedure) -> dict[str, Any]:
    """The form of a task as the one filling it sees it: without the fields they may not fill."""
    if not schema:
        return dict(schema)
    properties = schema.get("properties", {})
    kept = {n: f for n, f in properties.items() if fillable(reader, field_class(f), procedure)}
    if len(kept) == len(properties):
        return dict(schema)
    return {**schema, "properties": kept, "x-order": [n for n in schema.get("x-order", []) if n in kept],
            "required": [n for n in schema.get("required", []) if n in kept]}


def loosened(names: Iterable[str], old_schema: Mapping[str, Any], recorded: Mapping[str, Any] | None,
             new_schema: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The recorded fields ``names`` whose class the form ``new_schema`` would loosen: (field, old, new)."""
    found = []
    for name in names:
        old = class_of(name, old_schema, recorded).classification
        new = field_class(new_schema.get("properties", {}).get(name, {})).classification
        if name in new_schema.get("properties", {}) and loosens(old, new):
            found.append((name, old, new))
    return found
