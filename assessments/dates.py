"""The range of dates a workshop, a reassessment or an action may have: one place, used by
the model fields (so every service's ``full_clean`` and the admin), the forms and the
organisation import.

Outside it nothing is meant (a workshop is not held in the year 1 or 9999) and the pages
break: the step 5 page suggests a date 182 days after the workshop, the .ics ends a day after
the reassessment, and the progress page charts every workshop's date; at 9999-12-31 the first
two overflow Python's dates.
"""

import datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"Give a date between {EARLIEST:%-d %B %Y} and {LATEST:%-d %B %Y}."


def date_in_range(value) -> None:
    """A validator: refuse a date (or the date of a datetime) outside the range."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")
