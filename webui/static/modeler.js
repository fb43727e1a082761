// The diagram editor page (templates/models/draft.html): bpmn-js on the draft's files, our properties panel,
// save (refused with 409 when a colleague saved first), validate (problems marked on the diagram) and deploy.
/* global BpmnJS */

import spiffworkflow from "./spiffworkflow-moddle.js";
import reintegra from "./reintegra-moddle.js";
import { PropertiesPanel } from "./modeler-panel.js";
import { translateModule } from "./modeler-translate.js";
import { wireZoom } from "./zoom.js";

const data = JSON.parse(document.getElementById("modeler-data").textContent);
const text = data.text;
const page = {
  status: document.getElementById("modeler-status"),
  problems: document.getElementById("problems"),
  file: document.getElementById("modeler-file"),
  save: document.getElementById("modeler-save"),
  validate: document.getElementById("modeler-validate"),
  dirty: document.getElementById("modeler-dirty"),
  deploy: document.getElementById("deploy-form"),
  deployWarnings: document.getElementById("deploy-warnings"),
};
const state = {
  revision: data.revision,
  files: { ...data.files },
  current: data.main_file,
  dirty: new Set(),
  edits: 0,
  unreadable: {},
  problems: problemsOnPage(),
  warnings: [],
  marked: [],
  warned: [],
  importing: false,
  busy: false,
};

const modeler = new BpmnJS({ container: "#modeler-canvas", moddleExtensions: { spiffworkflow, reintegra },
                            additionalModules: [translateModule(data.bpmn_js_texts)] });
const panel = new PropertiesPanel(modeler, data.palette, text, data.urls);
const canvas = modeler.get("canvas");
wireZoom("modeler-canvas", canvas, () => fit());

modeler.get("eventBus").on("commandStack.changed", ({ trigger }) => {
  if (state.importing || trigger === "clear") return;
  state.edits += 1;
  state.dirty.add(state.current);
  showDirty();
  panel.listElements();
});

function showDirty() {
  page.dirty.hidden = state.dirty.size === 0;
}

function say(parts, kind = "") {
  page.status.className = kind ? `flash ${kind}` : "";
  page.status.replaceChildren(...parts);
}

function link(label, href, download) {
  const a = document.createElement("a");
  a.textContent = label;
  a.href = href;
  if (download) a.download = download;
  return a;
}

async function open(name) {
  state.importing = true;
  try {
    const { warnings } = await modeler.importXML(state.files[name]);
    state.unreadable[name] = warnings.map((w) => w.message.split("\n")[0]);
  } catch (err) {
    state.unreadable[name] = [String(err.message || err).split("\n")[0]];
  } finally {
    state.importing = false;
  }
  state.current = name;
  fit();
  panel.show(null);
  panel.listElements();
  markProblems();
  if (state.unreadable[name].length) say([`${text.unreadable} ${state.unreadable[name].join("; ")}`], "error");
}

