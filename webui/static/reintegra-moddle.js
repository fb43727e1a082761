// Our own attributes on BPMN elements, as bpmn-js (moddle) must know them to read and write them: an element's
// name in Dutch and French beside its English `name` (engine/modelling/diagram_names.py, README "Names in three
// languages"): <bpmn:userTask name="Send the invitation" reintegra:nameNl="..." reintegra:nameFr="...">.

export const NAMES_NS = "http://reintegra.example/bpmn/names";

export default {
  name: "Reintegra",
  uri: NAMES_NS,
  prefix: "reintegra",
  associations: [],
  types: [
    {
      name: "Names",
      extends: ["bpmn:BaseElement"],
      properties: [
        { name: "nameNl", isAttr: true, type: "String" },
        { name: "nameFr", isAttr: true, type: "String" },
      ],
    },
  ],
};
