"""The chief executive's report as a board reads it: the summary on page one, one action plan,
what each barrier's stage rests on, and tags a screen reader can follow; read back from
the PDF's text, its pages and its structure tree."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from weasyprint.formatting_structure import boxes

from assessments.models import Action, ActionStatus, Challenge, Consensus, Rating, Target
from assessments.pdf import context as pdf_context
from assessments.pdf import render as pdf_render
from model_content.models import BarrierStage, Stage
from tests.builders import series_of_two, workshop_completed, workshop_rated
from tests.pdfs import as_printed, flat, pages_text, pdf_get, pdf_url, save_pages

A4_PORTRAIT = (595, 842)  # points
PLAN_HEADER = "Barrier Action Responsible Accountable Due Status"


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def reassessment(northshire, alice, team):
    """Six barriers at a reassessment: consensus developing, target consolidating, last time
    starting and developing; three actions each; not closed yet."""
    return series_of_two(organisation=northshire, facilitator=alice, members=team)[1]


def _report(client, workshop) -> bytes:
    return pdf_get(client, pdf_url(workshop, "report")).content


def _headline(workshop, slug, stage) -> str:
    return BarrierStage.objects.get(
        barrier__version=workshop.model_version, barrier__slug=slug, stage=stage
    ).headline_alone


def test_page_one_is_the_board_summary_of_six_barriers_with_the_reassessment_date(
    client_for, vic, reassessment
):
    data = _report(client_for(vic), reassessment)
    save_pages(data, "report", 1, 3)
    save_pages(data, "report-100dpi", 1, 1, dpi=100)
    pages = [flat(t) for t in pages_text(data)]
    one = pages[0]

    assert "Board summary" in one
    for barrier in reassessment.barriers.all():
        # The agreed stage and the target with their headlines in words, the spread as
        # counts, last time's consensus and target.
        for stage in ("developing", "consolidating"):
            headline = _headline(reassessment, barrier.slug, stage)
            assert as_printed(f"{stage.title()}: {headline}").search(one)
    assert one.count("Starting, target developing") == 6
    assert "1 starting 2 developing 1 consolidating" in one  # Leadership (tests/builders.py)
    assert f"look again on {reassessment.reassess_on:%-d %B %Y}" in one
    assert f"As at {timezone.localdate():%-d %B %Y}" in one
    # All of it on page one: the action plan starts page two.
    assert "Action plan" in pages[1][:200]
    assert "Board summary" not in "".join(pages[1:])


def test_the_board_summary_fits_page_one_with_the_longest_headlines_of_the_model(
    client_for, vic, reassessment
):
    # Starting and consolidating carry the model's longest headlines; with last time's
    # column too this is the fullest summary six barriers of the original can make.
    Consensus.objects.filter(workshop=reassessment).update(stage=Stage.STARTING)
    Target.objects.filter(workshop=reassessment).update(stage=Stage.CONSOLIDATING)
    reassessment.revision += 1
    reassessment.save(update_fields=["revision"])
    pages = [flat(t) for t in pages_text(_report(client_for(vic), reassessment))]
    for barrier in reassessment.barriers.all():
        for stage in ("starting", "consolidating"):
            headline = _headline(reassessment, barrier.slug, stage)
            assert as_printed(f"{stage.title()}: {headline}").search(pages[0])
    assert "Reassessment: the team agreed to look again on" in pages[0]
    assert "Action plan" in pages[1][:200]


def test_the_report_is_a4_and_flows_without_a_page_per_barrier(client_for, vic, reassessment):
    reader = PdfReader(io.BytesIO(_report(client_for(vic), reassessment)))
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes == {A4_PORTRAIT}
    # Today's report took 16 to 19 pages for this workshop, a page per barrier.
    assert len(reader.pages) <= 8


def test_every_page_of_an_unfinished_workshops_report_says_draft(
    client_for, northshire, alice, team, vic, reassessment
):
    client = client_for(vic)
    pages = pages_text(_report(client, reassessment))
    assert len(pages) > 2
    assert all("Draft — workshop in progress" in flat(p) for p in pages)
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    assert not any("Draft" in p for p in pages_text(_report(client, closed)))


def _long_actions(workshop) -> None:
    """Key actions of some length, so that the plan runs over more than one page."""
    for action in Action.objects.filter(workshop=workshop):
        action.description = f"{action.description}: " + "agree it with every director. " * 9
        action.save(update_fields=["description"])
    workshop.revision += 1
    workshop.save(update_fields=["revision"])


def test_the_action_plan_repeats_its_header_row_on_every_page_it_runs_onto(
    client_for, vic, reassessment
):
    _long_actions(reassessment)
    data = _report(client_for(vic), reassessment)
    save_pages(data, "report-plan", 2, 4)
    plan_pages = [flat(p) for p in pages_text(data) if "agree it with every director" in flat(p)]
    assert len(plan_pages) >= 2
    assert all(PLAN_HEADER in page for page in plan_pages)


def test_the_action_plan_is_one_table_in_the_tags_however_many_pages_it_spans(
    client_for, vic, reassessment
):
    _long_actions(reassessment)
    data = _report(client_for(vic), reassessment)
    plan_pages = sum("agree it with every director" in flat(p) for p in pages_text(data))
    tables = [e for e in _structure(data) if e["/S"] == "/Table"]
    plans = [t for t in tables if _kinds(t)[0] == "/Caption"]
    # The board summary, the action plan, last time's actions: three tables, each captioned.
    assert len(tables) == len(plans) == 3
    plan = plans[1]
    # One table, with the header row it repeats on each page.
    assert _kinds(plan).count("/THead") == plan_pages >= 2


def _structure(data: bytes) -> list:
    """Every structure element of the PDF's tag tree, in reading order."""
    reader = PdfReader(io.BytesIO(data))
    found = []

    def walk(element):
        found.append(element)
        for kid in _kids(element):
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object())
    return found[1:]


