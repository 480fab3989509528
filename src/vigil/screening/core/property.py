"""Stolen property (serial numbers, IMEIs, VINs): CSV import and normalisation. Pure: no database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .importers import RowError, csv_rows, parse_date

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
    items: list[StolenItem] = []
    errors: list[RowError] = []
    for line, get in csv_rows(path, errors, _property_header_problem, "empty file (header kind,number required)"):
        kind, number = get("kind").lower(), normalize_property_number(get("number"))
        if kind not in PROPERTY_KINDS:
            errors.append(RowError(str(path), line, f"kind must be one of {', '.join(PROPERTY_KINDS)}"))
        elif len(number) < 4 or len(number) > 64:
            errors.append(RowError(str(path), line, "number must have 4 to 64 letters or digits"))
        else:
            items.append(StolenItem(kind, number, get("description")[:300], parse_date(get("reported_date")) or None))
    return items, errors


def _property_header_problem(cols: list[str]) -> str | None:
    missing = [c for c in ("kind", "number") if c not in cols]
    return f"missing required column(s): {', '.join(missing)}" if missing else None
