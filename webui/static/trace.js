// The trace page (templates/compliance/trace.html): one instance drawn on its own version by bpmn-js's navigated
// viewer; completed elements grey-green, current tasks outlined blue, waiting timers and messages orange, flows
// taken green. Each file shows the marks of the processes it holds.
/* global BpmnJS */

import spiffworkflow from "./spiffworkflow-moddle.js";
import reintegra, { NAMES_NS } from "./reintegra-moddle.js";
import { wireZoom } from "./zoom.js";

const data = JSON.parse(document.getElementById("trace-data").textContent);
const status = document.getElementById("trace-status");
const select = document.getElementById("trace-file");
const viewer = new BpmnJS({ container: "#trace-canvas", moddleExtensions: { spiffworkflow, reintegra } });
wireZoom("trace-canvas", viewer.get("canvas"));
const marks = [
  ["completed", "trace-completed", (e) => e.bpmn_id],
  ["current", "trace-current", (e) => e.bpmn_id],
  ["waiting", "trace-waiting", (e) => e.bpmn_id],
  ["flows", "trace-flow", (f) => f.bpmn_id],
];

function mark(name) {
  const processes = data.file_processes[name] || [];
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  marks.forEach(([key, marker, idOf]) => {
    data[key]
      .filter((entry) => processes.includes(entry.process_id) && registry.get(idOf(entry)))
      .forEach((entry) => canvas.addMarker(idOf(entry), marker));
  });
}

// The diagram with the names in the reader's language (reintegra:nameNl, reintegra:nameFr) where it has them.
function inReaderLanguage(xml) {
  const attribute = { nl: "nameNl", fr: "nameFr" }[document.documentElement.lang];
  if (!attribute) return xml;
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  for (const element of doc.getElementsByTagName("*")) {
    const name = element.getAttributeNS(NAMES_NS, attribute);
    if (name) element.setAttribute("name", name);
  }
  return new XMLSerializer().serializeToString(doc);
}

async function open(name) {
  try {
    await viewer.importXML(inReaderLanguage(data.files[name]));
  } catch (err) {
    viewer.clear();
    status.className = "flash error";
    status.textContent = `${data.text.unreadable} ${String(err.message || err).split("\n")[0]}`;
    return;
  }
  status.className = "";
  status.textContent = "";
  mark(name);
  viewer.get("canvas").zoom("fit-viewport");
  document.getElementById("trace-canvas").dataset.drawn = name;
}

if (select) select.addEventListener("change", () => open(select.value));
open(data.main_file);
