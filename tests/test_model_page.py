"""The model page: the whole wall chart, for anyone, in a fixed number of queries."""

import json
from pathlib import Path

from django.urls import reverse
from django.utils.html import escape

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "breakthrough-model.json"


def test_the_model_page_shows_every_barrier_stage_headline_descriptor_and_point(
    client, db, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        # version, barriers, stages, descriptors, points, steps, paper breakthroughs
        response = client.get(reverse("model_page"))
    assert response.status_code == 200
    page = response.content.decode()
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for stage in ("Starting", "Developing", "Consolidating"):
        assert f">{stage}</th>" in page
    for barrier in data["barriers"]:
        assert escape(barrier["name"]) in page
        for cell in barrier["stages"].values():
            assert escape(cell["headline"]) in page
            for descriptor in cell["descriptors"]:
                assert escape(descriptor) in page
        for point in barrier["breakthrough"]["points"]:
            assert escape(point) in page
    assert page.count('<th scope="row">') == 6
