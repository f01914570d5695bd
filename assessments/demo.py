"""Demo workshops for ``seed_demo``: filled in once the workshop services exist."""


def demo_workshops(*, organisation, facilitator, members) -> None:
    return None
