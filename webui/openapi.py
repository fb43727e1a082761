"""The OpenAPI 3.1 description of /api/v1, written by hand beside the routes it describes."""

from __future__ import annotations

from typing import Any

ERRORS = {
    "400": "Invalid data: `details` lists each field with its messages (a NUL character in any string, a string "
           "longer than its `maxLength`, or data its form refuses).",
    "401": "No valid API token.",
    "403": "Not allowed: for a refused start, `details` holds the rule and the date it becomes allowed.",
    "404": "Does not exist, or is not visible to the token's user.",
    "409": "Conflict: the task was already completed, a colleague claimed it, or the instance changed; for a start, "
           "the case already has the procedure that starts with it (`details`: rule 0.6).",
}
MAX_ID = 2**31 - 1
NO_NUL = "^[^\\u0000]*$"
"""No string anywhere may hold a NUL character (400 naming the field); ids end at 2^31 - 1 (beyond: 404)."""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: dict, status: str = "200", errors: tuple[str, ...] = ("401",)) -> dict:
    responses: dict[str, Any] = {status: {"description": description,
                                          "content": {"application/json": {"schema": schema}}}}
    for code in errors:
        responses[code] = {"description": ERRORS[code], "content": {"application/json": {"schema": _ref("Error")}}}
    return responses


