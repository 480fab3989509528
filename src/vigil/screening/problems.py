"""The problem+json answers routes can give, stated in the OpenAPI document, and one-line / multi-line string types
whose schema pattern means the same to ECMAScript (schemathesis, clients) and to Python (the server). Used by the
stolen-property routes here and by registrations and parcels."""

from __future__ import annotations

_PROBLEM = {"content": {"application/problem+json": {"schema": {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "instance": {"type": "string"}}}}}}

PROBLEM_RESPONSES: dict = {status: {"description": text, **_PROBLEM} for status, text in (
    (400, "Bad request: the input cannot be used as it is"),
    (401, "Authentication required"),
    (403, "Not allowed (role, establishment or CSRF)"),
    (404, "Not found (or not visible to the caller)"),
    (409, "Conflict with the current state"),
    (413, "Request body too large"),
    (422, "The request did not validate (the errors name each field)"),
    (428, "A declared purpose is required (X-Vigil-Purpose)"),
)}


# One line of text, stated so that the schema (ECMAScript regex) and the server (Python) agree on every character:
# the platform's `Line` uses `\S`, whose meaning differs between the two (U+001C-U+001F, U+0085, U+FEFF), so
# schemathesis finds strings one side accepts and the other refuses. The visible-character class is spelled out.
_BLANKS = "\\x00-\\x20\\x7f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
LINE_PATTERN = f"^[^\\x00-\\x1f\\x7f\\x85]*[^{_BLANKS}][^\\x00-\\x1f\\x7f\\x85]*$"
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


def OneLine(max_length: int = 200, min_length: int = 1):  # noqa: N802 - reads as a type in schemas
    from typing import Annotated

    from pydantic import StringConstraints

    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length, pattern=LINE_PATTERN)]


def MultiLine(max_length: int = 2000):  # noqa: N802
    from typing import Annotated

    from pydantic import StringConstraints

    return Annotated[str, StringConstraints(max_length=max_length, pattern=TEXT_PATTERN)]
