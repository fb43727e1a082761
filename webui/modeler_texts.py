"""The texts bpmn-js shows in the modeler's palette and context pad, and the kinds of element the properties panel
names, in the reader's language.

bpmn-js asks its ``translate`` service for each of these English texts (``PaletteProvider`` and
``ContextPadProvider`` of bpmn-js 18); static/modeler-translate.js answers from this table, filled per request.
A text bpmn-js adds later stays English until it is listed here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext

BPMN_JS_TEXTS = {
    "Activate hand tool": lazy_gettext("Activate hand tool"),
    "Activate lasso tool": lazy_gettext("Activate lasso tool"),
    "Activate create/remove space tool": lazy_gettext("Activate create/remove space tool"),
    "Activate global connect tool": lazy_gettext("Activate global connect tool"),
    "Create start event": lazy_gettext("Create start event"),
    "Create intermediate/boundary event": lazy_gettext("Create intermediate/boundary event"),
    "Create end event": lazy_gettext("Create end event"),
    "Create gateway": lazy_gettext("Create gateway"),
    "Create task": lazy_gettext("Create task"),
    "Create data object reference": lazy_gettext("Create data object reference"),
    "Create data store reference": lazy_gettext("Create data store reference"),
    "Create expanded sub-process": lazy_gettext("Create expanded sub-process"),
    "Create pool/participant": lazy_gettext("Create pool/participant"),
    "Create group": lazy_gettext("Create group"),
    "Add lane above": lazy_gettext("Add lane above"),
    "Add lane below": lazy_gettext("Add lane below"),
    "Divide into two lanes": lazy_gettext("Divide into two lanes"),
    "Divide into three lanes": lazy_gettext("Divide into three lanes"),
    "Add text annotation": lazy_gettext("Add text annotation"),
    "Append compensation activity": lazy_gettext("Append compensation activity"),
    "Append conditional intermediate catch event": lazy_gettext("Append conditional intermediate catch event"),
    "Append end event": lazy_gettext("Append end event"),
    "Append gateway": lazy_gettext("Append gateway"),
    "Append intermediate/boundary event": lazy_gettext("Append intermediate/boundary event"),
    "Append message intermediate catch event": lazy_gettext("Append message intermediate catch event"),
    "Append receive task": lazy_gettext("Append receive task"),
    "Append signal intermediate catch event": lazy_gettext("Append signal intermediate catch event"),
    "Append task": lazy_gettext("Append task"),
    "Append timer intermediate catch event": lazy_gettext("Append timer intermediate catch event"),
    "Change element": lazy_gettext("Change element"),
    "Connect to other element": lazy_gettext("Connect to other element"),
    "Connect using association": lazy_gettext("Connect using association"),
    "Connect using data input association": lazy_gettext("Connect using data input association"),
    "Delete": lazy_gettext("Delete"),
}
"""Each English text of bpmn-js's palette and context pad, and its gettext text."""

ELEMENT_TYPES = {
    "bpmn:UserTask": lazy_gettext("User task"),
    "bpmn:ScriptTask": lazy_gettext("Script task"),
    "bpmn:ManualTask": lazy_gettext("Manual task"),
    "bpmn:ReceiveTask": lazy_gettext("Receive task"),
    "bpmn:SendTask": lazy_gettext("Send task"),
    "bpmn:ServiceTask": lazy_gettext("Service task"),
    "bpmn:BusinessRuleTask": lazy_gettext("Business rule task"),
    "bpmn:Task": lazy_gettext("Task"),
    "bpmn:CallActivity": lazy_gettext("Call activity"),
    "bpmn:SubProcess": lazy_gettext("Sub process"),
    "bpmn:StartEvent": lazy_gettext("Start event"),
    "bpmn:EndEvent": lazy_gettext("End event"),
    "bpmn:BoundaryEvent": lazy_gettext("Boundary event"),
    "bpmn:IntermediateCatchEvent": lazy_gettext("Intermediate catch event"),
    "bpmn:IntermediateThrowEvent": lazy_gettext("Intermediate throw event"),
    "bpmn:ExclusiveGateway": lazy_gettext("Exclusive gateway"),
    "bpmn:ParallelGateway": lazy_gettext("Parallel gateway"),
    "bpmn:InclusiveGateway": lazy_gettext("Inclusive gateway"),
    "bpmn:EventBasedGateway": lazy_gettext("Event based gateway"),
    "bpmn:Lane": lazy_gettext("Lane"),
    "bpmn:Participant": lazy_gettext("Participant"),
    "bpmn:SequenceFlow": lazy_gettext("Sequence flow"),
    "bpmn:MessageFlow": lazy_gettext("Message flow"),
    "bpmn:Association": lazy_gettext("Association"),
    "bpmn:TextAnnotation": lazy_gettext("Text annotation"),
    "bpmn:DataObjectReference": lazy_gettext("Data object reference"),
    "bpmn:DataStoreReference": lazy_gettext("Data store reference"),
    "bpmn:Group": lazy_gettext("Group"),
}
"""The kind of a selected element as the properties panel names it, by its BPMN type."""


def bpmn_js_texts() -> dict[str, str]:
    """The palette's and context pad's texts in the reader's language, keyed by bpmn-js's English."""
    return {english: str(text) for english, text in BPMN_JS_TEXTS.items()}


def element_type_names() -> dict[str, str]:
    """The kinds of element in the reader's language, keyed by BPMN type (``bpmn:UserTask``)."""
    return {kind: str(text) for kind, text in ELEMENT_TYPES.items()}
