"""Renders kept per workshop revision: once per revision, only the newest kept."""

from django.core.cache import cache

from assessments.kept import kept_for_revision


def test_a_render_is_made_once_per_revision_and_a_new_revision_renders_afresh():
    made = []

    def render():
        made.append(len(made))
        return f"render {len(made)}"

    assert kept_for_revision("kept-test-1", 1, render) == "render 1"
    assert kept_for_revision("kept-test-1", 1, render) == "render 1"
    assert kept_for_revision("kept-test-1", 2, render) == "render 2"
    assert len(made) == 2


def test_only_the_newest_revision_is_kept_and_an_older_request_does_not_push_it_out():
    for revision in range(1, 11):
        kept_for_revision("kept-test-2", revision, lambda r=revision: f"page {r}")
    assert cache.get("kept-test-2") == (10, "page 10")  # one entry, the newest

    # A request that read revision 9 before the change gets its own render...
    assert kept_for_revision("kept-test-2", 9, lambda: "late page 9") == "late page 9"
    # ...and everyone at revision 10 is still served what was kept.
    assert kept_for_revision("kept-test-2", 10, lambda: "should not render") == "page 10"
