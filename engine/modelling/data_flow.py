"""Deploy refuses a diagram that reads a variable before anything sets it, on some path from the process start.

A name is set by a user task's form (every field of its JSON schema, as the form fills a left-out field's default),
by the engine's judgement of the act that task records (``eligibility.RECORDED``), by a script (task, pre- or
post-script), by a message a catch event receives into its variable, by a call activity (its called process's data
outputs, or what that process sets on the way to its end), or by the start: what every instance learns from its
case (``start_data.CASE_CONTEXT``), the fields of the procedure's start forms and its route (``catalogue.toml``),
and what the engine hands the procedures it starts itself (``ENGINE_STARTS``). The engine's functions and the
builtins are never variables.

The rule is "on every path": the sets flow forward through the sequence flows and meet by intersection (a name
set on one branch of an exclusive gateway is not set after the join), except at a parallel join, where every
incoming branch has run. A loop is solved as a fixed point starting from "everything", so a name set before the
loop stays set in it. A boundary event sees what its activity saw when it began. An element no path reaches is
not judged. Deliberately lenient, to keep false alarms out: the fields of all of a procedure's start forms count
(a diagram may branch on the route before it reads a route's field), script reads follow ``script_names``, and a
process whose forms or called processes are unknown (already a problem) is not judged.

Across a call the check trusts the diagrams, as the caller's flags choose the called process's paths and its
result chooses the caller's (``first_invitation_sent``, ``return_outcome``): a called process starts with its
declared data inputs, or else with the start variables above, whatever any of its call sites in the bundle sets,
and whatever it sets itself on any path (a caller may have done that step already and hand its result over: the
formal trajectory leaves the first registered invitation to ``registered_invitation``, medical force majeure sends
it itself and hands ``invited_on`` over). A process that is no procedure of ``catalogue.toml``, declares no data
inputs and that nothing in the bundle calls (a shared part deployed alone) is not judged: its callers, deployed
apart, hand it data the check cannot see; it is judged when deployed with a caller. After a call activity (or a
sub-process), what it sets on the way to any of its ends counts as set (its declared data outputs, when it has
some, and then each end of the called process must set them all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from ..casework.start_data import CASE_CONTEXT
from ..law import catalogue, eligibility
from ..runtime import sandbox_limits
from . import model_files, script_names
from .diagram_expressions import NS, PYTHON_BUILTINS, property_value
from .problem_codes import problem

Names = frozenset[str]
Found = list[tuple[etree._Element, str]]
FORM_PROPERTY = "formJsonSchemaFilename"
ENGINE_STARTS = {"compliance_review": ("late_act",), "progressive_resumption": ("planned_in",)}
"""What the engine puts in the start data of the procedures it starts itself (``late_acts``, ``part_time``)."""
ENGINE_FUNCTIONS = ("deadline", "due_on", "today", "add_working_days", "days_between", "threshold_date",
                    "record_fact")
"""The functions the engine hands diagram code (``runtime.run.SCRIPT_FUNCTIONS``; the runtime imports this layer)."""
ALWAYS = frozenset(ENGINE_FUNCTIONS) | PYTHON_BUILTINS | frozenset(sandbox_limits.restricted_builtins())
"""Names diagram code may use that are no variables: the engine's functions and the builtins."""
_SCOPES = ("subProcess", "transaction", "adHocSubProcess")
_MESSAGE_PATHS = ("bpmn:extensionElements", "bpmn:messageEventDefinition/bpmn:extensionElements")
"""Where a message event or task holds its spiffworkflow extensions (the variable received, the payload sent)."""
CASE_CONTEXT_NAMES = frozenset(CASE_CONTEXT)


@dataclass
class _Scope:
    """The flow nodes directly inside a process or sub-process, and the flows between them."""

    element: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    flows: list[etree._Element] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, element: etree._Element) -> _Scope:
        scope = cls(element)
        for child in element:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if name == "sequenceFlow":
                scope.flows.append(child)
                scope.sources.setdefault(child.get("targetRef") or "", []).append(child.get("sourceRef") or "")
            elif _is_node(name):
                scope.nodes[child.get("id") or ""] = child
        return scope


def _is_node(name: str) -> bool:
    """Whether an element of this BPMN name is a flow node (an activity, an event or a gateway)."""
    return name.endswith(("Task", "Event", "Gateway")) or name in ("task", "callActivity", *_SCOPES)


