"""What a letter is filled with: the case's recorded values that the letter, its addressee and its author may carry.

Values come from the completed work items of the case, grouped by form (``registered_invitation``,
``reintegration_decision``, ...): per form the latest completion wins, and the completions of the letter's own
instance win over those of other procedures of the case. The task a letter is generated at, while still open,
has recorded nothing yet: its own form is filled only from the author's saved draft of it (the invitation's
appointment typed before the registered letter goes out), never from an earlier completion of the same form (a
second invitation never repeats the first one's dates).

A value is carried only when all three allow it (``disclosure``):

- the letter's classification: no value of a more protected class (a ``case`` letter carries no personal,
  insurance or medical value);
- the addressee, as a reader of that value in the procedure that recorded it (the employer's copy never
  carries a medical value, nor a personal one the form does not mark for the employer);
- the author: a letter never shows its author a value they may not read.

A procedure withheld from the author or from the addressee (a pre-return visit the worker keeps from the
employer) gives the letter nothing.

Dates are written as the law's letters write them, dd/mm/yyyy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Case, ProcessInstance, WorkItem
from ..store.repository import Loaded
from . import disclosure, visibility, withheld
from .disclosure import CLASSIFICATIONS, FieldClass, Procedure
from .letter_rendering import LetterSpec

FormsOf = Callable[[Session, ProcessInstance], Loaded]
Values = dict[str, dict[str, Any]]
"""Form name (the form file without ``.json``) -> field -> value as the letter writes it."""
_CELL = re.compile(r"^(?P<field>[A-Za-z_]\w*)-(?P<row>\d+)-(?P<column>\w+)$")


def recorded(session: Session, forms_of: FormsOf, case: Case, letter: LetterSpec, author: Any, *,
             instance_id: int | None, open_item: WorkItem | None = None,
             draft: Mapping[str, str] | None = None) -> Values:
    """The values ``letter`` carries for ``author`` in ``case`` (see the module's rules)."""
    query = (select(WorkItem, ProcessInstance).join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
             .where(WorkItem.case_id == case.id, WorkItem.state == "completed", WorkItem.data.is_not(None))
             .order_by(WorkItem.ended_at, WorkItem.id))
    reader, addressee = visibility.of_user(author, case), _addressee(letter)
    hidden = withheld.hidden_instances(session, case.id, reader) | withheld.hidden_instances(session, case.id,
                                                                                              addressee)
    found = sorted((row for row in session.execute(query).all() if row[0].instance_id not in hidden),
                   key=lambda row: row[0].instance_id == instance_id)
    values: Values = {}
    for item, instance in found:
        loaded = forms_of(session, instance)
        schema = loaded.forms.get(item.form or "", {})
        procedure = disclosure.procedure_for(loaded).for_task(item.bpmn_id)
        readable = set(disclosure.shown_fields(reader, item, schema, procedure))
        values[_form_name(item.form)] = {
            name: _written(value, schema.get("properties", {}).get(name, {}))
            for name, value in (item.data or {}).items() if name in readable
            and _carries(letter, addressee, disclosure.class_of(name, schema, item.classifications), procedure)}
    if open_item is not None and open_item.state == "ready":
        values[_form_name(open_item.form)] = _drafted(session, forms_of, open_item, letter, addressee, reader,
                                                      draft or {})
    return values


def _drafted(session: Session, forms_of: FormsOf, item: WorkItem, letter: LetterSpec, addressee: visibility.Reader,
             reader: visibility.Reader, draft: Mapping[str, str]) -> dict[str, Any]:
    loaded = forms_of(session, session.get_one(ProcessInstance, item.instance_id))
    properties = loaded.forms.get(item.form or "", {}).get("properties", {})
    procedure = disclosure.procedure_for(loaded).for_task(item.bpmn_id)
    typed = _typed_draft(properties, draft)
    return {name: _written(value, properties[name]) for name, value in typed.items()
            if disclosure.fillable(reader, kept := disclosure.field_class(properties[name]), procedure)
            and _carries(letter, addressee, kept, procedure)}


def _typed_draft(properties: Mapping[str, Any], draft: Mapping[str, str]) -> dict[str, Any]:
    """A draft's text as the form's values: yes/no as booleans, table cells (``measures-0-measure``) as rows."""
    typed: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for key, text in draft.items():
        cell = _CELL.match(key)
        if cell and cell["field"] in properties and text.strip():
            rows.setdefault(cell["field"], {}).setdefault(int(cell["row"]), {})[cell["column"]] = text.strip()
        elif key in properties and properties[key].get("type") != "array" and text.strip():
            kind = properties[key].get("type")
            typed[key] = text.strip() == "yes" if kind == "boolean" else text.strip()
    typed.update({name: [cells[n] for n in sorted(cells)] for name, cells in rows.items()})
    return typed


def _carries(letter: LetterSpec, addressee: visibility.Reader, kept: FieldClass, procedure: Procedure) -> bool:
    """Whether the letter may carry a value of class ``kept`` recorded by ``procedure``."""
    if CLASSIFICATIONS.index(kept.classification) > CLASSIFICATIONS.index(letter.classification):
        return False
    return disclosure.may_read(addressee, kept, procedure)


def _addressee(letter: LetterSpec) -> visibility.Reader:
    """The letter's addressee as a reader of the case: the party it is for, with nothing else."""
    return visibility.Reader("", frozenset({letter.addressed_to}), overseer=False, scoped_overseer=False)


def _form_name(form: str | None) -> str:
    return (form or "").removesuffix(".json")


def _written(value: Any, spec: Mapping[str, Any]) -> Any:
    """A value as a letter writes it: a date dd/mm/yyyy, a table row by row, anything else as recorded."""
    if spec.get("format") == "date" and isinstance(value, str):
        return day(value)
    if isinstance(value, list):
        columns = spec.get("items", {}).get("properties", {})
        return [{c: _written(v, columns.get(c, {})) for c, v in row.items()} if isinstance(row, dict) else row
                for row in value]
    return value


def day(value: str | date) -> str:
    """An ISO date (or a date) as dd/mm/yyyy; text that is no date is kept as typed."""
    try:
        parsed = value if isinstance(value, date) else date.fromisoformat(value)
    except ValueError:
        return str(value)
    return parsed.strftime("%d/%m/%Y")
