"""The file a version of the model travels in (export, import), and how an upload is read.

An imported file comes from another organisation, or from anyone who can sign in as a
facilitator: nothing in it is trusted. It is read in three steps, each refusing with the
path of what it found (``barriers[2].slug: ...``) before the next looks at it:

1. ``version_file_read`` parses the JSON with bounds Python's ``json`` does not have:
   no duplicate keys (``json`` keeps the last silently), no number longer than a barrier's
   order could be, no NUL or lone surrogate in any text (PostgreSQL refuses the first and
   UTF-8 the second: both were a 500 when the rows were written), and nothing nested
   deeper than the format goes, so that the schema's messages (which quote what they
   refuse) stay small.
2. ``content_check`` checks the shape against ``SCHEMA`` (JSON Schema, Draft 2020-12):
   keys, types, counts, lengths, slugs.
3. It then checks what a schema cannot say: a slug is used once in the file.

The edit form's content goes through steps 2 and 3 as well (``services.content_validate``),
so one set of rules says what a version is, wherever it comes from.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from model_content.models import Barrier, ModelVersion, Stage

FORMAT = "breakthrough-model-version/1"

# The CharFields' own lengths; the TextFields' and the items' are what the edit form allows.
LIMITS = {
    "title": ModelVersion._meta.get_field("name").max_length,
    "source": 2000,
    "slug": Barrier._meta.get_field("slug").max_length,
    "name": Barrier._meta.get_field("name").max_length,
    "symptom": Barrier._meta.get_field("symptom").max_length,
    "breakthrough_title": Barrier._meta.get_field("breakthrough_title").max_length,
    "headline": 1000,
    "note": 1000,
}
ITEM_MAX = 1000
ITEMS_MAX = 40
BARRIERS_MAX = 12
ORDER_MAX = 32767  # a PositiveSmallIntegerField

# Django's slug pattern (``validate_slug``) says ``\Z``, which JSON Schema's regular expressions
# (ECMA 262) do not have, and ``$`` would let "leadership\n" through, as Python's ``re`` (which
# jsonschema uses) matches ``$`` before a final newline. "Nothing follows" says it in both.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+(?![\s\S])"

# The format goes six levels deep (the file, barriers, a barrier, its stages, a stage, its
# descriptors); a list or object below the eighth is refused before the schema sees it, so that
# the messages it makes (which quote the value refused) stay small and never recurse far.
DEPTH_MAX = 8
_TOO_DEEP = f"nested more than {DEPTH_MAX} levels deep"
# A barrier's order has at most five digits; a longer number is refused before it is converted
# (Python converts up to 4,300 digits, in time that grows with the square of the length).
NUMBER_CHARS_MAX = 20
# How many problems a refusal lists, and how many the schema is asked for at most: a 1 MB file
# of 500,000 wrong items would otherwise make 500,000 errors before the first was shown.
SHOWN = 5
ASKED = 100


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def _filled(limit: int) -> dict[str, Any]:
    return {
        **_text(limit),
        "pattern": r"\S",
        "description": "text with more than spaces in it",
    }


_ITEMS = {"type": "array", "minItems": 1, "maxItems": ITEMS_MAX, "items": _filled(ITEM_MAX)}

_STAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["headline", "descriptors"],
    "properties": {
        "headline": _filled(LIMITS["headline"]),
        "note": _text(LIMITS["note"]),
        "descriptors": _ITEMS,
    },
}

_BARRIER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["slug", "name", "symptom", "stages", "breakthrough"],
    "properties": {
        "slug": {
            "type": "string",
            "maxLength": LIMITS["slug"],
            "pattern": SLUG_PATTERN,
            "description": "a slug (letters, digits, hyphens and underscores only)",
        },
        # Exported for people reading the file; an import keeps the barriers in file order.
        "order": {"type": "integer", "minimum": 1, "maximum": ORDER_MAX},
        "name": _filled(LIMITS["name"]),
        "symptom": _filled(LIMITS["symptom"]),
        # The three stages stay fixed whatever an organisation adapts (para 67).
        "stages": {
            "type": "object",
            "additionalProperties": False,
            "required": Stage.values,
            "properties": dict.fromkeys(Stage.values, _STAGE),
        },
        "breakthrough": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title", "points"],
            "properties": {"title": _filled(LIMITS["breakthrough_title"]), "points": _ITEMS},
        },
    },
}

# The original's fixture (fixtures/breakthrough-model.json) has the same shape, with the
# stages, workshop steps and paper's breakthroughs besides, which the loader reads and an
# import leaves alone.
_FIXTURE_ONLY = {"type": "array", "maxItems": 20, "items": {"type": "object"}}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A version of the breakthrough model",
    "type": "object",
    "additionalProperties": False,
    "required": ["barriers"],
    "properties": {
        "format": {"const": FORMAT},
        "title": _text(LIMITS["title"]),
        "source": _text(LIMITS["source"]),
        "barriers": {
            "type": "array",
            "minItems": 1,
            "maxItems": BARRIERS_MAX,
            "items": _BARRIER,
        },
        "stages": _FIXTURE_ONLY,
        "workshop_steps": _FIXTURE_ONLY,
        "paper_breakthroughs": _FIXTURE_ONLY,
    },
}

_VALIDATOR = Draft202012Validator(SCHEMA)


# ---------------------------------------------------------------- reading the upload


class _Refused:
    """What the parser put in place of a value it would not convert, for the walk to report
    with its path (the parser itself knows no paths)."""

    def __init__(self, reason: str):
        self.reason = reason


class _Duplicated(dict):
    """An object in which some key came more than once (``duplicates``)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    obj = _Duplicated(pairs)
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    obj.duplicates = [key for key, n in counts.items() if n > 1]
    return obj


