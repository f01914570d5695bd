"""Production static files: every page links its stylesheets and scripts by hashed name, so
that a browser never keeps an old copy after an upgrade."""

import json

import pytest

from breakthrough.staticstorage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"css/app.css": "css/app.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_stylesheet_is_linked_by_its_hashed_name_every_time(storage):
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"


def test_a_file_missing_from_the_collected_files_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
