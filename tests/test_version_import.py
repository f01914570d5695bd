"""Importing a version file that someone made to break it: a 400 naming where the problem is,
never a 500, and nothing written."""

import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from model_content.loader import fixture_read
from model_content.models import Barrier, ModelVersion
from model_content.selectors import model_version_original
from model_content.services import version_content
from model_content.version_file import SCHEMA, content_check

IMPORT = reverse("version_import", kwargs={"org": "southshire"})


@pytest.fixture
def exported(db):
    """The original as its export page gives it: a valid file to spoil."""
    return version_content(model_version_original())


def post(client, raw: bytes):
    upload = io.BytesIO(raw)
    upload.name = "version.json"
    return client.post(IMPORT, {"file": upload})


def spoilt(content, change) -> bytes:
    content = copy.deepcopy(content)
    change(content)
    return json.dumps(content).encode()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _set(path, value):
    """A change that puts ``value`` at ``path`` (keys and indexes) in the file."""

    def change(content):
        *parents, last = path
        for key in parents:
            content = content[key]
        content[last] = value

    return change


def _drop(path):
    def change(content):
        *parents, last = path
        for key in parents:
            content = content[key]
        del content[last]

    return change


def _text_edit(old: str, new: str):
    """A change made on the JSON text itself: for what ``json.dumps`` cannot write."""
    return ("text", old, new)


STARTING = ["barriers", 0, "stages", "starting"]
HOSTILE = {
    # Nesting: Python's parser gives up (RecursionError) on the first; the walk finds the second.
    "10,000 nested lists": (nested(10_000).encode(), "the file"),
    "nesting inside a descriptor": (
        _text_edit('"descriptors": [', f'"descriptors": [{nested(200)}, '),
        "barriers[0].stages.starting.descriptors[0][0][0]",
    ),
    "a 5,000-digit number": (
        _text_edit('"order": 2,', f'"order": {"9" * 5000},'),
        "barriers[1].order",
    ),
    "NaN": (_text_edit('"order": 3,', '"order": NaN,'), "barriers[2].order"),
    "source a number": (_set(["source"], 5), "source"),
    "source a list": (_set(["source"], ["Audit Commission"]), "source"),
    "NUL in a descriptor": (
        _set(["barriers", 1, "stages", "developing", "descriptors", 2], "a\x00b"),
        "barriers[1].stages.developing.descriptors[2]",
    ),
    "NUL in a key": (_set(["barriers", 3, "n\x00me"], "x"), "barriers[3]"),
    "a lone surrogate": (_set(["barriers", 0, "symptom"], "\ud800"), "barriers[0].symptom"),
    "a slug with a space and a slash": (
        _set(["barriers", 2, "slug"], "no such/slug"),
        "barriers[2].slug",
    ),
    "a slug ending in a newline": (
        _set(["barriers", 2, "slug"], "priorities\n"),
        "barriers[2].slug",
    ),
    "an empty slug": (_set(["barriers", 2, "slug"], ""), "barriers[2].slug"),
    "a slug of 61 characters": (_set(["barriers", 2, "slug"], "s" * 61), "barriers[2].slug"),
    "a slug twice": (_set(["barriers", 3, "slug"], "learning"), "barriers[3].slug"),
    "a key twice": (
        _text_edit('"slug": "learning",', '"slug": "learning", "slug": "leadership",'),
        "barriers[1]",
    ),
    "a stage twice": (
        _text_edit(
            '"developing": {',
            '"starting": {"headline": "x", "descriptors": ["y"]}, "developing": {',
        ),
        "barriers[0].stages",
    ),
    "no symptom": (_drop(["barriers", 4, "symptom"]), "barriers[4]"),
    "no barriers": (_drop(["barriers"]), "the file"),
    "no descriptors": (_drop([*STARTING, "descriptors"]), "barriers[0].stages.starting"),
    "an unknown key": (_set(["barriers", 0, "colour"], "red"), "barriers[0]"),
    "a blank name": (_set(["barriers", 0, "name"], "   "), "barriers[0].name"),
    "a title of 201 characters": (_set(["title"], "t" * 201), "title"),
    "a source of 2,001 characters": (_set(["source"], "s" * 2001), "source"),
    "a name of 101 characters": (_set(["barriers", 0, "name"], "n" * 101), "barriers[0].name"),
    "a symptom of 201 characters": (
        _set(["barriers", 0, "symptom"], "s" * 201),
        "barriers[0].symptom",
    ),
    "a headline of 1,001 characters": (
        _set([*STARTING, "headline"], "h" * 1001),
        "barriers[0].stages.starting.headline",
    ),
    "a note of 1,001 characters": (
        _set([*STARTING, "note"], "n" * 1001),
        "barriers[0].stages.starting.note",
    ),
    "a descriptor of 1,001 characters": (
        _set([*STARTING, "descriptors", 1], "d" * 1001),
        "barriers[0].stages.starting.descriptors[1]",
    ),
    "a breakthrough title of 201 characters": (
        _set(["barriers", 5, "breakthrough", "title"], "b" * 201),
        "barriers[5].breakthrough.title",
    ),
    "two stages": (_drop(["barriers", 1, "stages", "consolidating"]), "barriers[1].stages"),
    "four stages": (
        _set(["barriers", 1, "stages", "excelling"], {"headline": "x", "descriptors": ["y"]}),
        "barriers[1].stages",
    ),
    "no barrier": (_set(["barriers"], []), "barriers"),
    "13 barriers": (lambda c: c["barriers"].extend([*c["barriers"], c["barriers"][0]]), "barriers"),
    "41 descriptors": (
        _set([*STARTING, "descriptors"], ["d"] * 41),
        "barriers[0].stages.starting.descriptors",
    ),
    "no breakthrough point": (
        _set(["barriers", 0, "breakthrough", "points"], []),
        "barriers[0].breakthrough.points",
    ),
    "another format": (_set(["format"], "breakthrough-organisation/1"), "format"),
    "not an object": (b"[]", "the file"),
    "barriers not a list": (b'{"barriers": "nope"}', "barriers"),
}


