"""The A3 wall chart as a chief executive pins it up: the whole published chart, word for word,
with the team's marks and a key, on one landscape sheet, read back from the PDF."""

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessments.pdf import render as pdf_render
from model_content.selectors import model_version_original
from model_content.services import version_content, version_create
from organisations.access import actor_for
from tests.builders import series_of_two, workshop_completed, workshop_rated
from tests.factories import WorkshopFactory
from tests.pdfs import as_printed, flat, pdf_get, pdf_url, save_pages, text_of, type_sizes

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "breakthrough-model.json"
A3_LANDSCAPE = (1191, 842)  # points
# The smallest type the original model's six barriers take on A3 (wallchart.css, README).
SMALLEST_TYPE = 6.5


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def reassessment(northshire, alice, team):
    """Six barriers at a reassessment: consensus developing, target consolidating, last time
    starting and developing; not closed yet."""
    return series_of_two(organisation=northshire, facilitator=alice, members=team)[1]


def _chart(client, workshop) -> bytes:
    return pdf_get(client, pdf_url(workshop, "wallchart")).content


def _size(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_the_wall_chart_carries_the_whole_published_chart_word_for_word_on_one_a3_page(
    client_for, alice, reassessment
):
    data = _chart(client_for(alice), reassessment)
    save_pages(data, "wallchart", 1, 1)
    save_pages(data, "wallchart-100dpi", 1, 1, dpi=100)

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert _size(data) == A3_LANDSCAPE
    text = text_of(data)
    model = json.loads(FIXTURE.read_text(encoding="utf-8"))
    missing = []
    for barrier in model["barriers"]:
        pieces = [barrier["name"], barrier["symptom"], barrier["breakthrough"]["title"]]
        pieces += barrier["breakthrough"]["points"]
        for cell in model_cells(barrier):
            # The headline whole, with the colon that leads into its descriptors.
            pieces += [cell["headline"], *cell["descriptors"]]
            pieces += [cell["note"]] if "note" in cell else []
        missing += [p for p in pieces if not as_printed(p).search(text)]
    assert missing == []
    # 117 descriptors and the Leadership note, as in the fixture.
    assert sum(len(c["descriptors"]) for b in model["barriers"] for c in model_cells(b)) == 117
    assert "'Leaders' includes politicians and top managers." in flat(text)


def model_cells(barrier: dict) -> list[dict]:
    return [barrier["stages"][s] for s in ("starting", "developing", "consolidating")]


def test_no_type_on_the_wall_chart_is_smaller_than_the_size_the_readme_states(
    client_for, alice, reassessment
):
    sizes = type_sizes(_chart(client_for(alice), reassessment))
    assert min(sizes) >= SMALLEST_TYPE
    # Most of the sheet (the descriptors) is at the smallest size: it is the chart's size.
    assert max(sizes, key=sizes.get) == SMALLEST_TYPE


def test_a_workshop_on_two_barriers_gets_type_of_eight_points_or_more(
    client_for, northshire, alice, team
):
    # Para 69 suggests starting with one or two barriers: the sheet then allows larger type.
    two = list(model_version_original().barriers.filter(order__lte=2))
    workshop = WorkshopFactory(
        organisation=northshire, lead_facilitator=alice, members=team, barriers=two
    )
    data = _chart(client_for(alice), workshop)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert min(type_sizes(data)) >= 8


def test_an_adapted_model_with_more_words_still_fits_one_page_in_smaller_type(
    client_for, northshire, alice, team
):
    content = version_content(model_version_original())
    for barrier in content["barriers"]:
        for cell in barrier["stages"].values():
            cell["descriptors"] = [f"{d} (as our own teams see it)" for d in cell["descriptors"]]
    version = version_create(
        organisation=northshire,
        by=actor_for(organisation=northshire, user=alice),
        content=content,
    )
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.model_version = version
    workshop.save(update_fields=["model_version"])
    workshop.barriers.set(version.barriers.all())

    data = _chart(client_for(alice), workshop)

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert pdf_render.WALLCHART_TYPE_MIN <= min(type_sizes(data)) < SMALLEST_TYPE
    assert as_printed(content["barriers"][3]["stages"]["developing"]["descriptors"][-1]).search(
        text_of(data)
    )


def test_the_marks_show_each_persons_initials_consensus_target_and_the_move_in_words(
    client_for, alice, reassessment
):
    text = flat(text_of(_chart(client_for(alice), reassessment)))
    # Leadership: Bob consolidating, Carol starting, Dan and Erin developing (tests/builders).
    assert "1 rated here: CE" in text
    assert "2 rated here: DE EE" in text
    assert "1 rated here: BE" in text
    assert text.count("Consensus → target consolidating") == 6
    assert text.count("Target ← from developing") == 6
    assert text.count("Consensus: Developing") == 6 and text.count("Target: Consolidating") == 6
    assert "Rated: 1 starting, 2 developing, 1 consolidating" in text


def test_the_key_says_whose_initials_they_are_and_what_the_marks_mean(
    client_for, alice, reassessment
):
    text = flat(text_of(_chart(client_for(alice), reassessment)))
    key = text[text.index("Key") :]
    for initials, name in [("BE", "Bob"), ("CE", "Carol"), ("DE", "Dan"), ("EE", "Erin")]:
        assert f"{initials} {name} Example" in key
    assert "Consensus and a solid frame: the stage the team agreed" in key
    assert "Target and a dashed frame: the stage it wants to reach" in key
    assert "Last time marks the consensus and target of the previous workshop" in key


def test_an_anonymous_workshops_key_names_nobody(client_for, northshire, alice, team):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, anonymous=True
    )
    text = flat(text_of(_chart(client_for(alice), workshop)))
    assert "The workshop is anonymous: the letters name nobody" in text
    for person in team:
        assert person.first_name not in text
    assert "rated here: A" in text or "rated here: B" in text


def test_a_reassessments_chart_marks_last_times_consensus_and_target(
    client_for, alice, reassessment
):
    text = flat(text_of(_chart(client_for(alice), reassessment)))
    # Last time: consensus starting, target developing, for each of the six barriers.
    assert text.count("Last time: consensus") == 6
    assert text.count("Last time: target") == 6
    assert text.count("Last time: Starting, target developing") == 6
    previous = reassessment.previous
    assert f"{previous.title} ({previous.date:%-d %B %Y})" in text


def test_an_unfinished_workshops_chart_says_draft_and_a_closed_ones_does_not(
    client_for, northshire, alice, team, reassessment
):
    client = client_for(alice)
    assert "Draft — workshop in progress" in text_of(_chart(client, reassessment))
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    assert "Draft" not in text_of(_chart(client, closed))


def test_before_the_reveal_the_chart_has_the_model_and_how_many_have_rated_only(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    text = flat(text_of(_chart(client_for(alice), workshop)))
    assert text.count("4 of 4 have rated") == 6
    assert "rated here" not in text and "Rated:" not in text
    assert "Before the reveal only how many have rated shows" in text
    assert as_printed("the leadership team does not take time to look at its performance.").search(
        text
    )
