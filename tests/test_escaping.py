"""HTML and script typed into any free-text field come back as text on every page, in the
live state and in the PDFs: never as markup."""

import io

from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Action, Challenge, Consensus, Rating, Target
from tests.builders import workshop_completed
from tests.pdfs import pdf_get

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_every_free_text_field_is_escaped_everywhere(
    client_for, northshire, alice, team, settings, tmp_path
):
    settings.PDF_CACHE_DIR = tmp_path
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    workshop.title = f"SMT {SCRIPT}"
    workshop.save(update_fields=["title"])
    Rating.objects.filter(participant__workshop=workshop).update(evidence=f"Seen {SCRIPT}")
    Challenge.objects.update(text=f"Really? {SCRIPT}")
    Consensus.objects.update(rationale=f"Agreed {SCRIPT}")
    Target.objects.update(fewer_actions_reason=f"Because {SCRIPT}")
    Action.objects.update(description=f"Do {SCRIPT}", accountable_name=f"Board {SCRIPT}")
    alice.first_name = f"Alice {SCRIPT}"
    alice.save(update_fields=["first_name"])

    client = client_for(alice)
    org, code = "northshire", workshop.code
    pages = [
        reverse("organisation_home", kwargs={"org": org}),
        reverse("workshop_detail", kwargs={"org": org, "code": code}),
        reverse("wallchart", kwargs={"org": org, "code": code}),
        reverse("workshop_state", kwargs={"org": org, "code": code})
        + "?r=stepper,progress,grid,charts",
        reverse("action_tracker", kwargs={"org": org}),
        reverse("series", kwargs={"org": org}),
        reverse("members", kwargs={"org": org}),
    ]
    for step in (3, 4, 5):
        workshop.step = step
        workshop.revision += 1
        workshop.save(update_fields=["step", "revision"])
        for url in pages:
            body = client.get(url).content.decode()
            assert "<script>alert" not in body, url
            assert "<img src=x" not in body, url

    for name in ("report_pdf", "wallchart_pdf"):
        data = pdf_get(client, reverse(name, kwargs={"org": org, "code": code})).content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert "<script>alert" in text  # shown as the characters typed, not run or dropped
