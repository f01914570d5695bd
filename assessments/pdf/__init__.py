"""PDF documents of a workshop: the A3 wall chart and the chief executive's report; and of
an organisation, the corporate roll-up on A3.

Drawn in a task worker, never in a request: ``queue.py`` asks for a PDF (once per
workshop revision, day, release and kind, however many ask; the roll-up's per digest of what
it shows: ``subjects.py``), ``tasks.py`` draws it:
``context.py`` reads what it shows, ``render.py`` lays it out with WeasyPrint (charts
from ``charts.py``) and ``tagging.py`` writes its tags; the bytes are kept in the
database and, best effort, in the local cache folder (``cache.py``).
"""
