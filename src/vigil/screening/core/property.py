"""Stolen property (serial numbers, IMEIs, VINs): CSV import and normalisation. Pure: no database."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .importers import ListFormatError, RowError, _open_text, parse_date

__all__ = ["PROPERTY_KINDS", "StolenItem", "load_stolen_property", "normalize_property_number"]

PROPERTY_KINDS = ("serial", "imei", "vin")


def normalize_property_number(number: str) -> str:
    """Uppercase letters and digits only: "35-209900-176148-1" and "352099001761481" are the same IMEI."""
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())


@dataclass(frozen=True)
class StolenItem:
    kind: str  # serial | imei | vin
    number: str  # normalised
    description: str
    reported_date: str | None


def load_stolen_property(path: str | Path) -> tuple[list[StolenItem], list[RowError]]:
    """CSV with header ``kind,number`` (kind = serial|imei|vin) and optional ``description,reported_date``."""
    path = Path(path)
    text = _open_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    items: list[StolenItem] = []
    errors: list[RowError] = []
    try:
        header = next(reader, None)
        if not header:
            raise ListFormatError(path, "empty file (header kind,number required)", 1)
        cols = [h.strip().lower() for h in header]
        missing = [c for c in ("kind", "number") if c not in cols]
        if missing:
            raise ListFormatError(path, f"missing required column(s): {', '.join(missing)}", 1)
        idx = {c: i for i, c in enumerate(cols)}
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(cols):
                errors.append(RowError(str(path), reader.line_num, f"expected {len(cols)} fields, got {len(row)}"))
                continue
            get = lambda c: row[idx[c]].strip() if c in idx else ""  # noqa: E731
            kind, number = get("kind").lower(), normalize_property_number(get("number"))
            if kind not in PROPERTY_KINDS:
                errors.append(RowError(str(path), reader.line_num, f"kind must be one of {', '.join(PROPERTY_KINDS)}"))
            elif len(number) < 4 or len(number) > 64:
                errors.append(RowError(str(path), reader.line_num, "number must have 4 to 64 letters or digits"))
            else:
                items.append(StolenItem(kind, number, get("description")[:300],
                                        parse_date(get("reported_date")) or None))
    except csv.Error as exc:
        raise ListFormatError(path, f"malformed CSV: {exc}", reader.line_num) from None
    return items, errors