def _kids(element) -> list:
    """The structure elements among an element's kids (not its marked content)."""
    kids = element.get("/K", [])
    kids = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
    return [k for k in kids if isinstance(k, DictionaryObject) and "/S" in k]


def _kinds(element) -> list[str]:
    return [k["/S"] for k in _kids(element)]


def test_the_headings_go_down_one_level_at_a_time(client_for, vic, reassessment):
    tags = [e["/S"] for e in _structure(_report(client_for(vic), reassessment))]
    levels = [int(t[2:]) for t in tags if re.fullmatch(r"/H[1-6]", t)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_overdue_actions_are_flagged_in_words_and_due_dates_are_never_split(
    client_for, vic, reassessment
):
    actions = list(Action.objects.filter(workshop=reassessment).order_by("pk"))
    late, done_late = actions[0], actions[1]
    late.due_on = timezone.localdate() - datetime.timedelta(days=3)
    late.save(update_fields=["due_on"])
    done_late.due_on = late.due_on
    done_late.status = ActionStatus.DONE
    done_late.save(update_fields=["due_on", "status"])
    reassessment.revision += 1
    reassessment.save(update_fields=["revision"])

    pages = pages_text(_report(client_for(vic), reassessment))
    text = flat("\n".join(pages))
    assert re.search(rf"{re.escape(late.description)} .*? Not started Overdue", text)
    assert "1 overdue" in text
    assert text.count("Overdue") == 1  # not the action that is done, nor those not yet due
    for action in actions:
        # On one line of some page: a date is never broken over two.
        assert any(f"{action.due_on:%-d %b %Y}" in page for page in pages), action.due_on


def test_each_barrier_shows_the_evidence_relied_on_the_challenges_answered_and_the_dissent(
    client_for, vic, bob, carol, dan, reassessment
):
    # Leadership: Bob put it at starting, Carol at consolidating, against the agreed
    # developing; Erin (in the builders) and Dan challenged Bob's evidence, and he answered.
    # Carol's challenge is not answered.
    def rating_of(person):
        return Rating.objects.get(
            participant__workshop=reassessment, participant__user=person, barrier__slug="leadership"
        )

    Challenge.objects.create(rating=rating_of(bob), author=dan, text="Where have you seen that?")
    Challenge.objects.create(rating=rating_of(bob), author=bob, text="In the budget round.")
    Challenge.objects.create(rating=rating_of(carol), author=dan, text="Only in housing?")
    reassessment.revision += 1
    reassessment.save(update_fields=["revision"])

    text = flat("\n".join(pages_text(_report(client_for(vic), reassessment))))
    leadership = text[text.index("Leadership “Leaders aren't interested.”") :]
    leadership = leadership[: leadership.index("Learning “There's no time to learn.”")]
    assert "Agreed stage: Developing. Most of the evidence on Leadership points here." in leadership
    relied = leadership[leadership.index("Evidence relied on") : leadership.index("Challenges")]
    assert "Evidence of Dan on Leadership" in relied and "Evidence of Erin on Leadership" in relied
    assert "Evidence of Bob" not in relied
    challenges = leadership[leadership.index("Challenges") : leadership.index("Dissent kept")]
    assert "On the evidence of Bob Example for starting" in challenges
    bobs = challenges[: challenges.index("On the evidence of Carol Example for consolidating")]
    assert "Erin Example challenged: “Is that true in every directorate" in bobs
    assert "Dan Example challenged: “Where have you seen that?”" in bobs
    assert "Bob Example answered: “In the budget round.”" in bobs
    assert "No answer was recorded." not in bobs
    carols = challenges[challenges.index("On the evidence of Carol Example for consolidating") :]
    assert "Dan Example challenged: “Only in housing?” No answer was recorded." in carols
    dissent = leadership[leadership.index("Dissent kept on record") :]
    assert "Bob Example put it at starting: Evidence of Bob on Leadership" in dissent
    assert "Carol Example put it at consolidating: Evidence of Carol on Leadership" in dissent
    assert "Dan Example put it at" not in dissent


def test_the_contents_are_names_and_page_numbers_with_no_dotted_leaders(
    client_for, vic, reassessment
):
    data = _report(client_for(vic), reassessment)
    one = flat(pages_text(data)[0])
    assert "Action plan page 2" in one
    assert re.search(r"Leadership page \d", one)
    assert ".." not in one and "…" not in one


# ---------------------------------------------------------------- page breaks


def _last_on_each_page(document) -> list[str]:
    """The tag of the lowest piece of content on each page (a heading, a paragraph, a row)."""
    content = {"h1", "h2", "h3", "h4", "p", "li", "tr", "blockquote", "caption", "img"}
    found = []
    for page in document.pages:
        lowest, tag = -1.0, ""
        stack = [b for b in page._page_box.children if not isinstance(b, boxes.MarginBox)]
        while stack:
            box = stack.pop()
            if box.element_tag in content and not isinstance(box, boxes.InlineBox):
                bottom = box.position_y + box.margin_height()
                if bottom >= lowest:
                    lowest, tag = bottom, box.element_tag
            if box.element_tag not in {"p", "li", "h1", "h2", "h3", "h4", "caption"}:
                stack.extend(getattr(box, "children", []))
        found.append(tag)
    return found[:-1]  # the last page may well end anywhere


@pytest.mark.parametrize("words", [0, 9, 21, 30])
def test_no_page_ends_with_a_heading_left_alone(reassessment, monkeypatch, words):
    # Key actions of four lengths move every heading after the plan down the pages; with
    # headings free to end a page, each of these lengths leaves one at a page's foot.
    for action in Action.objects.filter(workshop=reassessment):
        action.description = f"{action.description}: " + " ".join(["agree it"] * words)
        action.save(update_fields=["description"])
    monkeypatch.setattr(pdf_context, "figure_svg", lambda fig, width: None)  # layout only
    document = pdf_render._layout("report", pdf_context.report_context(reassessment))
    assert not [tag for tag in _last_on_each_page(document) if tag in {"h2", "h3", "h4"}]


def test_in_an_anonymous_workshop_an_answer_is_signed_with_the_letter_never_the_name(
    client_for, northshire, alice, bob, carol, team, vic
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, anonymous=True
    )
    bobs = Rating.objects.get(
        participant__workshop=workshop, participant__user=bob, barrier__slug="leadership"
    )
    Challenge.objects.create(rating=bobs, author=carol, text="Which meetings?")
    Challenge.objects.create(rating=bobs, author=bob, text="The last three SMT meetings.")
    text = flat("\n".join(pages_text(_report(client_for(vic), workshop))))
    assert re.search(r"Participant [A-D] answered: “The last three SMT meetings.”", text)
    assert "Bob Example answered" not in text
    assert "Carol Example challenged: “Which meetings?”" in text


def test_the_folded_tag_tree_is_whole_every_element_in_its_parent_and_the_parent_tree(
    client_for, vic, reassessment
):
    # What folding the pieces of split elements must keep: each element's /P is the element
    # that lists it, and the parent tree (each page's marked content, each link) points at
    # elements of the tree; only the page headers and footers are left out, as WeasyPrint
    # leaves them (a margin box's /NonStruct, which PDF 1.7 cannot tag as an artifact).
    _long_actions(reassessment)
    reader = PdfReader(io.BytesIO(_report(client_for(vic), reassessment)))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    in_tree = set()

    def walk(element):
        for kid in _kids(element):
            assert kid.raw_get("/P").idnum == element.indirect_reference.idnum
            in_tree.add(kid.indirect_reference.idnum)
            walk(kid)

    walk(root)
    left_out = set()
    for entry in root["/ParentTree"].get_object()["/Nums"][1::2]:
        entry = entry.get_object()
        for reference in list(entry) if isinstance(entry, list) else [entry.indirect_reference]:
            element = reference.get_object()
            while element.raw_get("/P").idnum not in in_tree | {root.indirect_reference.idnum}:
                element = element["/P"].get_object()
            if element.indirect_reference.idnum not in in_tree:
                left_out.add(element["/S"])
    assert left_out <= {"/NonStruct"}
