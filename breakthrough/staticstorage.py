"""Static files in production: WhiteNoise's compressed, hashed files, each URL worked out once.

Every page asks for the URL of its stylesheets and scripts (seven on the wall chart), and
each ``{% static %}`` looks the name up in the manifest and rebuilds the URL around it. The
manifest is read when the process starts and never changes while it runs, so the answer
for a name never changes either.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # A name missing from the manifest raises here, as before, and is not kept.
            url = self._urls[name] = super().url(name)
            return url
