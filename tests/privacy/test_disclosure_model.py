"""The disclosure model as a table: who reads which class, per relation to the case and per procedure."""

import pytest

from engine.casework import disclosure, visibility

PARTIES = {"employee_account": "eva", "treating_physician_account": "dr-wouters", "prevention_service": "Mensura",
           "sickness_fund": "CM", "regional_service": "VDAB", "inspectorate": "TWW"}
FORMAL = disclosure.Procedure("formal_reintegration", frozenset({"occupational_physician", "employee", "employer",
                                                                  "medical_inspector", "advisory_physician"}))
TRACK = disclosure.Procedure("rtw_coordination", frozenset({"advisory_physician", "employee", "rtw_coordinator"}))
VISIT = disclosure.Procedure("pre_return_visit", frozenset({"occupational_physician", "employer"}))


def reader(role: str, organisation: str = "", username: str = "someone") -> visibility.Reader:
    return visibility.reader([role], [organisation] if organisation else [], username, "Acme NV", PARTIES)


READERS = {
    "worker": reader("employee", username="eva"),
    "hr": reader("employer", "Acme NV"),
    "internal_physician": reader("occupational_physician", "Acme NV"),
    "occupational_physician": reader("occupational_physician", "Mensura"),
    "advisory_physician": reader("advisory_physician", "CM"),
    "coordinator": reader("rtw_coordinator", "CM"),
    "counsellor": reader("regional_counsellor", "VDAB"),
    "inspector": reader("medical_inspector", "TWW"),
    "named_physician": reader("treating_physician", username="dr-wouters"),
    "acme_officer": reader("compliance_officer", "Acme NV"),
    "officer": reader("compliance_officer"),
    "admin": reader("admin"),
}

# Expected readers per (class, procedure); everybody else is refused.
EXPECTED = {
    ("case", FORMAL): set(READERS),
    ("case", TRACK): set(READERS) - {"hr", "acme_officer"},
    ("personal", FORMAL): {"worker", "internal_physician", "occupational_physician", "advisory_physician",
                           "inspector"},
    ("personal", TRACK): {"worker", "advisory_physician", "coordinator"},
    ("personal", VISIT): {"worker", "internal_physician", "occupational_physician"},
    ("medical", FORMAL): {"worker", "internal_physician", "occupational_physician", "advisory_physician", "inspector",
                          "named_physician"},
    ("medical", VISIT): {"worker", "internal_physician", "occupational_physician", "named_physician"},
    ("medical", TRACK): {"worker", "advisory_physician", "named_physician"},
    ("insurance", TRACK): {"worker", "advisory_physician", "coordinator"},
    ("insurance", FORMAL): {"worker", "advisory_physician", "coordinator"},
}


@pytest.mark.parametrize(("classification", "procedure"), EXPECTED, ids=lambda v: getattr(v, "process_id", v))
def test_who_reads_each_class(classification, procedure):
    field = disclosure.FieldClass(classification)
    allowed = {name for name, r in READERS.items() if disclosure.may_read(r, field, procedure)}
    assert allowed == EXPECTED[(classification, procedure)]


def test_the_employer_reads_what_a_field_gives_it_and_nothing_else_of_the_track():
    hr = READERS["hr"]
    assert disclosure.may_read(hr, disclosure.FieldClass("case", for_employer=True), TRACK)
    assert disclosure.may_read(hr, disclosure.FieldClass("personal", for_employer=True), FORMAL)
    assert not disclosure.may_read(hr, disclosure.FieldClass("medical", for_employer=True), FORMAL)
    assert not disclosure.may_read(hr, disclosure.FieldClass("insurance", for_employer=True), TRACK)


def test_a_role_counts_only_through_its_relation_to_the_case():
    colleague = visibility.reader(["employee"], ["Acme NV"], "jan", "Acme NV", PARTIES)
    other_fund = visibility.reader(["advisory_physician"], ["Solidaris"], "x", "Acme NV", PARTIES)
    unnamed = visibility.reader(["treating_physician"], ["Acme NV"], "dr-other", "Acme NV", PARTIES)
    assert not (colleague.has_case or other_fund.has_case or unnamed.has_case)
    assert READERS["worker"].has_case and READERS["named_physician"].has_case
    assert not visibility.reader(["process_owner"], ["Acme NV"], "po", "Acme NV", PARTIES).has_case


def test_naming_oneself_as_a_party_does_not_make_an_employer_of_another_case():
    parties = {**PARTIES, "prevention_service": "Acme NV"}
    assert not visibility.reader(["employer"], ["Acme NV"], "hr", "Other BV", parties).has_case


def test_an_unclassified_value_is_protected_as_medical():
    assert disclosure.field_class({}).classification == "medical"


