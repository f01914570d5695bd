"""Renders kept per workshop revision, in this process's cache.

The wall chart's grid and step 3's evidence are the same for a whole room at
one revision, and the room asks for them all at once. The revision is read
from the database with the request, so a per-process cache is right with any
number of app servers. One entry per key holds only the newest revision: a
busy workshop (every challenge is a new revision, and step 3 is 334 KB for a
room of 50) must not fill the cache with pages nobody will ask for again.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

KEPT_FOR = 60 * 60  # seconds


def kept_for_revision(key: str, revision: int, render: Callable[[], T]) -> T:
    """What ``render()`` returns at ``revision``, rendered once per process and revision."""
    entry = cache.get(key)
    if entry is not None and entry[0] == revision:
        return entry[1]
    value = render()
    # A request that read an older revision must not push out a newer render.
    if entry is None or revision > entry[0]:
        cache.set(key, (revision, value), KEPT_FOR)
    return value
