// The form builder's changes to a form's JSON Schema (engine/casework/forms.py has the conventions). Each change
// works on the parsed schema in place and touches only the keywords it owns, so whatever else an expert wrote in
// the JSON view (patterns, lengths, defaults, keywords the builder does not know) stays as it was.

export const LANGUAGES = ["nl", "fr", "en"];
export const KINDS = ["text", "textarea", "number", "integer", "date", "yesno", "choice", "document"];
export const DATE_FLAGS = ["x-not-in-future", "x-not-in-past"];
export const DATE_NAMES = ["x-not-before", "x-after"];
export const EMPLOYER_CLASSES = ["case", "personal"];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHAPES = {
  text: { type: "string" },
  textarea: { type: "string", "x-widget": "textarea" },
  number: { type: "number" },
  integer: { type: "integer" },
  date: { type: "string", format: "date" },
  yesno: { type: "boolean" },
  choice: { type: "string", enum: [] },
  document: { type: "integer", "x-document": true },
};
// The keywords that make a field one kind or another: a change of kind removes them before drawing the new shape.
const KIND_KEYWORDS = ["type", "format", "x-widget", "enum", "x-choice-labels", "x-document", ...DATE_FLAGS,
  ...DATE_NAMES];

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function isEditable(schema) {
  return isObject(schema) && (schema.properties === undefined || isObject(schema.properties))
    && Object.values(schema.properties || {}).every(isObject);
}

export function fieldNames(schema) {
  const properties = schema.properties || {};
  const order = Array.isArray(schema["x-order"]) ? schema["x-order"] : [];
  return [...new Set([...order.filter((name) => Object.hasOwn(properties, name)), ...Object.keys(properties)])];
}

export function field(schema, name) {
  return schema.properties[name];
}

// As the case workers' page draws it (webui/formfields.py): a list of rows or an object is left to the JSON view.
export function kindOf(spec) {
  if (spec["x-document"] === true) return "document";
  if ("enum" in spec) return "choice";
  if (spec.type === "boolean") return "yesno";
  if (spec.type === "integer" || spec.type === "number") return spec.type;
  if (spec.format === "date") return "date";
  if (spec.type !== undefined && spec.type !== "string") return "other";
  return spec["x-widget"] === "textarea" ? "textarea" : "text";
}

export function setKind(spec, kind) {
  if (kindOf(spec) === kind || !SHAPES[kind]) return;
  const type = spec.type;
  for (const key of KIND_KEYWORDS) delete spec[key];
  Object.assign(spec, structuredClone(SHAPES[kind]));
  if (kind === "choice" && ["integer", "number"].includes(type)) spec.type = type;
}

export function addField(schema) {
  const names = fieldNames(schema);
  let name = "new_field";
  for (let n = 2; names.includes(name); n += 1) name = `new_field_${n}`;
  if (!isObject(schema.properties)) schema.properties = {};
  schema.properties[name] = { type: "string", "x-label": {} };
  schema["x-order"] = [...names, name];
  return name;
}

export function removeField(schema, name) {
  const names = fieldNames(schema).filter((other) => other !== name);
  delete schema.properties[name];
  schema["x-order"] = names;
  setRequired(schema, name, false);
}

export function moveField(schema, name, step) {
  const names = fieldNames(schema);
  const from = names.indexOf(name);
  const to = from + step;
  if (from < 0 || to < 0 || to >= names.length) return false;
  [names[from], names[to]] = [names[to], names[from]];
  schema["x-order"] = names;
  return true;
}

// "invalid" or "taken" when the new name cannot be a field's; the order, the required list and the date rules that
// named the field follow it.
export function renameField(schema, name, wanted) {
  if (wanted === name) return null;
  if (!NAME.test(wanted)) return "invalid";
  if (Object.hasOwn(schema.properties, wanted)) return "taken";
  const rename = (each) => (each === name ? wanted : each);
  const order = fieldNames(schema).map(rename);
  schema.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, spec]) => [rename(key), spec]));
  schema["x-order"] = order;
  if (Array.isArray(schema.required)) schema.required = schema.required.map(rename);
  for (const spec of Object.values(schema.properties)) {
    for (const rule of DATE_NAMES) {
      if (rule in spec) setRuleNames(spec, rule, ruleNames(spec, rule).map(rename).join(", "));
    }
  }
  return null;
}

export function isRequired(schema, name) {
  return Array.isArray(schema.required) && schema.required.includes(name);
}

export function setRequired(schema, name, on) {
  const others = (Array.isArray(schema.required) ? schema.required : []).filter((other) => other !== name);
  const required = on ? [...others, name] : others;
  if (required.length) schema.required = required;
  else delete schema.required;
}

export function text(owner, key, language) {
  const texts = owner[key];
  return isObject(texts) && typeof texts[language] === "string" ? texts[language] : "";
}

export function setText(owner, key, language, value) {
  const texts = isObject(owner[key]) ? owner[key] : {};
  if (value) texts[language] = value;
  else delete texts[language];
  if (Object.keys(texts).length) owner[key] = texts;
  else delete owner[key];
}

export function setFlag(spec, key, on) {
  if (on) spec[key] = true;
  else delete spec[key];
}

export function setClassification(spec, classification) {
  if (classification) spec["x-classification"] = classification;
  else delete spec["x-classification"];
  if (!EMPLOYER_CLASSES.includes(classification)) delete spec["x-employer"];
}

export function ruleNames(spec, rule) {
  const value = spec[rule];
  if (Array.isArray(value)) return value.filter((name) => typeof name === "string");
  return typeof value === "string" ? [value] : [];
}

// One name is written as a name, several as a list, as the shipped forms do.
export function setRuleNames(spec, rule, typed) {
  const names = typed.split(/[\s,]+/).filter(Boolean);
  if (!names.length) delete spec[rule];
  else spec[rule] = names.length === 1 ? names[0] : names;
}

export function choices(spec) {
  return Array.isArray(spec.enum) ? spec.enum : [];
}

function choiceLabels(spec) {
  if (!isObject(spec["x-choice-labels"])) spec["x-choice-labels"] = {};
  return spec["x-choice-labels"];
}

export function addChoice(spec) {
  const values = choices(spec).map(String);
  let value = "choice_1";
  for (let n = 2; values.includes(value); n += 1) value = `choice_${n}`;
  spec.enum = [...choices(spec), value];
  return value;
}

export function removeChoice(spec, index) {
  const [value] = spec.enum.splice(index, 1);
  if (isObject(spec["x-choice-labels"])) delete spec["x-choice-labels"][String(value)];
}

// A number field's choices stay numbers; the labels move with the value. "taken" when another choice has it.
export function setChoiceValue(spec, index, typed) {
  const old = spec.enum[index];
  const numeric = ["integer", "number"].includes(spec.type) && typed.trim() !== "" && !Number.isNaN(Number(typed));
  const value = numeric ? Number(typed) : typed;
  if (String(value) === String(old)) return null;
  if (spec.enum.some((other) => String(other) === String(value))) return "taken";
  spec.enum[index] = value;
  const labels = choiceLabels(spec);
  if (Object.hasOwn(labels, String(old))) {
    spec["x-choice-labels"] = Object.fromEntries(Object.entries(labels)
      .map(([key, texts]) => [key === String(old) ? String(value) : key, texts]));
  }
  return null;
}

export function choiceText(spec, value, language) {
  return isObject(spec["x-choice-labels"]) ? text(spec["x-choice-labels"], String(value), language) : "";
}

export function setChoiceText(spec, value, language, typed) {
  setText(choiceLabels(spec), String(value), language, typed);
}
