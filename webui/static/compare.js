// The compare page (templates/models/compare.html): the new and the old version drawn by bpmn-js's navigated
// viewer, added and changed elements marked on the new diagram, removed ones on the old; a row of the change
// list shows its element.
/* global BpmnJS */

import spiffworkflow from "./spiffworkflow-moddle.js";
import reintegra from "./reintegra-moddle.js";
import { wireZoom } from "./zoom.js";

const data = JSON.parse(document.getElementById("compare-data").textContent);
const status = document.getElementById("compare-status");
const select = document.getElementById("compare-file");
const sides = {
  new: { viewer: viewer("#compare-new"), files: data.new_files, kinds: ["added", "changed"] },
  old: { viewer: viewer("#compare-old"), files: data.old_files, kinds: ["removed"] },
};
let current = data.main_file;
wireZoom("compare-new", sides.new.viewer.get("canvas"));
wireZoom("compare-old", sides.old.viewer.get("canvas"));

function viewer(container) {
  return new BpmnJS({ container, moddleExtensions: { spiffworkflow, reintegra } });
}

function say(message, kind = "") {
  status.className = kind ? `flash ${kind}` : "";
  status.textContent = message;
}

async function draw(side, name) {
  const xml = side.files[name];
  if (xml === undefined) {
    side.viewer.clear();
    return data.text.missing;
  }
  try {
    await side.viewer.importXML(xml);
  } catch (err) {
    side.viewer.clear();
    return `${data.text.unreadable} ${String(err.message || err).split("\n")[0]}`;
  }
  const canvas = side.viewer.get("canvas");
  const registry = side.viewer.get("elementRegistry");
  data.changes
    .filter((c) => c.file === name && side.kinds.includes(c.kind) && registry.get(c.element_id))
    .forEach((c) => canvas.addMarker(c.element_id, `diff-${c.kind}`));
  canvas.zoom("fit-viewport");
  return "";
}

async function open(name) {
  current = name;
  const problems = await Promise.all([draw(sides.new, name), draw(sides.old, name)]);
  const [newProblem, oldProblem] = problems;
  say([newProblem, oldProblem].filter(Boolean).join(" "), newProblem || oldProblem ? "error" : "");
  if (select) select.value = name;
}

function focus(side, elementId) {
  const canvas = side.viewer.get("canvas");
  const element = side.viewer.get("elementRegistry").get(elementId);
  side.viewer.get("selection").select(element || null);
  if (!element) return false;
  canvas.zoom(1);
  canvas.scrollToElement(element, { top: 100, bottom: 100, left: 100, right: 100 });
  return true;
}

async function show(row) {
  const { element, file, kind } = row.dataset;
  if (file !== current) await open(file);
  const onNew = kind !== "removed" && focus(sides.new, element);
  const onOld = focus(sides.old, element);
  say(onNew || onOld ? "" : data.text.not_drawn);
  document.querySelectorAll("#compare-changes tr.selected").forEach((r) => r.classList.remove("selected"));
  row.classList.add("selected");
}

document.querySelectorAll("#compare-changes tr[data-element]").forEach((row) => {
  row.addEventListener("click", () => show(row));
});
if (select) select.addEventListener("change", () => open(select.value));
open(current);
