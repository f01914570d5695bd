"""Serve plotly.js from the installed plotly package, at ``vendor/plotly/plotly.min.js``.

The Python package ships the matching plotly.js, so the figures defined in
Python and the library that draws them never drift apart, and nothing is
fetched from a CDN. Only that one file is exposed (the package folder also
holds sample data sets nobody should download).
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"
FILES = {"vendor/plotly/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    storage = FileSystemStorage(location=str(PACKAGE_DATA))

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        name = FILES.get(path)
        if name is None:
            return [] if find_all else None
        match = str(PACKAGE_DATA / name)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        storage = _PrefixedStorage(location=str(PACKAGE_DATA))
        for name in FILES.values():
            yield name, storage


class _PrefixedStorage(FileSystemStorage):
    # collectstatic copies to ``prefix/name``.
    prefix = "vendor/plotly"