def _op(summary: str, responses: dict, *, body: dict | None = None, params: tuple[str, ...] = (),
        query: tuple[str, ...] = ()) -> dict:
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    parameters = [{"name": p, "in": "path", "required": True, "schema": ID} for p in params]
    parameters += [{"name": q, "in": "query", "required": False, "schema": STRING} for q in query]
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _object(required: tuple[str, ...], **properties: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": properties}


def _text(max_length: int | None = None, **extra: Any) -> dict:
    """A string without NUL characters, at most ``max_length`` characters long (the length of its column)."""
    schema: dict[str, Any] = {"type": "string", "pattern": NO_NUL, **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


STRING, NAME, LONG_NAME = _text(), _text(100), _text(200)
INTEGER, OBJECT = {"type": "integer"}, {"type": "object"}
OPTIONAL_INT = {"type": ["integer", "null"], "minimum": 0}
DATA = _ref("JsonObject")
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
ANY_LIST = {"type": "array", "items": OBJECT}
ROUTE = {**NAME, "description": "For a procedure with routes (GET /procedures lists them, e.g. "
         "rtw_coordination: questionnaire, advisory_physician_referral, request, invalidity, "
         "occupational_physician_referral): the route to start on, open to the token's user's role."}
START_DATA = {**DATA, "description": "The start data: only the fields of the start form of the route "
              "(`form` of the route in GET /procedures), e.g. {\"requested_on\": \"2026-12-01\"} for route B; a "
              "procedure without routes takes none. At most 16 KB as compact JSON and 5 levels deep. Facts of the "
              "case (first_day_of_incapacity, case_id, case_reference) and of the rules (who requested: your role; "
              "good reasons after decision C: the occupational physician's recorded request) are never start data: "
              "400 names each refused key.",
              "propertyNames": {"not": {"enum": ["case_id", "case_reference", "first_day_of_incapacity"]}}}


ACCESS_LOG_QUERY = [
    {"name": "case", "in": "query", "required": False, "schema": STRING, "description": "A case reference."},
    {"name": "username", "in": "query", "required": False, "schema": NAME, "description": "The reader."},
    {"name": "since", "in": "query", "required": False, "schema": DATE},
    {"name": "until", "in": "query", "required": False, "schema": DATE},
    {"name": "page", "in": "query", "required": False, "schema": ID},
    {"name": "per_page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]

PAGE_QUERY = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200},
     "description": "Rows on the page (50 unless given)."},
    {"name": "cursor", "in": "query", "required": False, "schema": STRING,
     "description": "Where the page begins: a cursor from the `Link` header of the page before or after (the first "
                    "page without one). A cursor is opaque and belongs to the order and filters it came with: 400 "
                    "for any other text."},
]
LINK_HEADER = {"Link": {"description": "RFC 8288 links to the previous (`rel=\"prev\"`) and next (`rel=\"next\"`) "
                                       "page, with their cursors; absent at either end.",
                        "schema": STRING}}


def _paged(operation: dict) -> dict:
    """A listing's operation, a keyset page at a time: ``limit`` and ``cursor``, and a ``Link`` header."""
    operation["parameters"] = [*operation.get("parameters", []), *PAGE_QUERY]
    operation["responses"]["200"]["headers"] = LINK_HEADER
    return operation


SUBJECT_EXPORT_QUERY = [
    {"name": "employee_account", "in": "query", "required": False, "schema": NAME, "description": "The worker."},
    {"name": "case_id", "in": "query", "required": False, "schema": ID, "description": "One of the worker's cases."},
]


def paths() -> dict:
    """Every path of /api/v1 with its operations."""
    case_errors = ("401", "404")
    return {
        "/procedures": {"get": _op("The startable procedures and who may start them", _ok("Procedures", ANY_LIST))},
        "/cases": {
            "get": _paged(_op("The cases the token's user may see, newest first, a page at a time", _ok(
                "Cases", {"type": "array", "items": _ref("Case")}, errors=("400", "401")))),
            "post": _op("Open a case", _ok("The case", _ref("Case"), "201", ("400", "401", "403", "409")),
                        body=_object(("reference", "employee", "employer", "first_day_of_incapacity"),
                                     reference=NAME, employee=LONG_NAME, employer=LONG_NAME,
                                     first_day_of_incapacity=DATE, parties=DATA)),
        },
        "/cases/{case_id}": {"get": _op("A case file", _ok("The case file", _ref("CaseFile"), errors=case_errors),
                                        params=("case_id",))},
        "/cases/{case_id}/deadlines": {"get": _op("The legal deadlines of a case", _ok(
            "Deadlines", {"type": "array", "items": _ref("Deadline")}, errors=case_errors), params=("case_id",))},
        **paper_paths(),
        "/cases/{case_id}/procedures": {"post": _op(
            "Start a procedure; you are the requester the rules look at. An employer starting a trajectory names "
            "its T04 route in route (three_months, the default; certificate; consent or work_potential from "
            "2026); the evidence is recorded with its date by the occupational physician with the request",
            _ok("The instance", _ref("Instance"), "201", ("400", "401", "403", "404", "409")),
            body={**_object(("process_id",), process_id=NAME, route=ROUTE, data=START_DATA),
                  "additionalProperties": False}, params=("case_id",))},
        "/cases/{case_id}/messages": {"post": _op(
            "Record an outside event (work_resumed, incapacity_relapse)",
            _ok("Which instances took it", OBJECT, errors=("400", "401", "403", "404")),
            body=_object(("message",), message=NAME, data=DATA), params=("case_id",))},
        "/work-items": {"get": _paged(_op("My inbox, by legal risk, a page at a time", _ok(
            "Work items", {"type": "array", "items": _ref("WorkItem")}, errors=("400", "401")),
            query=("role", "process_id", "claimed", "urgency", "sort")))},
        "/work-items/{item_id}": {"get": _op("A work item with its form schema", _ok(
            "The task", OBJECT, errors=case_errors), params=("item_id",))},
        "/work-items/{item_id}/claim": {"post": _op("Claim a work item", _ok(
            "The work item", _ref("WorkItem"), errors=("401", "404", "409")), params=("item_id",))},
        "/work-items/{item_id}/release": {"post": _op("Release a work item I claimed", _ok(
            "The work item", _ref("WorkItem"), errors=("401", "403", "404", "409")), params=("item_id",))},
        "/work-items/{item_id}/complete": {"post": _op(
            "Complete a work item", _ok("The instance after the step", _ref("Instance"),
                                        errors=("400", "401", "403", "404", "409")),
            body=_object(("data",), data=DATA, expected_version=INTEGER), params=("item_id",))},
        "/access-log": {"get": {**_op(
            "Who read which case: the reads of the cases the token's user oversees (compliance officers and admins), "
            "newest first; filters: case reference, reader, Brussels dates (both included)",
            _ok("One page of the access log", _ref("AccessPage"), errors=("400", "401", "403"))),
            "parameters": ACCESS_LOG_QUERY}},
        "/work-items/{item_id}/late-act": {"post": _op(
            "Record on a window's confirmation an act posted in time that arrived later", _ok(
                "The instance, back on the path of a timely act", _ref("Instance"),
                errors=("400", "401", "403", "404", "409")), body=_object(("data",), data=DATA),
            params=("item_id",))},
        "/drafts": {"post": {**_op(
            "Import a .bpmn file, or a zip of BPMN and forms as a version's archive holds them, into a new draft (of "
            "the deployed process with the same id, based on its newest version, if there is one); processes marked "
            "isExecutable=false that hold flow elements are marked executable. Problems with the conventions never "
            "refuse it: the answer lists them. 400 (a coded message) for a file that cannot be read: not XML, "
            "unsafe XML, not BPMN, too large, a damaged zip. Process owners and admins",
            _ok("The new draft and the problems a deploy of it would meet", _ref("ImportedDraft"), "201",
                ("400", "401", "403"))),
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": MODEL_UPLOAD}}}}},
        "/versions/{definition_id}/archive": {"get": _op(
            "A deployed version as a zip: its BPMN (bpmn/), forms (forms/), the deadline rules it uses (rules.json) "
            "and a manifest; the same bytes each time. Process owners and admins",
            {"200": {"description": "The zip, as an attachment",
                     "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
             **{code: _ok("", {}, errors=(code,))[code] for code in ("401", "403", "404")}},
            params=("definition_id",))},
        "/subject-export": {"get": {**_op(
            "Everything held about a worker (GDPR art. 15): the token's user's own as the worker of their cases, "
            "or, for compliance officers and admins, a worker's by employee_account or case_id; audited per case",
            _ok("The worker's cases with every value, deadline, audit event and read", OBJECT,
                errors=("400", "401", "403", "404"))), "parameters": SUBJECT_EXPORT_QUERY}},
        **account_paths(),
    }


CLASSIFICATION = {"type": "string", "enum": ["case", "personal", "insurance", "medical"],
                  "description": "Who reads it, as a form field of that class: case (everyone with the case), "
                                 "personal (not the employer), insurance (the worker and the sickness fund), medical "
                                 "(the worker and the case's physicians)."}
COMMENT_BODY = {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$",
                "description": "1 to 5000 characters once stripped of surrounding white space; no NUL character."}
COMMENTS_QUERY = [{"name": "work_item_id", "in": "query", "required": False, "schema": ID,
                   "description": "Only the comments written at this task of the case."}]
UPLOAD = {**_object(("file", "classification"), file={"type": "string", "format": "binary",
                                                     "description": "A PDF, PNG, JPEG or TIFF file of at most 10 MiB"},
                    classification=CLASSIFICATION, title=_text(200), work_item_id=ID), "additionalProperties": False}
MODEL_UPLOAD = {**_object(("file",), file={"type": "string", "format": "binary",
                                           "description": "A .bpmn file or a .zip of at most 12 MiB"}),
                "additionalProperties": False}
MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")
"""What a document may be (``engine`` accepts uploads of these types only; letters are PDF)."""


def paper_paths() -> dict:
    """A case's documents and comments: each listed and read by its class (404 for a document it keeps from you)."""
    case, errors = ("case_id",), ("401", "404")
    download = {"200": {"description": "The document's bytes, as an attachment (Content-Disposition) that runs "
                                       "nothing (Content-Security-Policy: sandbox); the download is audited",
                        "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                    for media in MEDIA_TYPES}},
                **{code: _ok("", {}, errors=(code,))[code] for code in errors}}
    return {
        "/cases/{case_id}/documents": {
            "get": _op("The letters and files of a case the token's user may read, newest first, and whether they "
                       "may add one", _ok("The documents", _ref("DocumentList"), errors=errors), params=case),
            "post": {**_op("Add a file to a case, or to one of its open tasks you may act on (work_item_id; the id "
                           "then completes a form field that holds a document); only a party to the case adds (404 "
                           "otherwise); 400 when the file is empty, over 10 MiB, of another type or its content is "
                           "not what its name claims", _ok("The document", _ref("Document"), "201",
                                                           ("400", "401", "404")), params=case),
                     "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": UPLOAD}}}},
        },
        "/cases/{case_id}/documents/{document_id}": {"get": _op(
            "Download one document; 404 when it does not exist or its class keeps it from the token's user",
            download, params=("case_id", "document_id"))},
        "/cases/{case_id}/comments": {
            "get": {**_op("The comments of a case (or of one of its tasks) the token's user may read, oldest first, "
                          "and whether they may add one there", _ok("The comments", _ref("CommentList"),
                                                                    errors=("400", "401", "404")), params=case),
                    "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": ID},
                                   *COMMENTS_QUERY]},
            "post": _op("Add a comment to a case, or to one of its open tasks you may act on (work_item_id); only a "
                        "party to the case comments (404 otherwise)",
                        _ok("The comment", _ref("Comment"), "201", ("400", "401", "404")), params=case,
                        body={**_object(("body", "classification"), body=COMMENT_BODY, classification=CLASSIFICATION,
                                        work_item_id=ID), "additionalProperties": False}),
        },
    }


