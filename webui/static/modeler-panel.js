// The properties panel of the diagram editor: the few properties our conventions need (README, "Decisions
// worth knowing"), written through bpmn-js commands so that Ctrl+Z undoes them and the page sees the change.
// The fields themselves are in templates/models/draft.html; this module fills them and writes them back,
// with a user task's deadline fields in modeler-deadline.js.

import { DeadlineFields } from "./modeler-deadline.js";
import { RulePicker, formatDeadline, parseDeadline, ruleSummary } from "./modeler-rules.js";

const FORM_PROPERTY = "formJsonSchemaFilename";
const RULES_PROPERTY = "deadlineRules";
const ACT_DATE_PROPERTY = "actDate";
const CURRENT = "@current";

// engine/access.py role_for_lane, mirrored so the panel shows which role a lane's name maps to.
const LANE_ALIASES = {
  hr: "employer", oa: "occupational_physician", aa: "advisory_physician", tnwc: "rtw_coordinator",
  back_to_work_coordinator: "rtw_coordinator", return_to_work_coordinator: "rtw_coordinator",
};
// Lane names are English identifiers, whatever the reader's language: "Occupational physician" for
// occupational_physician, and the name our diagrams already use where the id reads badly.
const LANE_NAMES = { rtw_coordinator: "RTW coordinator" };

export function roleForLane(name, roles) {
  if (!name) return "";
  let key = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  key = LANE_ALIASES[key] || key;
  return roles.includes(key) ? key : "";
}

