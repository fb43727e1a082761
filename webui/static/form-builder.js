// The form builder on the form editor page (templates/models/form.html): the fields of the form's JSON Schema in
// their order, to add, move, delete and edit without writing JSON. Every edit rewrites the JSON view (which the
// page saves, and which form-editor.js previews); typing in the JSON view redraws the builder.

import * as S from "./form-schema.js";
import { button, el, fill, labelled, textInput } from "./form-builder-dom.js";
import { fieldItem } from "./form-builder-fields.js";

const data = JSON.parse(document.getElementById("form-editor-data").textContent).builder;
const page = {
  builder: document.getElementById("form-builder"),
  controls: document.getElementById("builder-controls"),
  schema: document.getElementById("schema"),
  status: document.getElementById("builder-status"),
  json: document.getElementById("json-view"),
};

const view = {
  schema: null,
  text: data.text,
  language: data.language,
  classes: data.classes,
  open: new Set(),
  write() {
    page.schema.value = JSON.stringify(view.schema, null, 2);
    page.schema.dispatchEvent(new CustomEvent("builder-change"));
  },
  redraw(focusId) {
    draw();
    const target = focusId && document.getElementById(focusId);
    if (target) target.focus();
  },
  say(message) {
    page.status.textContent = message;
  },
};

function read() {
  try {
    const schema = JSON.parse(page.schema.value);
    return S.isEditable(schema) ? schema : null;
  } catch {
    return null;
  }
}

function draw() {
  const names = S.fieldNames(view.schema);
  const dates = names.filter((name) => S.kindOf(S.field(view.schema, name)) === "date");
  page.controls.replaceChildren(
    title(),
    el("ol", { id: "builder-fields", class: "builder-fields" },
      names.map((name, index) => fieldItem(view, name, index, names.length))),
    button(data.text.add_field, add, { id: "builder-add" }),
    el("datalist", { id: "builder-date-names" }, dates.map((name) => el("option", { value: name }))),
  );
}

function title() {
  const group = el("fieldset", { class: "builder-texts" }, [el("legend", { text: data.text.title_in.legend })]);
  for (const language of S.LANGUAGES) {
    const id = `builder-title-${language}`;
    group.append(labelled(id, data.text.title_in[language], textInput(id, S.text(view.schema, "x-title", language),
      (value) => {
        S.setText(view.schema, "x-title", language, value);
        view.write();
      }, { lang: language })));
  }
  return group;
}

function add() {
  const name = S.addField(view.schema);
  const index = S.fieldNames(view.schema).indexOf(name);
  view.open.add(name);
  view.write();
  view.redraw(`fb-${index}-name`);
  view.say(fill(data.text.added, { number: index + 1 }));
}

// The JSON view leads: while it cannot be read as a form, the builder waits (disabled) rather than guess.
function follow() {
  const schema = read();
  page.controls.disabled = schema === null;
  view.say(schema === null ? data.text.unreadable : "");
  if (schema === null) return;
  view.schema = schema;
  draw();
}

// The JSON view is open for pages without JavaScript; with the builder shown it is there for experts who open it.
page.builder.hidden = false;
page.schema.addEventListener("input", follow);
follow();
page.json.open = view.schema === null;
