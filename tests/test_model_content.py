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
