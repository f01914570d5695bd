"""An anonymous workshop stays anonymous: nothing lists the ratings in an order that follows
the names.

Participants are created in the order of their names, and the labels A, B, C… are dealt out
in a secret order; a cell that listed its markers (or step 3 its evidence) in participant
order would let anyone who knows the team line the labels up with the names. So every
place lists ratings by their label.
"""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Rating
from assessments.pdf.context import report_context, wallchart_context
from assessments.views import live
from model_content.models import Stage
from tests.builders import workshop_rated
from tests.factories import MembershipFactory, UserFactory

LETTERS = [chr(ord("A") + i) for i in range(10)]


@pytest.fixture
def anonymous(northshire, alice):
    """Ten people, named in order, who all rated Leadership as developing."""
    people = [UserFactory(first_name=f"Person{n:02}", last_name="Example") for n in range(10)]
    for person in people:
        MembershipFactory(user=person, organisation=northshire)
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=people, anonymous=True
    )
    Rating.objects.filter(participant__workshop=workshop, barrier__slug="leadership").update(
        stage=Stage.DEVELOPING
    )
    live._authorised.clear()
    return workshop


def _url(name, workshop):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code})


def _cell_markers(grid_html: str) -> list[str]:
    cell = grid_html[grid_html.index('aria-label="10 rated Leadership as Developing"') :]
    cell = cell[: cell.index("</ul>")]
    return re.findall(r'<li class="marker"[^>]*>([A-Z]+)</li>', cell)


def test_the_wall_chart_lists_a_cells_markers_by_label(client_for, alice, anonymous):
    page = client_for(alice).get(_url("wallchart", anonymous)).content.decode()
    assert _cell_markers(page) == LETTERS


def test_the_state_endpoint_lists_a_cells_markers_by_label(client_for, bob, alice, anonymous):
    response = client_for(alice).get(_url("workshop_state", anonymous) + "?r=grid")
    grid = json.loads(response.content)["regions"]["grid"]
    assert _cell_markers(grid) == LETTERS


def test_step_3_lists_the_evidence_by_label(client_for, alice, anonymous):
    page = client_for(alice).get(_url("workshop_detail", anonymous)).content.decode()
    card = page[page.index('id="barrier-leadership"') :]
    card = card[: card.index("</article>")]
    assert re.findall(r"Participant ([A-Z]+)</p>", card) == LETTERS


def test_the_pdfs_list_the_ratings_and_evidence_by_label(anonymous):
    chart = wallchart_context(anonymous)
    leadership = next(r for r in chart["rows"] if r["barrier"].slug == "leadership")
    cell = next(c for c in leadership["cells"] if c["stage"] == Stage.DEVELOPING)
    assert [r.short_label for r in cell["ratings"]] == LETTERS
    assert chart["people"] == []  # the key names nobody
    context = report_context(anonymous)
    section = next(s for s in context["sections"] if s["barrier"].slug == "leadership")
    assert [r.long_label for r in section["evidence"].relied_on] == [
        f"Participant {x}" for x in LETTERS
    ]
    html = render_to_string("reports/report.html", {**context, "stylesheet": ""})
    appendix = html[html.index('id="appendix"') :]
    appendix = appendix[appendix.index("<h3>Leadership</h3>") :]
    appendix = appendix[appendix.index("<h4>Developing") : appendix.index("<h4>Consolidating")]
    assert re.findall(r'<span class="by">([A-Z]+):</span>', appendix) == LETTERS


def test_a_persons_answer_to_a_challenge_on_their_own_evidence_is_signed_with_their_label(
    client_for, alice, anonymous
):
    """A name under "Participant B"'s evidence would say who B is: on step 3, in the
    report's threads and in the Word report's challenges the answer reads as the label,
    while a challenge by someone else is still signed by name (para 70c: challenge openly)."""
    from assessments.models import Challenge, Participant
    from assessments.selectors import board
    from assessments.selectors.workshops import workshop_actor_for
    from organisations.models import person_name

    rating = Rating.objects.filter(
        participant__workshop=anonymous, barrier__slug="leadership"
    ).first()
    author = rating.participant.user
    challenger = Participant.objects.filter(workshop=anonymous).exclude(pk=rating.participant_id)
    challenger = challenger.first().user
    Challenge.objects.create(rating=rating, author=challenger, text="Where did you see that?")
    Challenge.objects.create(rating=rating, author=author, text="In the June board papers.")
    actor = workshop_actor_for(workshop=anonymous, user=alice)
    leadership = board.barrier_evidence(workshop=anonymous, actor=actor)[0]
    label = next(v.long_label for v in leadership.relied_on if v.rating.pk == rating.pk)

    page = client_for(alice).get(_url("workshop_detail", anonymous)).content.decode()
    signed = {text: who for who, text in re.findall(r"</strong> from ([^:<]+): ([^<]+)</p>", page)}
    assert signed["In the June board papers."] == label
    assert signed["Where did you see that?"] == person_name(challenger)

    context = report_context(anonymous)
    section = next(s for s in context["sections"] if s["barrier"].slug == "leadership")
    comments = [c for t in section["threads"] for c in t["comments"]]
    assert {c["text"]: c["who"] for c in comments}["In the June board papers."] == label

    word = board.barrier_evidence(workshop=anonymous, actor=board.document_reader(anonymous))
    by = {c.text: c.by for c in word[0].challenges}
    assert by["In the June board papers."] == label
    assert person_name(author) not in by.values()
