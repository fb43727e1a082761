"""The texts bpmn-js shows in the modeler's palette and context pad, in the reader's language.

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


def bpmn_js_texts() -> dict[str, str]:
    """The palette's and context pad's texts in the reader's language, keyed by bpmn-js's English."""
    return {english: str(text) for english, text in BPMN_JS_TEXTS.items()}
