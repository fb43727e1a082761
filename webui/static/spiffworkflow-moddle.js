// The spiffworkflow extension elements, as bpmn-js (moddle) must know them to read and write our diagrams.
// Type names are CapWords; "tagAlias: lowerCase" makes them <spiffworkflow:properties>, <spiffworkflow:property>, ...
// as SpiffWorkflow's parser (SpiffWorkflow/spiff/parser) reads them. An element of this namespace that is not
// listed here cannot be read; the page then refuses to save that file rather than drop it.

const text = (name) => ({
  name,
  superClass: ["Element"],
  properties: [{ name: "value", isBody: true, type: "String" }],
});

export default {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    {
      name: "Properties",
      superClass: ["Element"],
      properties: [{ name: "values", type: "Property", isMany: true }],
    },
    {
      name: "Property",
      superClass: ["Element"],
      properties: [
        { name: "name", isAttr: true, type: "String" },
        { name: "value", isAttr: true, type: "String" },
      ],
    },
    {
      name: "ProcessVariableCorrelation",
      superClass: ["Element"],
      properties: [
        { name: "propertyId", type: "PropertyId" },
        { name: "expression", type: "Expression" },
      ],
    },
    text("PropertyId"),
    text("Expression"),
    text("PreScript"),
    text("PostScript"),
    text("MessagePayload"),
    text("MessageVariable"),
    text("CalledDecisionId"),
    text("InstructionsForEndUser"),
    text("SignalButtonLabel"),
    text("AllowGuest"),
    text("GuestConfirmation"),
  ],
};