def hostile_file(exported, case) -> bytes:
    if isinstance(case, bytes):
        return case
    if isinstance(case, tuple) and case[0] == "text":
        _, old, new = case
        text = json.dumps(exported, indent=1)
        assert old in text
        return text.replace(old, new, 1).encode()
    return spoilt(exported, case)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_with_where_the_problem_is(client_for, mallory, exported, name):
    case, where = HOSTILE[name]
    barriers = Barrier.objects.count()
    response = post(client_for(mallory), hostile_file(exported, case))
    assert response.status_code == 400
    problems = list(response.context["form"].errors["file"])
    assert any(p.startswith(f"{where}: ") for p in problems), problems
    assert len(problems) <= 6  # the first five, and how many more
    assert where in response.content.decode()
    assert not ModelVersion.objects.filter(organisation__slug="southshire").exists()
    assert Barrier.objects.count() == barriers


def test_many_problems_are_listed_first_five_by_path_then_counted(client_for, mallory, exported):
    def change(content):
        for b in content["barriers"]:
            b["slug"] = "no such/slug"
            b["name"] = ""

    response = post(client_for(mallory), spoilt(exported, change))
    assert response.status_code == 400
    problems = list(response.context["form"].errors["file"])
    assert problems[:5] == [
        "barriers[0].name: '' is not text with more than spaces in it.",
        "barriers[0].slug: 'no such/slug' is not a slug (letters, digits, hyphens and "
        "underscores only).",
        "barriers[1].name: '' is not text with more than spaces in it.",
        "barriers[1].slug: 'no such/slug' is not a slug (letters, digits, hyphens and "
        "underscores only).",
        "barriers[2].name: '' is not text with more than spaces in it.",
    ]
    assert problems[5] == "…and 7 more."


def test_a_megabyte_of_wrong_items_is_refused_quickly_with_a_short_message(client_for, mallory):
    raw = b'{"barriers": [' + b"1," * 450_000 + b"1]}"
    response = post(client_for(mallory), raw)
    assert response.status_code == 400
    problems = list(response.context["form"].errors["file"])
    assert problems[0] == "barriers: has 450001 items, more than the 12 allowed."
    assert problems[-1].startswith("…and at least")
    assert sum(len(p) for p in problems) < 1000


def test_a_file_over_a_megabyte_is_refused_before_it_is_read(client_for, mallory, exported):
    exported["source"] = "x" * 1_000_001
    response = post(client_for(mallory), json.dumps(exported).encode())
    assert response.status_code == 400
    assert "too large" in response.context["form"].errors["file"][0]


def test_an_export_imports_as_it_was_exported(client_for, alice, mallory, exported):
    original = model_version_original()
    page = client_for(alice).get(
        reverse("version_export", kwargs={"org": "northshire", "version": original.code})
    )
    response = post(client_for(mallory), page.content)
    assert response.status_code == 302
    imported = ModelVersion.objects.get(organisation__slug="southshire")
    assert version_content(imported) == json.loads(page.content) == exported


def test_the_fixture_and_the_schema_agree(db):
    Draft202012Validator.check_schema(SCHEMA)
    content_check(fixture_read())


@settings(max_examples=300, deadline=None)
@given(
    slug=st.one_of(
        st.text(max_size=70),
        st.text(alphabet="ab-_\n /é", max_size=6),
        st.from_regex(r"[-a-zA-Z0-9_]{1,60}\n?", fullmatch=True),
    )
)
def test_the_schema_takes_exactly_the_slugs_django_takes(slug):
    """A slug the schema let through and Django's URLs refuse made a workshop's pages 500."""
    try:
        validate_slug(slug)
        django_takes = len(slug) <= 60
    except ValidationError:
        django_takes = False
    schema = Draft202012Validator(SCHEMA["properties"]["barriers"]["items"]["properties"]["slug"])
    assert schema.is_valid(slug) == django_takes