// The whole diagram in view, clear of the palette that bpmn-js draws over the canvas's left edge.
function fit() {
  const palette = 110;
  const margin = 20;
  const { inner } = canvas.viewbox();
  const size = canvas.getSize();
  const scale = Math.min(1, (size.width - palette - margin) / inner.width, (size.height - 2 * margin) / inner.height);
  canvas.viewbox({ x: inner.x - palette / scale, y: inner.y - margin / scale,
                   width: size.width / scale, height: size.height / scale });
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function switchFile(name) {
  if (name === state.current) return;
  if (state.dirty.has(state.current)) state.files[state.current] = await currentXml();
  await open(name);
  if (page.file) page.file.value = name;
}

async function post(url, body) {
  const headers = { "X-CSRFToken": data.csrf_token, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method: "POST", headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, ok: response.ok, answer };
}

function moment(iso) {
  const instant = new Date(/[zZ]$|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Brussels", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

function saved(answer) {
  state.revision = answer.revision;
  document.getElementById("draft-revision").textContent = answer.revision;
  document.getElementById("draft-updated-by").textContent = answer.updated_by;
  document.getElementById("draft-updated-at").textContent = moment(answer.updated_at);
}

function conflict(answer, name, xml) {
  const yours = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
  const detail = document.createElement("small");
  detail.textContent = answer.message || "";
  const reload = link(text.reload, window.location.href);
  say([`${text.conflict} `, reload, " · ", link(text.download, yours, name), " ", detail], "error");
}

// Save every changed file, the one on screen first; stop at the first refusal. True when all are saved.
async function save() {
  if (document.activeElement && document.activeElement.closest(".modeler-panel")) document.activeElement.blur();
  const names = [...state.dirty].sort((a, b) => (a === state.current ? -1 : b === state.current ? 1 : 0));
  if (!names.length) {
    say([text.saved]);
    return true;
  }
  say([text.saving]);
  for (const name of names) {
    if (state.unreadable[name] && state.unreadable[name].length) {
      say([`${text.unreadable} ${state.unreadable[name].join("; ")}`], "error");
      return false;
    }
    const edits = state.edits;
    const xml = name === state.current ? await currentXml() : state.files[name];
    let reply;
    try {
      reply = await post(data.urls.save, { file: name, xml, revision: state.revision });
    } catch {
      say([text.failed], "error");
      return false;
    }
    if (reply.status === 409) {
      conflict(reply.answer, name, xml);
      return false;
    }
    if (!reply.ok) {
      say([`${text.not_saved} ${reply.answer.message || reply.status}`], "error");
      return false;
    }
    saved(reply.answer);
    state.files[name] = xml;
    if (name !== state.current || edits === state.edits) state.dirty.delete(name);
  }
  showDirty();
  say([text.saved]);
  return true;
}

// Problems and warnings: [{element_id, message, file, line}], listed in the status region and marked on the
// diagram, a problem in red, a warning (which does not stop a deploy) in dashed amber.

function problemsOnPage() {
  return [...document.querySelectorAll("#problems [data-problem-element]")]
    .map((b) => ({ element_id: b.dataset.problemElement, file: b.dataset.file || null }));
}

function markProblems() {
  const registry = modeler.get("elementRegistry");
  const here = (list) => list
    .filter((p) => p.element_id && (!p.file || p.file === state.current) && registry.get(p.element_id))
    .map((p) => p.element_id);
  state.marked.forEach((id) => registry.get(id) && canvas.removeMarker(id, "problem"));
  state.warned.forEach((id) => registry.get(id) && canvas.removeMarker(id, "warning"));
  state.marked = here(state.problems);
  state.warned = here(state.warnings).filter((id) => !state.marked.includes(id));
  state.marked.forEach((id) => canvas.addMarker(id, "problem"));
  state.warned.forEach((id) => canvas.addMarker(id, "warning"));
}

function problemItem(problem, kind = "problem") {
  const item = document.createElement("li");
  item.className = kind;
  if (problem.element_id) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.dataset.problemElement = problem.element_id;
    button.dataset.file = problem.file || "";
    button.textContent = problem.element_id;
    item.append(button, ": ");
  }
  item.append(problem.message);
  if (problem.file) {
    const where = document.createElement("span");
    where.className = "meta";
    where.textContent = ` (${problem.file}${problem.line ? `, ${text.line} ${problem.line}` : ""})`;
    item.append(where);
  }
  return item;
}

function listed(label, items, kind) {
  const summary = Object.assign(document.createElement("p"), { textContent: `${label} ${items.length}` });
  const list = document.createElement("ul");
  list.append(...items.map((item) => problemItem(item, kind)));
  return [summary, list];
}

function showProblems(problems, warnings = []) {
  state.problems = problems;
  state.warnings = warnings;
  const shown = problems.length ? listed(text.problems_found, problems, "problem")
    : [Object.assign(document.createElement("p"), { textContent: text.no_problems })];
  if (warnings.length) shown.push(...listed(text.warnings_found, warnings, "warning"));
  page.problems.replaceChildren(...shown);
  page.deployWarnings.hidden = !warnings.length;
  page.deployWarnings.replaceChildren(...(warnings.length ? listed(text.deploy_warnings, warnings, "warning") : []));
  markProblems();
}

async function validate() {
  if (state.dirty.size && !(await save())) return;
  page.problems.replaceChildren(Object.assign(document.createElement("p"), { textContent: text.validating }));
  let reply;
  try {
    reply = await post(data.urls.validate);
  } catch {
    say([text.failed], "error");
    return;
  }
  if (!reply.ok) {
    page.problems.replaceChildren();
    say([`${reply.answer.message || reply.status}`], "error");
    return;
  }
  showProblems(reply.answer.problems || [], reply.answer.warnings || []);
}

async function showElement(id, file) {
  if (file && file !== state.current && file in state.files) await switchFile(file);
  if (panel.select(id)) document.getElementById("prop-element").focus();
}

function exclusive(action) {
  return async () => {
    if (state.busy) return;
    state.busy = true;
    page.save.disabled = page.validate.disabled = true;
    try {
      await action();
    } finally {
      state.busy = false;
      page.save.disabled = data.is_deployed;
      page.validate.disabled = false;
    }
  };
}

page.save.addEventListener("click", exclusive(save));
page.validate.addEventListener("click", exclusive(validate));
for (const list of [page.problems, page.deployWarnings, document.getElementById("untranslated")]) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-problem-element]");
    if (button) showElement(button.dataset.problemElement, button.dataset.file);
  });
}
if (page.file) page.file.addEventListener("change", exclusive(() => switchFile(page.file.value)));
page.deploy.addEventListener("submit", async (event) => {
  if (!state.dirty.size) return;
  event.preventDefault();
  say([text.save_before_deploy]);
  if (!state.busy && (await save())) page.deploy.submit();
});
window.addEventListener("beforeunload", (event) => {
  if (!state.dirty.size) return;
  event.preventDefault();
  event.returnValue = "";
});

open(state.current);
