from model_content.models import Barrier, BarrierStage, BreakthroughPoint, Descriptor


def test_fixture_gives_the_whole_model_in_order(db):
    assert Barrier.objects.count() == 6
    assert BarrierStage.objects.count() == 18
    assert Descriptor.objects.count() == 117
    assert BreakthroughPoint.objects.count() == 45
    assert list(Barrier.objects.values_list("slug", flat=True)) == [
        "leadership",
        "learning",
        "priorities",
        "managing-change",
        "performance-frameworks",
        "helping-people-perform",
    ]


def test_the_fixture_is_loaded_word_for_word_in_order(db):
    import json
    from pathlib import Path

    from model_content.models import BarrierStage, BreakthroughPoint, Descriptor

    data = json.loads(
        (Path(__file__).resolve().parent.parent / "fixtures" / "breakthrough-model.json").read_text(
            encoding="utf-8"
        )
    )
    for b in data["barriers"]:
        for stage, cell in b["stages"].items():
            stored = BarrierStage.objects.get(barrier__slug=b["slug"], stage=stage)
            assert stored.headline == cell["headline"]
            assert stored.note == cell.get("note", "")
            assert (
                list(Descriptor.objects.filter(barrier_stage=stored).values_list("text", flat=True))
                == cell["descriptors"]
            )
        assert (
            list(
                BreakthroughPoint.objects.filter(barrier__slug=b["slug"]).values_list(
                    "text", flat=True
                )
            )
            == b["breakthrough"]["points"]
        )


def test_spot_checks_of_exact_texts(db):
    from model_content.models import BarrierStage, BreakthroughPoint, PaperBreakthrough

    assert (
        BarrierStage.objects.get(barrier__slug="leadership", stage="starting").note
        == "'Leaders' includes politicians and top managers."
    )
    assert BarrierStage.objects.get(barrier__slug="learning", stage="developing").headline == (
        "Learning is starting to happen:"
    )
    assert BreakthroughPoint.objects.filter(barrier__slug="leadership").first().text == (
        "be clear about what you want for the organisation;"
    )
    assert PaperBreakthrough.objects.get(number=7).barrier_slug == "performance-frameworks"