@pytest.mark.parametrize(("old", "new", "loosens"), [
    ("medical", "case", True), ("medical", "insurance", True), ("insurance", "personal", True),
    ("personal", "case", True), ("case", "medical", False), ("personal", "personal", False), (None, "case", False)])
def test_reclassifying_recorded_data_to_a_weaker_class_loosens_it(old, new, loosens):
    assert disclosure.loosens(old, new) is loosens


class _Item:
    def __init__(self, data, completed_by="someone-else", classifications=None):
        self.data, self.completed_by, self.classifications = data, completed_by, classifications


SCHEMA = {"properties": {"date": {"x-classification": "case"}, "notes": {"x-classification": "medical"},
                         "measures": {"x-classification": "case", "x-employer": True},
                         "answers": {"x-classification": "insurance"}},
          "x-order": ["date", "notes", "measures", "answers"], "required": ["date", "notes"]}


def test_a_document_shows_the_fields_its_reader_may_read_by_the_class_recorded_with_them():
    item = _Item({"date": "2026-01-01", "notes": "x", "measures": "y", "answers": "z"})
    assert disclosure.shown_fields(READERS["hr"], item, SCHEMA, TRACK) == ["measures"]
    assert disclosure.shown_fields(READERS["hr"], item, SCHEMA, FORMAL) == ["date", "measures"]
    assert disclosure.shown_fields(READERS["coordinator"], item, SCHEMA, TRACK) == ["date", "measures", "answers"]
    assert disclosure.shown_fields(READERS["worker"], item, SCHEMA, TRACK) == list(item.data)
    recorded = _Item(item.data, classifications=disclosure.recorded_classes(
        {"properties": {"date": {"x-classification": "medical"}}}))
    assert disclosure.shown_fields(READERS["hr"], recorded, SCHEMA, FORMAL) == ["measures"]


def test_who_recorded_a_value_reads_it_back():
    item = _Item({"notes": "x"}, completed_by="someone")
    assert disclosure.shown_fields(READERS["hr"], item, SCHEMA, FORMAL) == ["notes"]


def test_a_task_form_leaves_out_the_medical_fields_its_filler_may_not_record():
    form = disclosure.form_for(READERS["hr"], SCHEMA, FORMAL)
    assert form["x-order"] == ["date", "measures", "answers"] and form["required"] == ["date"]
    assert disclosure.form_for(READERS["occupational_physician"], SCHEMA, FORMAL) == SCHEMA


def test_the_reader_of_a_user_and_a_case():
    class User:
        roles, organisations, username = ("employer",), ("Acme NV",), "someone"

    class Case:
        employer, parties = "Acme NV", PARTIES

    assert visibility.of_user(User, Case) == READERS["hr"]


@pytest.mark.parametrize(("recorded", "current", "kept"), [
    ({"classification": "medical"}, {"x-classification": "case"}, ("medical", False)),
    ({"classification": "case"}, {"x-classification": "medical"}, ("medical", False)),
    ({"classification": "personal", "x-employer": True}, {"x-classification": "personal"}, ("personal", False)),
    ({"classification": "personal"}, {"x-classification": "personal", "x-employer": True}, ("personal", False)),
    (None, {"x-classification": "personal", "x-employer": True}, ("personal", True)),
])
def test_a_value_keeps_its_recorded_class_unless_the_form_now_protects_it_more(recorded, current, kept):
    """Changed semantics: the stricter of the recorded and the current class, so that a form may tighten what was
    recorded (the reclassified shipped forms reach values recorded before them) but never loosen it."""
    schema = {"properties": {"f": current}}
    found = disclosure.class_of("f", schema, {"f": recorded} if recorded else None)
    assert (found.classification, found.for_employer) == kept


def test_a_task_of_the_track_keeps_the_track_rules_inside_the_follow_up():
    class Spec:
        def __init__(self, name, lanes):
            self.name = name
            self.task_specs = {task: type("T", (), {"lane": lane})() for task, lane in lanes.items()}

    follow_up = Spec("incapacity_follow_up", {"Start": None, "notify_oa": "Employer"})
    track = Spec("rtw_coordination", {"Start": None, "quickscan": "Advisory physician",
                                      "draft_plan": "RTW coordinator"})
    procedure = disclosure.procedure_of("incapacity_follow_up", [follow_up, track])
    assert procedure.for_task("quickscan").process_id == "rtw_coordination"
    assert procedure.for_task("quickscan").lane_roles == {"advisory_physician", "rtw_coordinator"}
    assert procedure.for_task("notify_oa") is procedure and procedure.for_task("Start") is procedure
    case = disclosure.FieldClass("case")
    assert not disclosure.may_read(READERS["hr"], case, procedure.for_task("draft_plan"))
    assert disclosure.may_read(READERS["hr"], case, procedure.for_task("notify_oa"))
