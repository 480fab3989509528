"""Field types every API schema uses, so the contract is the same everywhere (RFC 3339 times, clean text)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, StringConstraints, WithJsonSchema

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


# A timestamp in a response or request: always UTC, serialised with an offset (`Z`).
Timestamp = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

# One line of free text (a name, a title): no control characters, no unpaired surrogates, not blank.
# (the middle class excludes the control characters too: a bare \S there let one through the pattern)
_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def Line(max_length: int = 200, min_length: int = 1):  # noqa: N802 - reads as a type in schemas
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=_LINE_PATTERN),
                     AfterValidator(_no_controls)]


def Text(max_length: int = 10_000):  # noqa: N802
    """Multi-line free text: tabs and newlines allowed, other control characters refused."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_controls_text)]


Name = Line(200)
