// The form editor page (templates/models/form.html): as the JSON Schema is typed or the form builder rewrites it
// (form-builder.js), the server draws the preview with the case workers' template part and lists the problems; the
// Preview button stays for pages without JavaScript.

const DELAY_MS = 300;
const data = JSON.parse(document.getElementById("form-editor-data").textContent);
const page = {
  schema: document.getElementById("schema"),
  language: document.getElementById("preview-language"),
  preview: document.getElementById("form-preview"),
  problems: document.getElementById("form-problems"),
};
const state = { timer: null, request: null, shown: null };

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// Replace the list only when it changed, so the live region speaks once per change and not on every keystroke.
function showProblems(problems) {
  if (problems.length) page.schema.setAttribute("aria-invalid", "true");
  else page.schema.removeAttribute("aria-invalid");
  const key = JSON.stringify(problems);
  if (key === state.shown) return;
  state.shown = key;
  if (!problems.length) {
    page.problems.replaceChildren();
    return;
  }
  const box = element("div", undefined, "flash error");
  const list = element("ul");
  list.append(...problems.map((problem) => element("li", problem)));
  box.append(element("p", data.text.problems), list);
  page.problems.replaceChildren(box);
}

function showFailure() {
  state.shown = null;
  page.problems.replaceChildren(element("p", data.text.failed, "flash error"));
}

async function refresh() {
  if (state.request) state.request.abort();
  const request = new AbortController();
  state.request = request;
  const body = new URLSearchParams({ schema: page.schema.value, language: page.language.value });
  try {
    const response = await fetch(data.preview_url, {
      method: "POST", body, credentials: "same-origin", signal: request.signal,
      headers: { "X-CSRFToken": data.csrf_token, Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const answer = await response.json();
    page.preview.innerHTML = answer.html;
    page.preview.lang = page.language.value;
    showProblems(answer.problems);
  } catch (err) {
    if (err.name !== "AbortError") showFailure();
  }
}

function later() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, DELAY_MS);
}

state.shown = JSON.stringify([...page.problems.querySelectorAll("li")].map((li) => li.textContent));
page.schema.addEventListener("input", later);
page.schema.addEventListener("builder-change", later);
page.language.addEventListener("change", () => {
  clearTimeout(state.timer);
  refresh();
});
// The preview is a picture of the form: submitting it (Enter in a field) goes nowhere.
page.preview.addEventListener("submit", (event) => event.preventDefault());
