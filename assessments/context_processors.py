from assessments.models import Step


def steps(request) -> dict:
    """The workshop's steps by name, so that templates say ``workshop.step == Step.CONSENSUS``,
    never a bare number."""
    return {"Step": Step}
