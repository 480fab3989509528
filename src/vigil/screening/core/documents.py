"""Lost/stolen travel documents (CSV import + exact lookup) and Chinese resident ID validation."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .importers import RowError, csv_rows, parse_date

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
    docs: list[LostDocument] = []
    errors: list[RowError] = []
    for line, get in csv_rows(path, errors, _documents_header_problem, "empty file (header required)"):
        raw = get("document_number") or get("number")
        num = normalize_doc_number(raw)
        if not num:
            errors.append(RowError(str(path), line, "empty document number"))
            continue
        docs.append(LostDocument(num, get("issuing_country").upper(), get("type") or get("doc_type"),
                                 parse_date(get("reported_date")) or (get("reported_date") or None), raw))
    return docs, errors


def _documents_header_problem(cols: list[str]) -> str | None:
    if ("document_number" in cols or "number" in cols) and "issuing_country" in cols:
        return None
    return "missing required column(s): document_number, issuing_country"


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
