"""HTML and script typed into any free-text field come back as text on every page, in the
live state and in the PDFs: never as markup."""

import io
import json

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Action, Challenge, Consensus, Rating, Step, Target, Workshop
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


NAME = "<script>alert(1)</script>"
RATIONALE = "<img src=x onerror=alert(2)>"
ESCAPED = {
    NAME: "&lt;script&gt;alert(1)&lt;/script&gt;",
    RATIONALE: "&lt;img src=x onerror=alert(2)&gt;",
}


def test_a_participants_name_and_a_consensus_rationale_are_escaped_on_every_page_showing_them(
    client_for, northshire, alice, team
):
    bob = team[0]
    bob.first_name = NAME
    bob.save(update_fields=["first_name"])
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    Consensus.objects.filter(workshop=workshop).update(rationale=f"Agreed {RATIONALE}")
    org, code = "northshire", workshop.code
    at_each_step = {
        # The evidence under each stage names who gave it (step 3), the actions whom they
        # are for (steps 4 on); the outcome gives the consensus and why.
        reverse("workshop_detail", kwargs={"org": org, "code": code}): {NAME, RATIONALE},
        # A marker per rating, with its author's name as its title.
        reverse("wallchart", kwargs={"org": org, "code": code}): {NAME},
        reverse("workshop_state", kwargs={"org": org, "code": code})
        + "?r=stepper,progress,grid,charts": {NAME},
    }
    once = {
        reverse("action_tracker", kwargs={"org": org}): {NAME},  # responsible for actions
        reverse("members", kwargs={"org": org}): {NAME},
        reverse("series", kwargs={"org": org}): set(),  # stages only, no names or reasons
    }

    def check(client, pages, own_name: bool):
        for url, shown in pages.items():
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            if "/state/" in url:
                body = " ".join(json.loads(body)["regions"].values())
            elif own_name:
                shown = shown | {NAME}  # the navigation bar names the person signed in
            for text in (NAME, RATIONALE):
                assert text not in body, f"{url} has the raw {text}"
                if text in shown:
                    assert ESCAPED[text] in body, f"{url} does not show {text} as text"

    steps = [(Step.CONSENSUS, None), (Step.TARGET, None), (Step.REASSESS, None)]
    steps.append((Step.REASSESS, timezone.now()))
    for step, closed_at in steps:
        Workshop.objects.filter(pk=workshop.pk).update(
            step=step, closed_at=closed_at, revision=F("revision") + 1
        )
        check(client_for(alice), at_each_step, own_name=False)
        check(client_for(bob), at_each_step, own_name=True)
    check(client_for(alice), once, own_name=False)
    check(client_for(bob), once, own_name=True)