@dataclass
class _Bundle:
    """The processes of one deploy, what their forms record, and what is known of their calls."""

    processes: dict[str, etree._Element]
    files: dict[str, str]
    forms: Mapping[str, dict]
    form_sources: Mapping[str, bytes]
    procedures: Mapping[str, catalogue.Procedure]
    call_sites: dict[str, list[Names]] = field(default_factory=dict)
    ends: dict[tuple[str, Names], Names | None] = field(default_factory=dict)


def unset_reads(trees: Mapping[str, etree._Element], forms: Mapping[str, dict],
                form_sources: Mapping[str, bytes]) -> list[tuple[str, etree._Element, str]]:
    """Every place a diagram of ``trees`` (by file) reads a variable that is not set before it on every path, as
    (file, element, message); ``forms`` are the valid forms by name."""
    processes = {p.get("id"): p for tree in trees.values() for p in tree.iterfind("bpmn:process", NS)
                 if p.get("isExecutable", "true") == "true"}
    files = {pid: name for name, tree in trees.items() for pid in processes
             if tree.find(f"bpmn:process[@id='{pid}']", NS) is not None}
    bundle = _Bundle(processes, files, forms, form_sources, catalogue.load())
    judged = _judged(bundle)
    found: list[tuple[str, etree._Element, str]] = []
    for pid in _callers_first(bundle, judged):
        if not _is_known_start(bundle, pid):
            continue
        start = _start(bundle, pid)
        found += [(files[pid], element, message) for element, message in
                  _analyse(bundle, pid, _Scope.of(processes[pid]), start, report=True)[1]]
    return found


def _judged(bundle: _Bundle) -> set[str]:
    """The processes whose forms are all valid and whose called processes are all judged too."""
    judged = {pid for pid, process in bundle.processes.items()
              if all(property_value(task, FORM_PROPERTY) in bundle.forms
                     for task in process.iterfind(".//bpmn:userTask", NS))}
    while True:
        kept = {pid for pid in judged if all(c.get("calledElement") in judged
                                             for c in bundle.processes[pid].iterfind(".//bpmn:callActivity", NS))}
        if kept == judged:
            return judged
        judged = kept


def _callers_first(bundle: _Bundle, judged: set[str]) -> list[str]:
    """``judged`` ordered so that every process comes after the processes that call it (a cycle: in any order)."""
    callers = {pid: {c for c in judged if any(a.get("calledElement") == pid for a in
                                               bundle.processes[c].iterfind(".//bpmn:callActivity", NS))} - {pid}
               for pid in judged}
    ordered: list[str] = []
    while len(ordered) < len(judged):
        ready = sorted(p for p in judged if p not in ordered and callers[p] <= set(ordered))
        ordered += ready or sorted(p for p in judged if p not in ordered)[:1]
    return ordered


def _start(bundle: _Bundle, pid: str) -> Names:
    inputs = _io_names(bundle.processes[pid], "dataInput")
    if inputs is not None:
        return inputs
    given = frozenset().union(*bundle.call_sites.get(pid, []))
    start = given | CASE_CONTEXT_NAMES | _start_form_fields(bundle, pid) | frozenset(ENGINE_STARTS.get(pid, ()))
    return start | _set_anywhere(bundle, pid) if _is_called(bundle, pid) else start


def _is_called(bundle: _Bundle, pid: str) -> bool:
    return any(c.get("calledElement") == pid for p in bundle.processes.values()
               for c in p.iterfind(".//bpmn:callActivity", NS))


def _is_known_start(bundle: _Bundle, pid: str) -> bool:
    """Whether the check knows what the process starts with: its declared inputs, its callers in the bundle, or,
    for a procedure of ``catalogue.toml``, the start variables."""
    declared = _io_names(bundle.processes[pid], "dataInput") is not None
    return declared or pid in bundle.procedures or _is_called(bundle, pid)


def _set_anywhere(bundle: _Bundle, pid: str) -> Names:
    """What the process sets on any of its paths: a caller may have done such a step already and hand it over."""
    nodes = [e for e in bundle.processes[pid].iter() if isinstance(e.tag, str) and _is_node(etree.QName(e).localname)]
    return frozenset().union(*(_own_sets(bundle, pid, node) for node in nodes))