export function laneName(role) {
  const words = LANE_NAMES[role] || role.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function humanType(bo) {
  const words = bo.$type.replace(/^bpmn:/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function timerDefinition(bo) {
  return (bo.eventDefinitions || []).find((d) => d.$instanceOf("bpmn:TimerEventDefinition"));
}

function timerExpression(definition) {
  const expression = definition.timeDate || definition.timeDuration || definition.timeCycle;
  return (expression && expression.body) || "";
}

function messageHolder(bo) {
  if (bo.$instanceOf("bpmn:ReceiveTask")) return bo;
  return (bo.eventDefinitions || []).find((d) => d.$instanceOf("bpmn:MessageEventDefinition"));
}

function spiffProperties(bo) {
  const extensions = bo.extensionElements ? bo.extensionElements.get("values") : [];
  return extensions.find((v) => v.$instanceOf("spiffworkflow:Properties"));
}

function spiffProperty(bo, name) {
  const properties = spiffProperties(bo);
  const found = properties && properties.get("values").find((p) => p.name === name);
  return found ? found.value || "" : "";
}

function byId(id) {
  return document.getElementById(id);
}

function selectValue(select, value, missingLabel) {
  select.querySelectorAll("option[data-added]").forEach((o) => o.remove());
  if (value && ![...select.options].some((o) => o.value === value)) {
    const option = new Option(missingLabel || value, value);
    option.dataset.added = "yes";
    select.add(option);
  }
  select.value = value;
}

export class PropertiesPanel {
  constructor(modeler, palette, text, urls) {
    this.modeler = modeler;
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
    this.factory = modeler.get("bpmnFactory");
    this.registry = modeler.get("elementRegistry");
    this.canvas = modeler.get("canvas");
    this.selection = modeler.get("selection");
    this.roles = palette.roles.map((r) => r.id);
    this.rules = Object.fromEntries(palette.rules.map((r) => [r.id, r]));
    this.text = text;
    this.urls = urls;
    this.element = null;
    this.form = byId("properties");
    this.field = {
      element: byId("prop-element"), type: byId("prop-type"), id: byId("prop-id"), name: byId("prop-name"),
      nameNl: byId("prop-name-nl"), nameFr: byId("prop-name-fr"),
      documentation: byId("prop-documentation"), role: byId("prop-role"), form: byId("prop-form"),
      formEdit: byId("prop-form-edit"), rule: byId("prop-rule"), ruleCurrent: byId("prop-rule-variable"),
      ruleHelp: byId("prop-rule-help"), start: byId("prop-start"), expression: byId("prop-expression"),
      message: byId("prop-message"), actDate: byId("prop-act-date"), actDateField: byId("prop-act-date-field"),
    };
    this.groups = Object.fromEntries([...this.form.querySelectorAll("[data-group]")].map((g) => [g.dataset.group, g]));
    this.field.ruleCurrent.value = CURRENT;
    this.deadline = new DeadlineFields(this, text);
    this.picker = new RulePicker(this.field.rule, byId("prop-rule-search"), byId("prop-rule-matches"), text);
    this.listen();
  }

  listen() {
    const writers = {
      name: this.writeName, nameNl: () => this.writeNameIn("nameNl"), nameFr: () => this.writeNameIn("nameFr"),
      documentation: this.writeDocumentation, role: this.writeRole, form: this.writeForm,
      rule: this.writeTimer, start: this.writeTimer, message: this.writeMessage, actDate: this.writeActDate,
    };
    for (const [name, write] of Object.entries(writers)) {
      this.field[name].addEventListener("change", () => this.element && write.call(this));
    }
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.field.element.addEventListener("change", () => {
      if (this.field.element.value) this.select(this.field.element.value);
      else this.selection.select(null);
    });
    const eventBus = this.modeler.get("eventBus");
    eventBus.on("selection.changed", ({ newSelection }) => {
      this.show(newSelection.length === 1 ? newSelection[0] : null);
    });
    eventBus.on("elements.changed", ({ elements }) => {
      if (!this.element || !elements.includes(this.element)) return;
      this.show(this.registry.get(this.element.id) ? this.element : null);
    });
  }

  // Reading: fill the fields from the selected element.

  show(target) {
    const element = target && target.type === "label" ? target.labelTarget : target;
    const isRoot = !element || element === this.canvas.getRootElement();
    this.element = isRoot ? null : element;
    this.form.hidden = isRoot;
    byId("properties-empty").hidden = !isRoot;
    this.field.element.value = isRoot ? "" : element.id;
    if (!isRoot) this.showProperties(element.businessObject);
  }

  showProperties(bo) {
    const { field, groups } = this;
    field.type.textContent = this.text.types[bo.$type] || humanType(bo);
    field.id.value = bo.id;
    field.name.value = bo.name || "";
    field.name.disabled = !bo.$descriptor.propertiesByName.name;
    for (const key of ["nameNl", "nameFr"]) {
      field[key].value = bo.get(`reintegra:${key}`) || "";
      field[key].disabled = field.name.disabled;
    }
    field.documentation.value = (bo.documentation && bo.documentation[0] && bo.documentation[0].text) || "";
    groups.lane.hidden = !bo.$instanceOf("bpmn:Lane");
    if (!groups.lane.hidden) selectValue(field.role, roleForLane(bo.name, this.roles));
    groups["user-task"].hidden = !bo.$instanceOf("bpmn:UserTask");
    if (!groups["user-task"].hidden) {
      this.showForm(spiffProperty(bo, FORM_PROPERTY));
      this.deadline.show(this.element);
    }
    const timer = timerDefinition(bo);
    groups.timer.hidden = !timer;
    if (timer) this.showTimer(bo, timerExpression(timer));
    const holder = messageHolder(bo);
    groups.message.hidden = !holder;
    if (holder) selectValue(field.message, (holder.messageRef && holder.messageRef.name) || "");
  }

  showForm(name) {
    selectValue(this.field.form, name);
    this.field.formEdit.hidden = !name;
    this.field.formEdit.href = this.urls.form_editor + encodeURIComponent(name);
  }

  showTimer(bo, expression) {
    const { field, text } = this;
    const parsed = parseDeadline(expression);
    field.ruleCurrent.hidden = true;
    this.picker.reset();
    field.start.value = parsed ? parsed.start : "";
    field.start.removeAttribute("aria-invalid");
    field.expression.textContent = expression;
    // A boundary timer guarding a deadline names the variable with the legal date of the act (README).
    field.actDateField.hidden = !bo.$instanceOf("bpmn:BoundaryEvent");
    field.actDate.value = spiffProperty(bo, ACT_DATE_PROPERTY);
    if (parsed && parsed.variable) {
      const listed = spiffProperty(bo, RULES_PROPERTY);
      field.ruleCurrent.hidden = false;
      field.ruleCurrent.textContent = `${text.rule_from_variable} ${parsed.variable}${listed ? ` (${listed})` : ""}`;
      field.rule.value = CURRENT;
      field.ruleHelp.textContent = "";
    } else if (parsed && parsed.rule) {
      selectValue(field.rule, parsed.rule, `${parsed.rule} (?)`);
      const rule = this.rules[parsed.rule];
      field.ruleHelp.textContent = rule ? ruleSummary(rule, text) : "";
    } else {
      field.rule.value = "";
      field.ruleHelp.textContent = text.not_a_deadline;
    }
  }

  property(name) {
    return spiffProperty(this.element.businessObject, name);
  }

  // The rule of the task's boundary timer: "T15", or its variable with the rules it may take; "" when the
  // timer names no rule, null when the task has no boundary timer.
  boundaryTimerRule(task) {
    const timer = (task.attachers || []).map((a) => a.businessObject).find(timerDefinition);
    if (!timer) return null;
    const parsed = parseDeadline(timerExpression(timerDefinition(timer)));
    if (!parsed || parsed.rule) return parsed ? parsed.rule : "";
    const listed = spiffProperty(timer, RULES_PROPERTY);
    return `${parsed.variable}${listed ? ` (${listed})` : ""}`;
  }

  // Writing: each writer changes the diagram through `modeling`, so undo, redo and "unsaved" follow.

  writeName() {
    this.modeling.updateProperties(this.element, { name: this.field.name.value.trim() || undefined });
  }

  // The name in Dutch or French (reintegra:nameNl, reintegra:nameFr), read by pages in the reader's language.
  writeNameIn(key) {
    this.modeling.updateProperties(this.element, { [`reintegra:${key}`]: this.field[key].value.trim() || undefined });
  }

  writeDocumentation() {
    const { element, modeling } = this;
    const docs = element.businessObject.get("documentation");
    const value = this.field.documentation.value;
    if (!value.trim()) {
      if (docs.length) modeling.updateProperties(element, { documentation: docs.slice(1) });
    } else if (docs.length) {
      modeling.updateModdleProperties(element, docs[0], { text: value });
    } else {
      const documentation = this.factory.create("bpmn:Documentation", { text: value });
      modeling.updateProperties(element, { documentation: [documentation] });
    }
  }

  writeRole() {
    if (!this.field.role.value) return;
    this.field.name.value = laneName(this.field.role.value);
    this.writeName();
  }

  writeActDate() {
    this.writeProperty(ACT_DATE_PROPERTY, this.field.actDate.value.trim());
  }

  writeForm() {
    this.writeProperty(FORM_PROPERTY, this.field.form.value);
    this.showForm(this.field.form.value);
  }

  // <bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name=".." value=".."/>
  writeProperty(name, value) {
    const { element, modeling } = this;
    const bo = element.businessObject;
    let extensions = bo.extensionElements;
    if (!extensions) {
      if (!value) return;
      extensions = this.factory.create("bpmn:ExtensionElements", { values: [] });
      extensions.$parent = bo;
      modeling.updateProperties(element, { extensionElements: extensions });
    }
    let properties = spiffProperties(bo);
    if (!properties) {
      if (!value) return;
      properties = this.moddle.create("spiffworkflow:Properties", { values: [] });
      properties.$parent = extensions;
      modeling.updateModdleProperties(element, extensions, { values: [...extensions.get("values"), properties] });
    }
    const existing = properties.get("values").find((p) => p.name === name);
    if (existing && value) {
      modeling.updateModdleProperties(element, existing, { value });
    } else if (existing) {
      this.removeProperty(extensions, properties, existing);
    } else if (value) {
      const property = this.moddle.create("spiffworkflow:Property", { name, value });
      property.$parent = properties;
      modeling.updateModdleProperties(element, properties, { values: [...properties.get("values"), property] });
    }
  }

  // Leave no empty <spiffworkflow:properties/> or <bpmn:extensionElements/> behind.
  removeProperty(extensions, properties, property) {
    const { element, modeling } = this;
    const rest = properties.get("values").filter((p) => p !== property);
    const others = extensions.get("values").filter((v) => v !== properties);
    if (rest.length) modeling.updateModdleProperties(element, properties, { values: rest });
    else if (others.length) modeling.updateModdleProperties(element, extensions, { values: others });
    else modeling.updateProperties(element, { extensionElements: undefined });
  }

  // <bpmn:timeDate xsi:type="bpmn:tFormalExpression">deadline("T15", request_received_on)</bpmn:timeDate>
  writeTimer() {
    const { element, field } = this;
    const timer = timerDefinition(element.businessObject);
    const parsed = parseDeadline(timerExpression(timer)) || { first: "", start: "", rest: [] };
    const first = field.rule.value === CURRENT ? parsed.first : field.rule.value && JSON.stringify(field.rule.value);
    const start = field.start.value.trim();
    if (!first) return;
    if (!start) {
      field.start.setAttribute("aria-invalid", "true");
      field.ruleHelp.textContent = this.text.start_missing;
      return;
    }
    const body = formatDeadline(first, start, parsed.rest);
    const expression = this.factory.create("bpmn:FormalExpression", { body });
    expression.$parent = timer;
    this.modeling.updateModdleProperties(element, timer,
      { timeDate: expression, timeDuration: undefined, timeCycle: undefined });
  }

  // messageRef="msg_<name>" on the receive task or message event definition, with
  // <bpmn:message id="msg_<name>" name="<name>"/> added to the file when it has none of that name.
  writeMessage() {
    const { element, modeling } = this;
    const holder = messageHolder(element.businessObject);
    const name = this.field.message.value;
    const message = name ? this.messageNamed(name) : undefined;
    if (holder === element.businessObject) modeling.updateProperties(element, { messageRef: message });
    else modeling.updateModdleProperties(element, holder, { messageRef: message });
  }

  messageNamed(name) {
    const definitions = this.modeler.getDefinitions();
    const roots = definitions.get("rootElements");
    const found = roots.find((r) => r.$instanceOf("bpmn:Message") && r.name === name);
    if (found) return found;
    const base = `msg_${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    let id = base;
    for (let n = 2; this.moddle.ids.assigned(id); n += 1) id = `${base}_${n}`;
    const message = this.factory.create("bpmn:Message", { id, name });
    message.$parent = definitions;
    this.modeling.updateModdleProperties(this.element, definitions, { rootElements: [...roots, message] });
    return message;
  }

  // The list of elements: the way to select one without the mouse.

  listElements() {
    const root = this.canvas.getRootElement();
    const options = this.registry.filter((e) => e.type !== "label" && e !== root && e.businessObject)
      .map((e) => new Option(e.businessObject.name ? `${e.businessObject.name} (${e.id})` : e.id, e.id));
    this.field.element.replaceChildren(this.field.element.options[0], ...options);
    this.field.element.value = this.element ? this.element.id : "";
  }

  select(id) {
    const target = this.registry.get(id);
    if (!target) return false;
    this.selection.select(target);
    this.canvas.scrollToElement(target);
    return true;
  }
}
