"""Field types every API schema uses, so the contract is the same everywhere (RFC 3339 times, clean text)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, StringConstraints,
                      WithJsonSchema)

from vigil.platform.clock import as_utc

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ILLEGAL_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def format_utc(value: datetime) -> str:
    """RFC 3339 with a `Z`: 2026-12-07T00:39:00.690515Z (naive values are UTC, as SQLite returns them)."""
    return as_utc(value).isoformat().replace("+00:00", "Z")


def _no_controls(value: str) -> str:
    if _ILLEGAL_LINE.search(value):
        raise ValueError("must not contain control characters or unpaired surrogates")
    return value


def _no_controls_text(value: str) -> str:
    if _ILLEGAL.search(value):
        raise ValueError("must not contain control characters or unpaired surrogates")
    return value


def _text_time(value):
    """A time arrives as RFC 3339 text. Pydantic would also read a number as seconds since 1970, which the API
    document (format date-time) does not allow, so a client could never tell."""
    if isinstance(value, (int, float, bool)) or (isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        raise ValueError("must be an RFC 3339 date-time, e.g. 2026-03-01T08:00:00Z")
    return value


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

# A timestamp in a response or request: always UTC, serialised with an offset (`Z`).
Timestamp = Annotated[
    datetime,
    BeforeValidator(_text_time),
    AfterValidator(as_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

# One line of free text (a name, a title): no control characters, no unpaired surrogates, not blank. Blanks around
# it are allowed (services trim them and collapse inner runs), so the pattern also says how many characters are
# left once that is done: at least the field's minimum (1, 2 or 3).
_BLANK = r"[^\S\x00-\x1f\x7f]"
_VISIBLE = r"[^\s\x00-\x1f\x7f]"
_ANY = r"[^\x00-\x1f\x7f]"


def _line_pattern(min_length: int) -> str:
    middle = {1: f"(?:{_ANY}*{_VISIBLE})?", 2: f"{_ANY}*{_VISIBLE}"}.get(min_length, f"{_ANY}+{_VISIBLE}")
    return f"^{_BLANK}*{_VISIBLE}{middle}{_BLANK}*$"


_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# A search or filter term in a query string: any text but control characters (PostgreSQL stores no NUL; a term
# with one could match nothing anyway), stated in the schema so clients know.
QUERY_TEXT = r"^[^\x00-\x1f\x7f]*$"


def Line(max_length: int = 200, min_length: int = 1):  # noqa: N802 - reads as a type in schemas
    # Lengths and the pattern are checked on the text as sent (what the document describes); the value the
    # service gets is then trimmed.
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length,
                                            pattern=_line_pattern(min_length)), AfterValidator(_no_controls),
                     AfterValidator(str.strip)]


def Text(max_length: int = 10_000):  # noqa: N802
    """Multi-line free text: tabs and newlines allowed, other control characters refused."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_TEXT_PATTERN),
                     AfterValidator(_no_controls_text)]


Name = Line(200)


def _no_bool(value):
    if isinstance(value, bool):
        raise ValueError("must be an integer, not true/false")
    return value


# A JSON integer: 3 and 3.0 (JSON Schema counts both as integers), never true/false (Python's bool is an int).
Int = Annotated[int, BeforeValidator(_no_bool)]


class StrictModel(BaseModel):
    """The base of every request body: a field the API does not know is an error (422), never silently dropped."""

    model_config = ConfigDict(extra="forbid")