def _start_form_fields(bundle: _Bundle, pid: str) -> Names:
    procedure = bundle.procedures.get(pid)
    if procedure is None or procedure.route_field is None:
        return frozenset()
    names = {procedure.route_field}
    for route in procedure.routes.values():
        source = bundle.form_sources.get(route.form or "")
        if source is not None:
            names |= set(_schema_fields(model_files.load_json(source)))
    return frozenset(names)


def _schema_fields(schema: object) -> Iterable[str]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else ()


def _io_names(process: etree._Element, kind: str) -> Names | None:
    """The names of the process's declared data inputs or outputs; None when it declares none."""
    names = [e.get("name") or e.get("id") for e in process.iterfind(f"bpmn:ioSpecification/bpmn:{kind}", NS)]
    return frozenset(names) if names else None


def _analyse(bundle: _Bundle, pid: str, scope: _Scope, start: Names, *, report: bool) -> tuple[Names | None, Found]:
    """What is set at one of the scope's ends (None: no end reached), and, when ``report``, the unset reads."""
    before, after = _fixed_point(scope, start, lambda node, names: _sets(bundle, pid, node, names))
    ends = [after[i] for i, node in scope.nodes.items()
            if etree.QName(node).localname == "endEvent" and after.get(i) is not None]
    end = frozenset.union(*ends) if ends else None  # type: ignore[arg-type]
    if not report:
        return end, []
    found: Found = []
    for node_id, node in scope.nodes.items():
        names_before, names_after = before.get(node_id), after.get(node_id)
        if names_before is not None and names_after is not None:
            found += _node_problems(bundle, pid, node, names_before, names_after)
            if etree.QName(node).localname in _SCOPES:
                found += _analyse(bundle, pid, _Scope.of(node), names_before, report=True)[1]
    for flow in scope.flows:
        names_after = after.get(flow.get("sourceRef") or "")
        condition = flow.find("bpmn:conditionExpression", NS)
        if names_after is not None and condition is not None:
            found += _unset(flow, script_names.reads(condition.text or "", "eval"), names_after)
    return end, found


def _fixed_point(scope: _Scope, start: Names, sets: Callable[[etree._Element, Names], Names]) \
        -> tuple[dict[str, Names | None], dict[str, Names | None]]:
    """The names set before and after each node on every path from ``start`` (None: no path reaches it yet)."""
    before: dict[str, Names | None] = dict.fromkeys(scope.nodes)
    after: dict[str, Names | None] = dict.fromkeys(scope.nodes)
    for _ in range(10 * len(scope.nodes) + 10):
        changed = False
        for node_id, node in scope.nodes.items():
            names = _incoming(scope, node, start, before, after)
            if names is None or names == before[node_id]:
                continue
            before[node_id], out = names, sets(node, names)
            changed |= out != after[node_id]
            after[node_id] = out
        if not changed:
            break
    return before, after


def _incoming(scope: _Scope, node: etree._Element, start: Names, before: Mapping[str, Names | None],
              after: Mapping[str, Names | None]) -> Names | None:
    host = node.get("attachedToRef")
    if host is not None:
        return before.get(host)
    sources = scope.sources.get(node.get("id") or "", [])
    if not sources:
        return start
    known = [after[s] for s in sources if after.get(s) is not None]
    if etree.QName(node).localname == "parallelGateway" and len(sources) > 1:
        return frozenset.union(*known) if len(known) == len(sources) else None  # type: ignore[arg-type]
    return frozenset.intersection(*known) if known else None  # type: ignore[arg-type]


def _sets(bundle: _Bundle, pid: str, node: etree._Element, names: Names) -> Names:
    """The names set once ``node`` is done, when ``names`` were set before it."""
    kind = etree.QName(node).localname
    if kind == "callActivity":
        names = _after_call(bundle, node.get("calledElement") or "", names)
    elif kind in _SCOPES:
        end = _analyse(bundle, pid, _Scope.of(node), names, report=False)[0]
        names = end if end is not None else names
    return names | _own_sets(bundle, pid, node)


