"""The builders used by the wall chart, state and PDF tests produce what they promise."""

from assessments.selectors.outcome import workshop_outcome
from assessments.selectors.workshops import ratings_revealed
from tests.builders import series_of_two


def test_a_series_of_two_has_a_reviewed_previous_workshop_and_an_outcome(alice, team):
    earlier, current = series_of_two(
        organisation=alice.memberships.get().organisation, facilitator=alice, members=team
    )
    assert current.previous == earlier
    assert current.reviews.count() == earlier.actions.count() == 18
    spreads = ratings_revealed(current)
    leadership = next(s for s in spreads.values() if s.barrier.slug == "leadership")
    assert leadership.is_wide
    outcome = workshop_outcome(current)
    assert all(o.previous_consensus is not None and o.action_count == 3 for o in outcome)
