"""Reading a registrations CSV: header check, one (line, row | None, error) per data row, in order.

Bytes that are not UTF-8 do not stop the file: they are decoded as surrogates and the row is refused by validation
("not valid UTF-8"), so every other row still gets its answer."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

REQUIRED_COLUMNS = ("establishment", "record_id", "name", "dob", "nationality", "document_type", "document_number")
MAX_FIELD = 10_000  # characters: a longer field is a broken file, not a record

csv.field_size_limit(MAX_FIELD)


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


def text_lines(stream: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")


def read_rows(lines: Iterable[str], required: tuple[str, ...] = REQUIRED_COLUMNS
              ) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """(line number, row as a dict of lower-case column -> text, None) or (line, None, error) per data row; a
    registrations file by default, any CSV with ``required`` columns (a carrier's manifest)."""
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CsvFormatError(f"line 1: malformed CSV header: {exc}") from None
    if not header:
        raise CsvFormatError("the file is empty (a header row is required)")
    columns = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise CsvFormatError(f"line 1: missing column(s): {', '.join(missing)}")
    width = len(columns)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, f"line {start}: malformed CSV: {exc}"
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            yield start, None, f"line {start}: expected {width} fields, got {len(row)}"
            continue
        yield start, dict(zip(columns, row)), None
