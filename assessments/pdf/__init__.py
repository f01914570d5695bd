"""PDF documents of a workshop: the A3 wall chart and the chief executive's report.

Drawn in a task worker, never in a request: ``queue.py`` asks for a PDF (once per
workshop revision, release and kind, however many ask), ``tasks.py`` draws it with
``render.py`` (charts from ``charts.py``), and the bytes are kept in the database and,
best effort, in the local cache folder (``cache.py``).
"""
