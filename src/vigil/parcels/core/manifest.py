"""One row of a carrier's manifest file, checked: the same fields and limits as the API's ParcelIn, as reasons
instead of a 422, so a file is answered row by row."""

from __future__ import annotations

import math
import re

REQUIRED_COLUMNS = ("tracking_number", "sender_name", "sender_document_type", "sender_document_number",
                    "receiver_name", "contents", "weight_kg", "origin", "destination")
OPTIONAL_COLUMNS = ("sender_dob", "sender_nationality")
DOCUMENT_TYPES = ("cn_ric", "passport", "other")
MAX_WEIGHT_KG = 100_000
_LIMITS = {"tracking_number": 64, "sender_name": 200, "sender_document_number": 64, "receiver_name": 200,
           "contents": 2000, "origin": 200, "destination": 200}
_DOB = re.compile(r"\d{4}-\d{2}-\d{2}")
_NATIONALITY = re.compile(r"[A-Z]{2,3}")
# control characters (and surrogates: bytes that were not UTF-8); declared contents may run over several lines
_ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def parcel_of(row: dict[str, str]) -> tuple[dict | None, list[str]]:
    """(the parcel as submit_manifest takes it, []) or (None, reasons)."""
    values = {c: (row.get(c) or "").strip() for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    reasons = [f"{c} is required" for c in REQUIRED_COLUMNS if not values[c]]
    reasons += [f"{c} is longer than {n} characters" for c, n in _LIMITS.items() if len(values[c]) > n]
    reasons += [f"{c} holds control characters or bytes that are not UTF-8" for c in values
                if (_MULTI_LINE_BAD if c == "contents" else _ONE_LINE_BAD).search(values[c])]
    if values["sender_document_type"] and values["sender_document_type"] not in DOCUMENT_TYPES:
        reasons.append(f"sender_document_type must be one of {', '.join(DOCUMENT_TYPES)}")
    if values["sender_dob"] and not _DOB.fullmatch(values["sender_dob"]):
        reasons.append("sender_dob must be YYYY-MM-DD")
    if values["sender_nationality"] and not _NATIONALITY.fullmatch(values["sender_nationality"]):
        reasons.append("sender_nationality must be a 2- or 3-letter country code")
    weight = _weight(values["weight_kg"])
    if values["weight_kg"] and weight is None:
        reasons.append(f"weight_kg must be a number above 0 and at most {MAX_WEIGHT_KG:,}")
    if reasons:
        return None, reasons
    return {**values, "weight_kg": weight}, []


def _weight(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= MAX_WEIGHT_KG else None
