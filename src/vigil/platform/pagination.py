"""Cursor pagination shared by every list endpoint.

The cursor is an opaque, url-safe encoding of the last seen key; it survives inserts
between pages (unlike offsets) and costs one indexed range scan per page.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from vigil.platform.errors import BadRequest

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except Exception as exc:  # any garbage is the client's fault
        raise BadRequest("Invalid cursor") from exc


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
