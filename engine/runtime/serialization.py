"""Instance state as JSON: SpiffWorkflow's serializer with the process spec kept out of the instance.

Specs are stored once per bundle content hash (``repository``); an instance's JSON names them.
Stored JSON carries our ``FORMAT_VERSION``; each upgrade is a named function in ``UPGRADES``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from ..errors import InvalidModel, Problem
from . import history

SPIFF_VERSION = "3.2.0"
FORMAT_VERSION = 1


class _SpecByReference(BpmnWorkflowConverter):
    """Write spec names instead of whole specs; on reading, the caller has put the spec objects back."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec"] = workflow.spec.name
        dct["subprocess_specs"] = sorted(workflow.subprocess_specs)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        if (pruned := history.of(workflow)) is not None:
            dct[history.ATTRIBUTE] = pruned.to_json()
        return dct

    def from_dict(self, dct: dict) -> BpmnWorkflow:
        workflow = self.target_class(dct.pop("spec"), dct.pop("subprocess_specs"), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        if history.ATTRIBUTE in dct:
            setattr(workflow, history.ATTRIBUTE, history.History.from_json(dct.pop(history.ATTRIBUTE)))
        return workflow


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecByReference
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _serializer()
REGISTRY = _SERIALIZER.registry
"""The converter registry; SpiffWorkflow's spec diff compares task specs through it."""

UPGRADES: dict[int, Callable[[dict], None]] = {}
"""Format version N → function upgrading a stored document from N to N + 1 (none yet)."""


def dump(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state (without its spec) to JSON text."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True  # what serialize_json does; we need the dict to add our version
    try:
        dct = _SERIALIZER.to_dict(workflow)
    finally:
        registry._encoder_mode = False
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    dct["reintegra_format"] = FORMAT_VERSION
    try:
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise _unstorable(workflow) from err


def _unstorable(workflow: BpmnWorkflow) -> InvalidModel:
    """The error naming the first variable whose value JSON cannot hold (bytes, a generator, a complex...)."""
    for task in workflow.get_tasks():
        for name, value in task.data.items():
            if not _is_storable(value):
                element, kind = task.task_spec.bpmn_id, type(value).__name__
                message = (f"variable '{name}' at '{element}' holds a value of type {kind}, which cannot be stored "
                           "(JSON data only)")
                return InvalidModel(message, [Problem(element, message)])
    return InvalidModel("the instance holds a value that cannot be stored", [Problem(None, "not JSON data")])


def _is_storable(value: object) -> bool:
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        json.dumps(registry.convert(value), cls=_SERIALIZER._encoder_cls)
    except (TypeError, ValueError):
        return False
    finally:
        registry._encoder_mode = False
    return True


def load(
    text: str, spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    """Restore a workflow from ``dump`` output, given the specs it was started with."""
    dct = json.loads(text)
    version = dct.pop("reintegra_format", FORMAT_VERSION)
    while version < FORMAT_VERSION:
        UPGRADES[version](dct)
        version += 1
    _SERIALIZER.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    return _SERIALIZER.from_dict(dct)
