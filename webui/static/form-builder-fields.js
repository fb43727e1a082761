// One field of the form builder: its heading with the buttons that move and delete it, and its editor (name, type,
// labels and help in nl/fr/en, required, classification; date rules and choices in form-builder-rules.js).

import * as S from "./form-schema.js";
import { button, checkbox, el, fill, labelled, showError, textInput } from "./form-builder-dom.js";
import { choicesEditor, dateRules } from "./form-builder-rules.js";

// view (form-builder.js): { schema, text, language, classes ([code, label] pairs), open (names of the open editors),
// write(), redraw(focusId), say(message) }.
export function fieldItem(view, name, index, count) {
  const t = view.text;
  const spec = S.field(view.schema, name);
  const id = (part) => `fb-${index}-${part}`;
  const shown = () => S.text(spec, "x-label", view.language) || name;
  const heading = el("span", { id: id("heading"), class: "builder-heading" });
  const up = button(t.up, () => move(-1), { id: id("up"), "aria-disabled": index === 0 ? "true" : false });
  const down = button(t.down, () => move(1), { id: id("down"), "aria-disabled": index === count - 1 ? "true" : false });
  const remove = button(t.delete, () => {
    S.removeField(view.schema, name);
    view.open.delete(name);
    view.write();
    view.redraw("builder-title");
    view.say(fill(t.deleted, { field: shown() }));
  }, { id: id("delete") });
  const summary = el("summary", { id: id("summary") });
  const refresh = () => {
    const kind = t.kinds[S.kindOf(spec)];
    const required = S.isRequired(view.schema, name) ? ` · ${t.required_mark}` : "";
    heading.textContent = `${index + 1}. ${shown()} (${name}) · ${kind}${required}`;
    up.setAttribute("aria-label", fill(t.move_up, { field: shown() }));
    down.setAttribute("aria-label", fill(t.move_down, { field: shown() }));
    remove.setAttribute("aria-label", fill(t.delete_field, { field: shown() }));
    summary.textContent = fill(t.edit, { field: shown() });
  };
  function move(step) {
    if (!S.moveField(view.schema, name, step)) return;
    view.write();
    view.redraw(`fb-${index + step}-${step < 0 ? "up" : "down"}`);
    view.say(fill(t.moved, { field: shown(), number: index + step + 1 }));
  }
  const details = el("details", { open: view.open.has(name) }, [summary]);
  details.addEventListener("toggle", () => (details.open ? view.open.add(name) : view.open.delete(name)));
  const context = { view, spec, name, id, refresh };
  details.append(el("div", { class: "builder-editor" }, editorParts(context)));
  refresh();
  return el("li", { class: "builder-field", "data-name": name, "aria-labelledby": id("heading") }, [
    el("div", { class: "builder-head" }, [heading, el("span", { class: "builder-moves" }, [up, down, remove])]),
    details,
  ]);
}

function editorParts(context) {
  const kind = S.kindOf(context.spec);
  const parts = [nameInput(context), kindSelect(context)];
  if (kind === "other") parts.push(el("p", { class: "meta", text: context.view.text.other_kind }));
  parts.push(texts(context, "x-label", context.view.text.label_in, false),
    texts(context, "x-help", context.view.text.help_in, true), requiredBox(context), ...classification(context));
  if (kind === "date") parts.push(dateRules(context));
  if (kind === "choice") parts.push(choicesEditor(context));
  return parts;
}

function nameInput({ view, name, id }) {
  const t = view.text;
  const input = textInput(id("name"), name, (wanted) => {
    const refused = S.renameField(view.schema, name, wanted.trim());
    showError(input, id("name-error"), refused && t[`name_${refused}`]);
    if (refused || wanted.trim() === name) return;
    if (view.open.delete(name)) view.open.add(wanted.trim());
    view.write();
    view.redraw(id("name"));
  }, { event: "change", spellcheck: "false" });
  return labelled(id("name"), view.text.name, input);
}

function kindSelect({ view, spec, id }) {
  const kind = S.kindOf(spec);
  const kinds = kind === "other" ? [...S.KINDS, "other"] : S.KINDS;
  const select = el("select", { id: id("kind"), disabled: kind === "other" },
    kinds.map((each) => el("option", { value: each, selected: each === kind, text: view.text.kinds[each] })));
  select.addEventListener("change", () => {
    S.setKind(spec, select.value);
    view.write();
    view.redraw(id("kind"));
  });
  return labelled(id("kind"), view.text.kind, select);
}

function texts({ view, spec, id, refresh }, key, labels, multiline) {
  const group = el("fieldset", { class: "builder-texts" }, [el("legend", { text: labels.legend })]);
  for (const language of S.LANGUAGES) {
    const input = textInput(id(`${key}-${language}`), S.text(spec, key, language), (value) => {
      S.setText(spec, key, language, value);
      view.write();
      refresh();
    }, { multiline, lang: language });
    group.append(labelled(id(`${key}-${language}`), labels[language], input));
  }
  return group;
}

function requiredBox({ view, name, id, refresh }) {
  return checkbox(id("required"), view.text.required, S.isRequired(view.schema, name), (on) => {
    S.setRequired(view.schema, name, on);
    view.write();
    refresh();
  });
}

function classification({ view, spec, id }) {
  const t = view.text;
  const current = spec["x-classification"];
  const known = view.classes.map(([code]) => code);
  const options = [el("option", { value: "", selected: !current, text: t.choose }),
    ...view.classes.map(([code, label]) => el("option", { value: code, selected: code === current, text: label }))];
  if (current && !known.includes(current)) {
    options.push(el("option", { value: current, selected: true, text: current }));
  }
  const select = el("select", { id: id("classification") }, options);
  const employer = checkbox(id("employer"), t.employer, spec["x-employer"] === true, (on) => {
    S.setFlag(spec, "x-employer", on);
    view.write();
  }, { disabled: !S.EMPLOYER_CLASSES.includes(current) });
  select.addEventListener("change", () => {
    S.setClassification(spec, select.value);
    const box = employer.querySelector("input");
    box.disabled = !S.EMPLOYER_CLASSES.includes(select.value);
    box.checked = spec["x-employer"] === true;
    view.write();
  });
  return [labelled(id("classification"), t.classification, select), employer];
}
