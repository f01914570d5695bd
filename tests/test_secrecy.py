"""Before the reveal, no response of any kind shows another participant's rating or evidence.

Walks every URL of the project that takes an organisation and at most a
workshop, as the facilitator, another participant and the viewer, and reads
each response as what it is: HTML, the JSON state, a PDF, a Word report, a workbook, a CSV
file, a calendar file.
"""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.models import Rating
from tests.builders import evidence_text, workshop_rated
from tests.pdfs import worker_run
from tests.test_isolation import all_patterns, pattern_kwargs
from tests.test_office_documents import DOCX, XLSX, docx_text


def readable(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    if kind == DOCX:
        return docx_text(Document(io.BytesIO(response.content)))
    if kind == XLSX:
        book = load_workbook(io.BytesIO(response.content))
        return " ".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    return response.content.decode("utf-8", errors="replace")


@pytest.fixture
def hidden(northshire, alice, team, settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path
    return workshop_rated(organisation=northshire, facilitator=alice, members=team, revealed=False)


def test_no_response_of_any_kind_reveals_a_rating_before_the_reveal(
    client_for, hidden, alice, bob, carol, vic
):
    bobs = Rating.objects.filter(participant__user=bob)
    secrets = [evidence_text(bob, r.barrier) for r in bobs]
    names = sorted(
        name
        for name, _p in all_patterns()
        if name and "org" in pattern_kwargs(name) and pattern_kwargs(name) <= {"org", "code"}
    )
    seen_kinds = set()
    for person in (alice, carol, vic):
        client = client_for(person)
        for name in names:
            kwargs = {"org": "northshire"}
            if "code" in pattern_kwargs(name):
                kwargs["code"] = hidden.code
            url = reverse(name, kwargs=kwargs)
            if name == "workshop_state":
                url += "?r=stepper,progress,grid,charts"
            response = client.get(url)
            responses = [response]
            if response.status_code == 202:  # a PDF's preparing page; then the PDF itself
                worker_run()
                responses.append(client.get(url))
            for response in responses:
                if response.status_code not in (200, 202):
                    continue
                seen_kinds.add(response.get("Content-Type", "").split(";")[0])
                body = readable(response)
                for secret in secrets:
                    assert secret not in body, f"{name} showed Bob's evidence to {person}"
                assert 'class="marker"' not in body, f"{name} showed a rating marker to {person}"
    assert {"text/html", "application/json", "application/pdf", DOCX, XLSX, "text/csv"} <= (
        seen_kinds
    )
