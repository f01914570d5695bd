"""PDF documents of a workshop: the A3 wall chart and the chief executive's report.

Rendering lives here, away from the views: ``pdf_for`` returns the bytes,
from the cache when the workshop has not changed since they were made.
"""
