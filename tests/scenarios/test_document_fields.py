"""A form field that holds a document: the certificate of definitive unfitness on the re-integration request (T04,
the employer's certificate route) is a file uploaded at that very task, medical, and required with its date."""

from __future__ import annotations

import pytest

import engine
from tests.scenarios.conftest import CERTIFICATE, certificate
from tests.scenarios.test_formal_reintegration import REQUEST, Trajectory

DATED = {**REQUEST, "certificate_received_on": "2027-01-04"}


def refused_at(law: engine.Engine, item_id: int, data: dict) -> list:
    with pytest.raises(engine.InvalidInput) as refused:
        law.complete(item_id, data, actor="oa1")
    return refused.value.fields["certificate_document"]


def test_a_request_dating_a_certificate_needs_the_certificate_itself(law, clock):
    """T04: the certificate is the evidence of the route; its date alone is not enough."""
    rit = Trajectory(law, clock)

    assert refused_at(law, rit.item("record_request").id, DATED) == [
        "'certificate_document' is a dependency of 'certificate_received_on'"]

    rit.do("record_request", {**DATED, **certificate(law, rit.case.id)}, "oa1")
    assert rit.tasks() == [("occupational_physician", "send_invitation")]


def test_the_certificate_must_be_a_file_uploaded_at_that_task_of_that_case(law, clock):
    rit, other = Trajectory(law, clock), Trajectory(law, clock, reference="RIT-2")
    elsewhere = certificate(law, other.case.id)["certificate_document"]
    physician = law.authenticate("oa-certificates", "correct horse battery")
    on_the_case = law.case_documents.upload(rit.case.id, filename="certificate.pdf", content=CERTIFICATE,
                                            classification="medical", user_id=physician.id).id

    for document in (elsewhere, on_the_case, 2**31 - 1):
        [message] = refused_at(law, rit.item("record_request").id, {**DATED, "certificate_document": document})
        assert message.code == "document.not_at_task" and message.params == {"document": document}


def test_a_certificate_uploaded_under_a_looser_class_than_the_fields_is_refused(law, clock):
    """A certificate uploaded as ``case`` would show a medical document to the employer: the field is medical."""
    rit = Trajectory(law, clock)
    certificate(law, rit.case.id)
    physician = law.authenticate("oa-certificates", "correct horse battery")
    item = rit.item("record_request")
    shared = law.case_documents.upload(rit.case.id, filename="certificate.pdf", content=CERTIFICATE,
                                       classification="case", user_id=physician.id, work_item_id=item.id).id

    [message] = refused_at(law, item.id, {**DATED, "certificate_document": shared})
    assert message.code == "document.class_too_loose"
    assert (message.params["classification"], message.params["required"]) == ("case", "medical")
