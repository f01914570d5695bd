from django.http import HttpRequest


def memberships(request: HttpRequest) -> dict:
    """The organisations of the signed-in user, for the navigation bar.

    Lazy: pages that never show the navigation run no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}

    def _memberships():
        return list(user.memberships.select_related("organisation"))

    return {"my_memberships": _memberships}