def _number(convert):
    def parse(text: str):
        if len(text) > NUMBER_CHARS_MAX:
            return _Refused(f"a number {len(text)} characters long (at most {NUMBER_CHARS_MAX})")
        return convert(text)

    return parse


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a number JSON allows")


def version_file_read(*, raw: bytes) -> Any:
    """The JSON in ``raw``, or a ``ValidationError`` naming the first problems by path.

    ``raw`` is bounded by the caller (the import form allows 1 MB)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValidationError("This file is not JSON exported from Breakthrough.") from e
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_constant,
        )
    except json.JSONDecodeError as e:
        raise ValidationError(
            f"This file is not JSON exported from Breakthrough ({e.msg}, line {e.lineno}, "
            f"column {e.colno})."
        ) from e
    except RecursionError as e:
        # Python's parser gives up around a thousand levels; the walk below refuses far less.
        raise ValidationError(f"the file: {_TOO_DEEP}.") from e
    _refuse(_read_problems(data))
    return data


_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _read_problems(data: Any) -> Iterator[str]:
    """What the parser let through and nothing should read, in the order of the file. A loop,
    not a recursion, however deep the data."""
    stack: list[tuple[tuple, Any, int]] = [((), data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, _Refused):
            yield f"{_path(path)}: {value.reason}."
        elif isinstance(value, str):
            if _BAD_CHARACTERS.search(value):
                yield f"{_path(path)}: {_character(value)}."
        elif isinstance(value, dict | list):
            if depth > DEPTH_MAX:
                yield f"{_path(path)}: {_TOO_DEEP}."
                continue
            if isinstance(value, _Duplicated):
                keys = ", ".join(_short(k) for k in value.duplicates[:SHOWN])
                yield f"{_path(path)}: the key {keys} comes more than once."
            if isinstance(value, dict):
                for key in value:
                    if _BAD_CHARACTERS.search(key):
                        yield f"{_path(path)}: the key {_short(key)} has {_character(key)}."
                children = list(value.items())
            else:
                children = list(enumerate(value))
            stack.extend(((*path, k), v, depth + 1) for k, v in reversed(children))


def _character(text: str) -> str:
    found = _BAD_CHARACTERS.search(text).group()
    if found == "\x00":
        return "a NUL character (\\u0000), which no text may contain"
    return f"a lone surrogate (\\u{ord(found):04x}), which is not a character"


# ---------------------------------------------------------------- the schema, then the rest


def content_check(data: Any) -> None:
    """Refuse ``data`` (``ValidationError``) unless it is a version: the schema, then slugs."""
    errors = sorted(
        itertools.islice(_VALIDATOR.iter_errors(data), ASKED),
        key=lambda e: [(0, p) if isinstance(p, int) else (1, p) for p in e.absolute_path],
    )
    _refuse(f"{_path(e.absolute_path)}: {_message(e)}." for e in errors)
    # Only once the shape is right: a slug is a barrier's identity within a version.
    _refuse(_slug_problems(data["barriers"]))


def _slug_problems(barriers: list[dict[str, Any]]) -> Iterator[str]:
    first: dict[str, int] = {}
    for i, barrier in enumerate(barriers):
        slug = barrier["slug"]
        if slug in first:
            yield f"barriers[{i}].slug: {_short(slug)} is barriers[{first[slug]}]'s slug already."
        first.setdefault(slug, i)


def _refuse(problems) -> None:
    """Raise the first ``SHOWN`` of ``problems`` (and how many more), if there are any."""
    problems = list(itertools.islice(problems, ASKED))
    if not problems:
        return
    shown = problems[:SHOWN]
    if len(problems) > SHOWN:
        more = len(problems) - SHOWN
        at_least = "at least " if len(problems) == ASKED else ""
        shown.append(f"…and {at_least}{more} more.")
    raise ValidationError(shown)


_JSON_TYPES = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    for python, name in ((dict, "an object"), (list, "a list"), (str, "text"), (float, "a number")):
        if isinstance(value, python):
            return name
    return "null"


def _message(error) -> str:
    """A short message for a schema error. jsonschema's own quote the whole value refused,
    which may be a megabyte of text."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        expected = " or ".join(
            _JSON_TYPES[t] for t in ([expected] if isinstance(expected, str) else expected)
        )
        return f"must be {expected}, not {_kind(value)}"
    if kind == "required":
        return error.message  # "'slug' is a required property": one error for each key
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [key for key in value if key not in known]
        more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
        return f"the key {_short(extra[0])} has no place here{more}"
    if kind == "const":
        return f"must be {expected!r}"
    if kind == "maxLength":
        return f"is {len(value)} characters long, more than the {expected} allowed"
    if kind == "minItems":
        return f"has {len(value)} items; it needs at least {expected}"
    if kind == "maxItems":
        return f"has {len(value)} items, more than the {expected} allowed"
    if kind == "minimum":
        return f"must be at least {expected}"
    if kind == "maximum":
        return f"must be at most {expected}"
    if kind == "pattern":
        return f"{_short(value)} is not {error.schema.get('description', repr(expected))}"
    return error.message[:200]


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,59}")


def _path(parts) -> str:
    """``barriers[2].slug``: where in the file, as JSONPath writes it (without the ``$.``)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NAME.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{_short(part, 40)}]"
    return out or "the file"
