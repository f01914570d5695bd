from django.http import HttpRequest

from organisations.access import memberships_of


def memberships(request: HttpRequest) -> dict:
    """The organisations of the signed-in user, for the navigation bar.

    Lazy: pages that never show the navigation run no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}

    def _memberships():
        # Pages under /o/<org>/ have them already, from the organisation check.
        mine = getattr(request, "my_memberships", None)
        return mine if mine is not None else memberships_of(user)

    return {"my_memberships": _memberships}
