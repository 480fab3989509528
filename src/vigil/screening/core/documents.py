"""Lost/stolen travel documents (CSV import + exact lookup) and Chinese resident ID validation."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .importers import ImportResult, ListFormatError, RowError, _open_text, parse_date

__all__ = ["LostDocument", "LostDocumentIndex", "load_lost_documents", "normalize_doc_number", "validate_cn_ric"]


def normalize_doc_number(number: str) -> str:
    """Uppercase, strip spaces and dashes (and other separators)."""
    return re.sub(r"[\s\-./]", "", (number or "").upper())


@dataclass(frozen=True)
class LostDocument:
    number: str  # normalised
    issuing_country: str
    doc_type: str
    reported_date: str | None
    raw_number: str = ""


def load_lost_documents(path: str | Path) -> tuple[list[LostDocument], list[RowError]]:
    """CSV with header: document_number (or number), issuing_country, type, reported_date."""
    path = Path(path)
    text = _open_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    docs: list[LostDocument] = []
    errors: list[RowError] = []
    try:
        header = next(reader, None)
        if not header:
            raise ListFormatError(path, "empty file (header required)", 1)
        cols = [h.strip().lower() for h in header]
        num_col = "document_number" if "document_number" in cols else "number" if "number" in cols else None
        if num_col is None or "issuing_country" not in cols:
            raise ListFormatError(path, "missing required column(s): document_number, issuing_country", 1)
        idx = {c: i for i, c in enumerate(cols)}
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(cols):
                errors.append(RowError(str(path), reader.line_num, f"expected {len(cols)} fields, got {len(row)}"))
                continue
            raw = row[idx[num_col]].strip()
            num = normalize_doc_number(raw)
            if not num:
                errors.append(RowError(str(path), reader.line_num, "empty document number"))
                continue
            get = lambda c: row[idx[c]].strip() if c in idx else ""  # noqa: E731
            docs.append(LostDocument(num, get("issuing_country").upper(), get("type") or get("doc_type"),
                                     parse_date(get("reported_date")) or (get("reported_date") or None), raw))
    except csv.Error as exc:
        raise ListFormatError(path, f"malformed CSV: {exc}", reader.line_num) from None
    return docs, errors


class LostDocumentIndex:
    def __init__(self, docs: list[LostDocument]):
        self._by_num: dict[str, list[LostDocument]] = {}
        for d in docs:
            self._by_num.setdefault(d.number, []).append(d)

    def lookup(self, number: str, issuing_country: str | None = None) -> list[LostDocument]:
        hits = self._by_num.get(normalize_doc_number(number), [])
        if issuing_country:
            c = issuing_country.strip().upper()
            hits = [d for d in hits if not d.issuing_country or d.issuing_country == c]
        return list(hits)


def validate_cn_ric(number: str) -> dict:
    """Validate an 18-digit Chinese resident identity card number.

    Returns {"valid": bool, "number": compact, "birth_date": "YYYY-MM-DD" | None, "error": str | None}."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        compact = ric.validate(number)
    except ValidationError as exc:
        return {"valid": False, "number": ric.compact(number or ""), "birth_date": None, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - stdnum may raise on odd input
        return {"valid": False, "number": str(number), "birth_date": None, "error": str(exc)}
    bd = ric.get_birth_date(compact)
    return {"valid": True, "number": compact, "birth_date": bd.isoformat(), "error": None,
            "birth_place": ric.get_birth_place(compact) if hasattr(ric, "get_birth_place") else None}
