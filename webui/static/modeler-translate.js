// bpmn-js's `translate` service, answering from the page's texts (webui/modeler_texts.py, in the reader's
// language): the palette and the context pad speak Dutch or French. A text without a translation stays English.

export function translateModule(texts) {
  function translate(template, replacements = {}) {
    const text = texts[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) => (key in replacements ? replacements[key] : whole));
  }
  return { translate: ["value", translate] };
}
