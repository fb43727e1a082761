// Small pieces the form builder draws with (form-builder.js, form-builder-fields.js, form-builder-rules.js).

export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// A translated text with its {field} and {number} filled in.
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

export function button(label, onClick, attributes = {}) {
  const node = el("button", { type: "button", ...attributes }, [label]);
  node.addEventListener("click", onClick);
  return node;
}

export function labelled(id, label, control, hint) {
  const wrapper = el("div", { class: "builder-control" }, [el("label", { for: id, text: label }), control]);
  if (hint) wrapper.append(hint);
  return wrapper;
}

export function checkbox(id, label, checked, onChange, attributes = {}) {
  const box = el("input", { type: "checkbox", id, checked, ...attributes });
  box.addEventListener("change", () => onChange(box.checked));
  return el("div", { class: "builder-check" }, [box, el("label", { for: id, text: label })]);
}

export function textInput(id, value, onInput, { multiline = false, event = "input", describedby, ...attributes } = {}) {
  const shape = multiline ? { rows: 2 } : { type: "text" };
  const input = el(multiline ? "textarea" : "input", { id, ...shape, "aria-describedby": describedby, ...attributes });
  input.value = value;
  input.addEventListener(event, () => onInput(input.value, input));
  return input;
}

export function showError(input, errorId, message) {
  const old = document.getElementById(errorId);
  if (old) old.remove();
  if (!message) {
    input.removeAttribute("aria-invalid");
    return;
  }
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", errorId);
  input.after(el("p", { id: errorId, class: "error", text: message }));
}
