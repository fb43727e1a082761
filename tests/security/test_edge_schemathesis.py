"""Issue 13, point 11: schemathesis, with every check it has, against the REST API on both databases.

Each operation gets a few generated requests, valid and invalid, with a real API token on an installation
with the law deployed and one case open: no answer is a server error or breaks the OpenAPI document.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.webui.conftest import PASSWORD, open_law_case
from tests.webui.test_case_documents import PDF

EXAMPLES = 20
PASSES = ((GenerationMode.POSITIVE, False), (GenerationMode.NEGATIVE, False), (GenerationMode.NEGATIVE, True))
"""Valid and invalid requests with the token as the document declares it (an invalid request may lose it, so
most are 401), then invalid requests that always carry the token, so bad data reaches the edge and the engine
(``negative_data_rejection`` is left out there only: a request whose one fault was the missing token now has it)."""
LAW_JUDGES = r"/cases$|/(procedures|messages|complete|late-act|comments|documents|drafts)$|/accounts|/organisations"
"""Operations whose data the law or a form judges (a first day before the 2022 rules, a field its form refuses: a
400 naming the field): the document cannot say what every rule and form asks, so a 400 on schema-valid data is
expected there, and only there. A comment's text is judged once stripped of white space (Python's, wider than a
JSON Schema pattern's ``\\s``); an uploaded file or model by its content."""
CURSORS = r"/work-items$"
"""Listings paged by an opaque cursor (issue 19; GET /cases is among ``LAW_JUDGES`` already): a cursor the server did
not hand out is a 400 naming it, and no schema can say which texts are cursors it handed out."""


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "auth": {"openapi": {"token": {"bearer": token}}},
        "operations": [{"include-path-regex": f"{LAW_JUDGES}|{CURSORS}", "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]}}}],
    })


@pytest.fixture
def token(auth, law) -> str:  # type: ignore[no-untyped-def]
    """A token of an admin who is also employer and occupational physician of Acme NV (so most calls may act)."""
    user = auth.eng.create_user(username="hr1", password=PASSWORD, display_name="HR", organisations=["Acme NV"],
                                roles=["admin", "employer", "occupational_physician"], actor="t")
    return law.issue_token(user.id, "schemathesis")


def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_document(app, law, token):
    case = open_law_case(law)
    admin = law.token_user(token)
    colleague = law.create_user(username="hr2", password=PASSWORD, display_name="HR 2", roles=["employer"],
                                organisations=["Acme NV"], actor="t")
    known = {"case_id": [case.id], "item_id": [law.work_items(case_id=case.id)[0].id], "user_id": [colleague.id],
             "organisation_id": [law.administration.organisations(admin.id)[0].id],
             "document_id": [law.case_documents.upload(case.id, filename="plan.pdf", content=PDF, classification="case",
                                                       user_id=admin.id).id],
             "process_id": [p.process_id for p in law.procedures()], "message": ["work_resumed", "incapacity_relapse"],
             "definition_id": [law.versions("pre_return_visit")[0].version.id]}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=_config(token))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, token_header in PASSES:
            try:
                _exercise(operation, mode, known, {"Authorization": f"Bearer {token}"} if token_header else None)
            except FailureGroup as failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}\n{failure.exceptions}")
    assert not failures, "\n\n".join(failures)


def _exercise(operation, mode: GenerationMode, known: dict, headers: dict | None) -> None:  # type: ignore[no-untyped-def]
    """Valid requests name the open case, its first work item, real procedures and events (random ones are 404)."""
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        if mode is GenerationMode.POSITIVE:
            _name_known_things(case, known)
        case.call_and_validate(headers=headers, excluded_checks=[negative_data_rejection] if headers else None)

    run()


def _name_known_things(case, known: dict) -> None:  # type: ignore[no-untyped-def]
    pick = zlib.crc32(repr(case.body).encode())
    if case.path_parameters and pick % 2:
        case.path_parameters = {name: known[name][0] for name in case.path_parameters}
    if isinstance(case.body, dict):
        for name in ("process_id", "message"):
            if name in case.body:
                case.body[name] = known[name][pick % len(known[name])]
