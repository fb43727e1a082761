// The parts of a field's editor that only some kinds have: the date rules of a date field (DATE_RULES.md) and the
// choices of a choice field, each a value with its labels in nl/fr/en.

import * as S from "./form-schema.js";
import { button, checkbox, el, fill, labelled, showError, textInput } from "./form-builder-dom.js";

export function dateRules({ view, spec, id }) {
  const t = view.text;
  const group = el("fieldset", { class: "builder-rules" }, [el("legend", { text: t.date_rules })]);
  for (const flag of S.DATE_FLAGS) {
    group.append(checkbox(id(flag), t.rules[flag], spec[flag] === true, (on) => {
      S.setFlag(spec, flag, on);
      view.write();
    }));
  }
  for (const rule of S.DATE_NAMES) {
    const input = textInput(id(rule), S.ruleNames(spec, rule).join(", "), (typed) => {
      S.setRuleNames(spec, rule, typed);
      view.write();
    }, { list: "builder-date-names", spellcheck: "false", describedby: "builder-names-hint" });
    group.append(labelled(id(rule), t.rules[rule], input));
  }
  return group;
}

export function choicesEditor({ view, spec, id }) {
  const t = view.text;
  const values = S.choices(spec);
  const list = el("ol", { class: "builder-choices" });
  values.forEach((value, index) => list.append(el("li", {}, [choice(view, spec, id, index)])));
  const add = button(t.add_choice, () => {
    S.addChoice(spec);
    view.write();
    view.redraw(id(`choice-${values.length}-value`));
  }, { id: id("add-choice") });
  return el("fieldset", { class: "builder-rules" }, [el("legend", { text: t.choices }), list, add]);
}

function choice(view, spec, id, index) {
  const t = view.text;
  const number = index + 1;
  const key = (part) => id(`choice-${index}-${part}`);
  const current = () => spec.enum[index];
  const value = textInput(key("value"), String(current()), (typed, input) => {
    const refused = S.setChoiceValue(spec, index, typed);
    showError(input, key("value-error"), refused && t.choice_taken);
    if (!refused) view.write();
  }, { event: "change", spellcheck: "false" });
  const group = el("fieldset", { class: "builder-choice" }, [
    el("legend", { text: fill(t.choice, { number }) }), labelled(key("value"), t.choice_value, value)]);
  for (const language of S.LANGUAGES) {
    const input = textInput(key(language), S.choiceText(spec, current(), language), (typed) => {
      S.setChoiceText(spec, current(), language, typed);
      view.write();
    }, { lang: language });
    group.append(labelled(key(language), t.choice_label_in[language], input));
  }
  group.append(button(t.remove_choice, () => {
    S.removeChoice(spec, index);
    view.write();
    view.redraw(id("add-choice"));
  }, { "aria-label": fill(t.remove_choice_number, { number }) }));
  return group;
}
