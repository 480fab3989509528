"""Cursor pagination shared by every list endpoint.

The cursor is the last seen key (every paged table is keyed by an integer), written as decimal digits: clients
treat it as opaque, and the API document can state its exact form (`Cursor`), so no cursor the document allows is
refused. It survives inserts between pages (unlike offsets) and costs one indexed range scan per page.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from vigil.platform.errors import BadRequest

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


CURSOR_PATTERN = r"^[0-9]{1,18}$"
Cursor = Annotated[str | None, Query(pattern=CURSOR_PATTERN, description="next_cursor of the previous page")]


def Limit(default: int = 50):  # noqa: N802 - reads as a type in route signatures
    return Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, 1 to {MAX_LIMIT}")]


def encode_cursor(value: Any) -> str:
    return str(int(value))


def decode_cursor(cursor: str) -> int:
    text = cursor.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise BadRequest("Invalid cursor")
    return int(text)


def paginate(session: Session, stmt: Select, key_column, cursor: str | None, limit: int,
             descending: bool = True) -> tuple[list[Any], str | None]:
    """Return one page of rows ordered by ``key_column`` and the cursor for the next page."""
    if limit < 1 or limit > MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    if cursor:
        last = decode_cursor(cursor)
        stmt = stmt.where(key_column < last if descending else key_column > last)
    stmt = stmt.order_by(key_column.desc() if descending else key_column.asc()).limit(limit + 1)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], key_column.key)) if more and rows else None
    return rows, next_cursor
