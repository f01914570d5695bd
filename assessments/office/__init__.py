"""The documents boards and officers work in: the report as Word (``word.py``), the action
plan and the ratings as a workbook and as CSV (``sheets.py``). Drawn by the task worker and
kept as the PDFs are (``assessments/documents.py``), from the board's reads
(``assessments/selectors/board.py``), so they say what the PDFs say."""
