"""Which closed records may be changed or deleted now: none, except by the organisation's
own data protection acts (a leaver erased, a workshop past its retention period), which
name the workshops they release for the length of one ``with`` block.

A closed workshop is otherwise a record nobody changes (assessments/signals.py refuses any
deletion in it, the services refuse any change).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_released: ContextVar[frozenset[int]] = ContextVar("released_records", default=frozenset())


@contextmanager
def closed_records_released(workshop_ids: Iterable[int]) -> Iterator[None]:
    token = _released.set(_released.get() | frozenset(workshop_ids))
    try:
        yield
    finally:
        _released.reset(token)


def is_released(workshop_id: int) -> bool:
    return workshop_id in _released.get()
