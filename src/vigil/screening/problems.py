"""One-line / multi-line string types whose schema pattern means the same to ECMAScript (schemathesis, clients) and
to Python (the server). Used by the stolen-property routes here and by registrations and parcels. (The error answers
of every route are stated once, in web/openapi.py.)"""

from __future__ import annotations

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