def _own_sets(bundle: _Bundle, pid: str, node: etree._Element) -> Names:
    """What the node itself writes into the task data: form fields, script assignments, received messages."""
    found: set[str] = set()
    form = property_value(node, FORM_PROPERTY)
    if etree.QName(node).localname == "userTask" and form is not None and form in bundle.forms:
        found |= set(_schema_fields(bundle.forms[form]))
        recorded = eligibility.RECORDED.get((pid, node.get("id") or ""))
        if recorded is not None and recorded.outcome is not None:
            found |= {recorded.outcome, f"{recorded.outcome}_rule", f"{recorded.outcome}_reason"}
    for path in ("bpmn:script", "bpmn:extensionElements/spiffworkflow:preScript",
                 "bpmn:extensionElements/spiffworkflow:postScript"):
        found |= script_names.assigned(node.findtext(path, default="", namespaces=NS) or "")
    for path in _MESSAGE_PATHS:
        found |= {(e.text or "").strip() for e in node.iterfind(f"{path}/spiffworkflow:messageVariable", NS)}
    found |= {(e.text or "").strip() for e in node.iterfind(".//bpmn:loopDataOutputRef", NS)}
    return frozenset(found - {""})


def _after_call(bundle: _Bundle, called: str, names: Names) -> Names:
    """What is set after a call activity of ``called``, which started with ``names`` set (SpiffWorkflow's rules:
    declared outputs join the caller's data; without them the called process's data replaces the caller's)."""
    process = bundle.processes[called]
    outputs, inputs = _io_names(process, "dataOutput"), _io_names(process, "dataInput")
    if outputs is not None:
        return names | outputs
    start = inputs if inputs is not None else frozenset()
    key = (called, start)
    if key not in bundle.ends:
        bundle.ends[key] = frozenset()  # a process calling itself: what it sets is not counted
        bundle.ends[key] = _analyse(bundle, called, _Scope.of(process), start, report=False)[0]
    end = bundle.ends[key] or frozenset()
    return end if inputs is not None else names | end


def _node_problems(bundle: _Bundle, pid: str, node: etree._Element, before: Names, after: Names) -> Found:
    """Every read of ``node`` of a name not set before it (``before``; ``after`` for code run once it is done)."""
    items = {(e.text or "").strip() for path in (".//bpmn:inputDataItem", ".//bpmn:outputDataItem")
             for e in node.iterfind(path, NS)}
    items |= {e.get("name") or "" for path in (".//bpmn:inputDataItem", ".//bpmn:outputDataItem")
              for e in node.iterfind(path, NS)}
    inside = before | items | _assigned_by(node, "bpmn:extensionElements/spiffworkflow:preScript")
    found = _reads(node, "bpmn:extensionElements/spiffworkflow:preScript", "exec", before)
    found += _reads(node, "bpmn:script", "exec", inside)
    found += _reads(node, "bpmn:extensionElements/spiffworkflow:postScript", "exec", after | items)
    for path in ("bpmn:timerEventDefinition/*", "bpmn:conditionalEventDefinition/bpmn:condition",
                 *(f"{path}/spiffworkflow:messagePayload" for path in _MESSAGE_PATHS),
                 "bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality"):
        found += _reads(node, path, "eval", before)
    for path in ("bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
                 "bpmn:standardLoopCharacteristics/bpmn:loopCondition"):
        found += _reads(node, path, "eval", after | items)
    found += _unset(node, [(e.text or "").strip() for e in node.iterfind(".//bpmn:loopDataInputRef", NS)], before)
    if etree.QName(node).localname == "callActivity":
        found += _unset(node, sorted(_io_names(bundle.processes[node.get("calledElement") or ""], "dataInput") or ()),
                        before)
        bundle.call_sites.setdefault(node.get("calledElement") or "", []).append(before)
    if etree.QName(node).localname == "endEvent" and node.getparent() is bundle.processes[pid]:
        outputs = sorted(_io_names(bundle.processes[pid], "dataOutput") or ())
        found += [(node, problem("model.output_unset", name=name)) for name in outputs if name not in before]
    return found


def _assigned_by(node: etree._Element, path: str) -> Names:
    return frozenset(script_names.assigned(node.findtext(path, default="", namespaces=NS) or ""))


def _reads(node: etree._Element, path: str, mode: str, names: Names) -> Found:
    found: Found = []
    for element in node.iterfind(path, NS):
        found += _unset(node, script_names.reads(element.text or "", mode), names)
    return found


def _unset(element: etree._Element, reads: Iterable[str], names: Names) -> Found:
    return [(element, problem("model.unset_variable", name=name)) for name in reads
            if name and name not in names and name not in ALWAYS]