ROLES = {"type": "array", "items": NAME, "description": "Role names (employer, occupational_physician, ..., admin)."}
ORGANISATIONS = {"type": "array", "items": LONG_NAME, "description": "Names of active organisations."}
LANGUAGE = {"type": "string", "enum": ["nl", "fr", "en"]}
PASSWORD = {**_text(1000), "description": "At least 12 characters, hard to guess (zxcvbn score 3 of 4), without "
            "the username or name; 400 says why a password is refused."}
ADMIN_ERRORS = ("400", "401", "403", "404")


def account_paths() -> dict:
    """Account administration: admin tokens only (403 for any other)."""
    account, organisation = _ref("Account"), _ref("Organisation")
    one = ("user_id",)
    return {
        "/accounts": {
            "get": _op("Accounts (admins only)", _ok("Accounts", {"type": "array", "items": account},
                                                     errors=("401", "403")), query=("search",)),
            "post": _op("Create an account; its user must change the password at the first sign-in",
                        _ok("The account", account, "201", ("400", "401", "403", "409")),
                        body={**_object(("username", "password", "display_name", "roles"), username=NAME,
                                        password=PASSWORD, display_name=LONG_NAME, roles=ROLES,
                                        organisations=ORGANISATIONS, language=LANGUAGE),
                              "additionalProperties": False}),
        },
        "/accounts/{user_id}": {
            "get": _op("One account", _ok("The account", account, errors=("401", "403", "404")), params=one),
            "patch": _op("Change display name, roles, organisations or language; 403 to take the last admin's role",
                         _ok("The account", account, errors=ADMIN_ERRORS), params=one,
                         body={**_object((), display_name=LONG_NAME, roles=ROLES, organisations=ORGANISATIONS,
                                         language=LANGUAGE), "additionalProperties": False}),
        },
        "/accounts/{user_id}/disable": {"post": _op(
            "Disable an account: its sessions and API tokens stop working now; 403 for the last admin",
            _ok("The account", account, errors=("401", "403", "404")), params=one)},
        "/accounts/{user_id}/enable": {"post": _op(
            "Enable a disabled account", _ok("The account", account, errors=("401", "403", "404")), params=one)},
        "/accounts/{user_id}/password": {"post": _optional_body(_op(
            "Set a new password, or generate one without a body; the user's sessions end and the user must "
            "change it at the next sign-in", _ok("The generated password (null when one was sent)", _object(
                ("password",), password={"type": ["string", "null"]}), errors=ADMIN_ERRORS), params=one,
            body={**_object((), password=PASSWORD), "additionalProperties": False}))},
        "/organisations": {
            "get": _op("Organisations (admins only)", _ok("Organisations", {"type": "array", "items": organisation},
                                                          errors=("401", "403"))),
            "post": _op("Add an organisation", _ok("The organisation", organisation, "201",
                                                   ("400", "401", "403", "409")),
                        body={**_object(("name", "kind"), name=LONG_NAME, kind={"type": "string", "enum": [
                            "employer", "prevention_service", "sickness_fund", "regional_service", "inspectorate",
                            "other"]}), "additionalProperties": False}),
        },
        "/organisations/{organisation_id}/deactivate": {"post": _op(
            "Deactivate an organisation: no account can be given it any more",
            _ok("The organisation", organisation, errors=("401", "403", "404")), params=("organisation_id",))},
        "/organisations/{organisation_id}/activate": {"post": _op(
            "Activate an organisation again", _ok("The organisation", organisation, errors=("401", "403", "404")),
            params=("organisation_id",))},
        "/organisations/{organisation_id}/policy": {"put": _op(
            "Set an employer's headcount (2026 thresholds) and its cadence of contact with absent workers in days "
            "(null: unknown, or the product default)", _ok("The organisation", organisation, errors=ADMIN_ERRORS),
            params=("organisation_id",), body={**_object(("headcount", "contact_every_days"), headcount=OPTIONAL_INT,
                                                         contact_every_days=OPTIONAL_INT),
                                               "additionalProperties": False})},
    }


