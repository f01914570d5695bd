"""What people typed, made safe for a spreadsheet: shared by every CSV the app writes (the
audit log, the action plan, the ratings) and by the Excel workbook."""

from __future__ import annotations

import re

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# when a CSV is opened (a workshop's title, an action or a piece of evidence is typed by
# people): "=HYPERLINK(...)" in an action would be a link that sends data away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters no spreadsheet file may hold (XML 1.0 refuses them; openpyxl raises).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run: a leading formula character is quoted."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def xlsx_text(text: str) -> str:
    """Text for a workbook cell: without the control characters the file format refuses (a
    workbook cell is typed as text, so it never runs as a formula: ``sheets.py``)."""
    return _CONTROL.sub("", text)
