"""Making the model your own: copy, edit, publish; past workshops never change."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from model_content.models import ModelVersion
from model_content.selectors import model_version_current, model_version_original
from model_content.services import version_content
from tests.builders import workshop_completed
from tests.pdfs import pdf_get


def vurl(name, version=None, org="northshire"):
    kwargs = {"org": org}
    if version is not None:
        kwargs["version"] = version.code
    return reverse(name, kwargs=kwargs)


def main_of(page: str) -> str:
    """The wall chart grid (the header and messages change between requests)."""
    return page[page.index("<table") : page.index("</table>")]


def edit_data(version, **changes):
    """The edit form's fields for ``version``, with ``changes`` applied."""
    content = version_content(version)
    data = {"title": content["title"]}
    for b in content["barriers"]:
        s = b["slug"]
        data[f"{s}__name"] = b["name"]
        data[f"{s}__symptom"] = b["symptom"]
        data[f"{s}__breakthrough_title"] = b["breakthrough"]["title"]
        data[f"{s}__points"] = "\n".join(b["breakthrough"]["points"])
        for stage, cell in b["stages"].items():
            data[f"{s}__{stage}__headline"] = cell["headline"]
            data[f"{s}__{stage}__note"] = cell.get("note", "")
            data[f"{s}__{stage}__descriptors"] = "\n".join(cell["descriptors"])
    data.update(changes)
    return data


@pytest.fixture
def draft(client_for, alice):
    client = client_for(alice)
    response = client.post(vurl("version_copy", model_version_original()))
    assert response.status_code == 302
    return ModelVersion.objects.get(organisation__slug="northshire")


def test_a_facilitator_copies_edits_and_publishes_a_version(client_for, alice, draft):
    client = client_for(alice)
    descriptors = version_content(draft)["barriers"][1]["stages"]["starting"]["descriptors"]
    new_order = "\n".join([*reversed(descriptors[1:]), "We never have a learning set."])
    response = client.post(
        vurl("version_edit", draft),
        edit_data(
            draft,
            **{
                "learning__name": "Learning together",
                "learning__symptom": "“We are too busy to learn.”",
                "learning__starting__descriptors": new_order,
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:500]
    learning = draft.barriers.get(slug="learning")
    assert learning.name == "Learning together"
    texts = list(learning.stages.get(stage="starting").descriptors.values_list("text", flat=True))
    assert texts[-1] == "We never have a learning set."
    assert descriptors[0] not in texts
    assert model_version_current(organisation=draft.organisation).is_original  # still a draft
    client.post(vurl("version_publish", draft))
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert model_version_current(organisation=draft.organisation) == draft

    compare = client.get(vurl("version_compare", draft)).content.decode()
    assert "Learning together" in compare
    assert "Added" in compare and "Removed" in compare and "Changed" in compare


def test_a_published_version_refuses_edits(client_for, alice, draft):
    client = client_for(alice)
    client.post(vurl("version_publish", draft))
    response = client.post(vurl("version_edit", draft), edit_data(draft, learning__name="X"))
    assert response.status_code == 403
    assert draft.barriers.get(slug="learning").name == "Learning"


def test_a_member_cannot_edit_and_an_outsider_sees_nothing(client_for, bob, mallory, draft):
    assert client_for(bob).post(vurl("version_edit", draft), edit_data(draft)).status_code == 403
    assert client_for(bob).get(vurl("version_detail", draft)).status_code == 200
    outsider = client_for(mallory)
    assert outsider.get(vurl("version_detail", draft)).status_code == 404
    assert outsider.get(vurl("version_detail", draft, org="southshire")).status_code == 404


def test_an_empty_headline_is_refused_and_what_was_typed_is_kept(client_for, alice, draft):
    response = client_for(alice).post(
        vurl("version_edit", draft),
        edit_data(draft, **{"learning__starting__headline": "", "learning__name": "Kept name"}),
    )
    assert response.status_code == 400
    assert "Kept name" in response.content.decode()
    assert draft.barriers.get(slug="learning").name == "Learning"


def test_editing_the_model_after_a_workshop_leaves_that_workshop_and_its_documents_as_they_were(
    client_for, alice, team, northshire, draft, settings, tmp_path
):
    settings.PDF_CACHE_DIR = tmp_path
    client = client_for(alice)
    client.post(vurl("version_publish", draft))
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    workshop.model_version = draft
    workshop.save(update_fields=["model_version"])
    workshop.barriers.set(draft.barriers.all())
    chart_url = reverse("wallchart", kwargs={"org": "northshire", "code": workshop.code})
    before_page = main_of(client.get(chart_url).content.decode())
    before_content = version_content(draft)

    # A new draft from the published version, edited and published: the workshop keeps its own.
    client.post(vurl("version_copy", draft))
    newer = ModelVersion.objects.filter(organisation=northshire).order_by("-number").first()
    client.post(
        vurl("version_edit", newer), edit_data(newer, **{"leadership__name": "Leading together"})
    )
    client.post(vurl("version_publish", newer))

    workshop.refresh_from_db()
    assert workshop.model_version == draft
    assert version_content(draft) == before_content
    assert main_of(client.get(chart_url).content.decode()) == before_page
    report = pdf_get(
        client, reverse("report_pdf", kwargs={"org": "northshire", "code": workshop.code})
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "Leading together" not in text and "Leadership" in text


def test_export_then_import_into_another_organisation_reproduces_the_version(
    client_for, alice, mallory, draft
):
    client_for(alice).post(
        vurl("version_edit", draft), edit_data(draft, **{"priorities__name": "Fewer priorities"})
    )
    exported = client_for(alice).get(vurl("version_export", draft))
    assert exported["Content-Disposition"].startswith("attachment")
    upload = io.BytesIO(exported.content)
    upload.name = "version.json"
    response = client_for(mallory).post(vurl("version_import", org="southshire"), {"file": upload})
    assert response.status_code == 302
    imported = ModelVersion.objects.get(organisation__slug="southshire")
    assert version_content(imported) == json.loads(exported.content)


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b'{"barriers": "nope"}',
        json.dumps(
            {"barriers": [{"slug": "x", "name": "X", "symptom": "s", "stages": {}}]}
        ).encode(),
        b"\xff\xfe\x00",
    ],
)
def test_a_malformed_import_is_refused_with_a_400(client_for, mallory, payload):
    upload = io.BytesIO(payload)
    upload.name = "bad.json"
    response = client_for(mallory).post(vurl("version_import", org="southshire"), {"file": upload})
    assert response.status_code == 400
    assert not ModelVersion.objects.filter(organisation__slug="southshire").exists()


def test_reordering_descriptors_and_points_keeps_one_order_each(client_for, alice, draft):
    """Every descriptor and point moves: rows renumbered in place would meet an order another
    still holds, which the database refuses (one order per cell and per barrier)."""
    content = version_content(draft)["barriers"][0]
    descriptors = content["stages"]["consolidating"]["descriptors"]
    points = content["breakthrough"]["points"]
    response = client_for(alice).post(
        vurl("version_edit", draft),
        edit_data(
            draft,
            **{
                "leadership__consolidating__descriptors": "\n".join(reversed(descriptors)),
                "leadership__points": "\n".join([points[-1], *points[:-1]]),
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:500]
    leadership = draft.barriers.get(slug="leadership")
    cell = leadership.stages.get(stage="consolidating")
    assert list(cell.descriptors.values_list("order", "text")) == list(
        enumerate(reversed(descriptors), start=1)
    )
    assert list(leadership.points.values_list("order", "text")) == list(
        enumerate([points[-1], *points[:-1]], start=1)
    )