def _optional_body(operation: dict) -> dict:
    operation["requestBody"]["required"] = False
    return operation


def schemas() -> dict:
    """The shapes the API answers with."""
    return {
        "JsonObject": {"type": "object", "propertyNames": STRING, "additionalProperties": _ref("JsonValue"),
                       "description": "Data of a form: any JSON object without NUL characters in its names or texts."},
        "JsonValue": {"anyOf": [STRING, {"type": ["number", "boolean", "null"]},
                                {"type": "array", "items": _ref("JsonValue")}, _ref("JsonObject")]},
        "Error": _object(("error", "message", "details"), error=STRING, message=STRING, details=ANY_LIST),
        "ImportedDraft": _object(
            ("id", "process_id", "based_on", "revision", "files", "forms", "made_executable", "problems"), id=ID,
            process_id=STRING, based_on={"type": ["integer", "null"]}, revision={"type": "integer"},
            files={"type": "array", "items": STRING}, forms={"type": "array", "items": STRING},
            made_executable={"type": "array", "items": STRING},
            problems={"type": "array", "items": _object(
                ("element_id", "message", "code", "file", "line"), element_id={"type": ["string", "null"]},
                message=STRING, code={"type": ["string", "null"]}, file={"type": ["string", "null"]},
                line={"type": ["integer", "null"]})}),
        "Case": _object(("id", "reference", "employee", "employer", "first_day_of_incapacity"), id=INTEGER,
                        reference=STRING, employee=STRING, employer=STRING, first_day_of_incapacity=DATE,
                        parties=OBJECT, opened_at=STRING),
        "Instance": _object(("id", "case_id", "process_id", "state"), id=INTEGER, case_id=INTEGER,
                            process_id=STRING, version=INTEGER, state=STRING, row_version=INTEGER),
        "Deadline": _object(("rule", "due_on", "state"), rule=STRING, legal_source=STRING, due_on=DATE,
                            state=STRING, explanation=STRING, days_left={"type": ["integer", "null"]},
                            counts_working_days={"type": "boolean"},
                            explanation_parts={"type": ["array", "null"], "items": OBJECT,
                                               "description": "How the due date was counted, as data: one object "
                                                              "per part, each with a kind (start, counting, count, "
                                                              "rolled, due…); null for a deadline kept before 0018."}),
        "WorkItem": _object(("id", "case_id", "name", "state"), id=INTEGER, case_id=INTEGER, name=STRING,
                            role=STRING, state=STRING, assignee={"type": ["string", "null"]},
                            due_on={"type": ["string", "null"]}, rule={"type": ["string", "null"]},
                            days_left={"type": ["integer", "null"]}),
        "AccessEntry": _object(("at", "username", "roles", "case_id", "surface", "classifications"), id=INTEGER,
                               at=STRING, username=STRING, roles={"type": "array", "items": STRING},
                               case_id=INTEGER, case_reference={"type": ["string", "null"]}, surface=STRING,
                               target={"type": ["string", "null"]},
                               classifications={"type": "array", "items": STRING}),
        "AccessPage": _object(("entries", "total", "page", "per_page", "pages"),
                              entries={"type": "array", "items": _ref("AccessEntry")}, total=INTEGER,
                              page=INTEGER, per_page=INTEGER, pages=INTEGER),
        "CaseFile": _object(("case", "instances", "deadlines", "documents"), case=_ref("Case"),
                            instances={"type": "array", "items": _ref("Instance")},
                            deadlines={"type": "array", "items": _ref("Deadline")}, documents=ANY_LIST,
                            may_start=ANY_LIST, may_record=ANY_LIST,
                            work_items={"type": "array", "items": _ref("WorkItem")},
                            facts={"type": "array", "items": _ref("DatedFact")}),
        "Document": _object(("id", "case_id", "kind", "title", "filename", "media_type", "classification", "size",
                              "sha256", "created_at", "created_by"), id=INTEGER, case_id=INTEGER,
                            work_item_id={"type": ["integer", "null"]}, kind={"type": "string", "enum": ["letter",
                                                                                                        "upload"]},
                            title=STRING, filename=STRING, media_type=STRING, classification=STRING, size=INTEGER,
                            sha256=STRING, created_at=STRING, created_by=STRING, letter={"type": ["string", "null"]},
                            language={"type": ["string", "null"]}, addressed_to={"type": ["string", "null"]}),
        "DocumentList": _object(("documents", "may_upload"), documents={"type": "array", "items": _ref("Document")},
                                may_upload={"type": "boolean"}),
        "Comment": _object(("id", "case_id", "classification", "body", "created_at", "created_by"), id=INTEGER,
                           case_id=INTEGER, work_item_id={"type": ["integer", "null"]}, classification=STRING,
                           body=STRING, created_at=STRING, created_by=STRING, task_name={"type": ["string", "null"]}),
        "CommentList": _object(("comments", "may_comment"), comments={"type": "array", "items": _ref("Comment")},
                               may_comment={"type": "boolean"}),
        "DatedFact": _object(("name", "on", "rule"), name=STRING, on=DATE, rule=STRING,
                             instance_id={"type": ["integer", "null"]}, recorded_at=STRING),
        "Account": _object(("id", "username", "display_name", "roles", "organisations", "language", "is_active",
                            "must_change_password"), id=INTEGER, username=STRING, display_name=STRING,
                           roles={"type": "array", "items": STRING}, organisations={"type": "array", "items": STRING},
                           language=STRING, is_active={"type": "boolean"}, must_change_password={"type": "boolean"}),
        "Organisation": _object(("id", "name", "kind", "is_active", "headcount", "contact_every_days"), id=INTEGER,
                                name=STRING, kind=STRING, is_active={"type": "boolean"}, headcount=OPTIONAL_INT,
                                contact_every_days=OPTIONAL_INT),
    }


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Reintegra API", "version": "1",
                 "description": "Case work on the Belgian return-to-work procedures. Fields classified medical "
                                "appear only for medical roles, and every such read is audited."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": paths(),
        "components": {"schemas": schemas(),
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    }
