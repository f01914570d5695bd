"""Ids that arrive as text, from a form or a script.

Primary keys are bigints. A number past that range names no row, but the
database refuses to compare with it (SQLite raises OverflowError, a 500), and
'²' is a digit to ``str.isdigit`` but not to ``int``; so anything that is not
a plain decimal in range is treated as naming nothing.
"""

MAX_ID = 2**63 - 1


def id_typed(value) -> int | None:
    """The id ``value`` could be, or None if it cannot be one."""
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
