"""ICAO 9303 machine-readable zone parsing (TD1 3x30, TD2 2x36, TD3 2x44).

Every check digit is verified; failures are listed in ``MRZResult.errors`` and
``valid`` is False - nothing is silently accepted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MRZResult", "parse_mrz", "check_digit"]

_WEIGHTS = (7, 3, 1)


def _char_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - 55
    if c == "<":
        return 0
    raise ValueError(f"invalid MRZ character {c!r}")


def check_digit(data: str) -> str:
    return str(sum(_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


@dataclass
class MRZResult:
    format: str  # TD1 | TD2 | TD3
    document_type: str
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str  # YYMMDD as printed
    sex: str
    expiry_date: str
    optional_data: str
    optional_data_2: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


def _names(field_: str) -> tuple[str, str]:
    sur, _, given = field_.partition("<<")
    return sur.replace("<", " ").strip(), given.replace("<", " ").strip()


def _check(errors: list, label: str, data: str, digit: str, allow_filler: bool = False) -> None:
    if allow_filler and digit == "<" and set(data) <= {"<"}:
        return
    try:
        expected = check_digit(data)
    except ValueError as exc:
        errors.append(f"{label}: {exc}")
        return
    if digit != expected:
        errors.append(f"{label} check digit {digit!r} invalid (expected {expected})")


def parse_mrz(text: str | list[str]) -> MRZResult:
    """Parse an MRZ given as lines (list or newline-separated string).

    Raises ValueError if the shape is not TD1/TD2/TD3."""
    lines = text if isinstance(text, (list, tuple)) else text.strip().splitlines()
    lines = [ln.strip().replace(" ", "").upper() for ln in lines if ln.strip()]
    shape = (len(lines), len(lines[0]) if lines else 0)
    if any(len(ln) != shape[1] for ln in lines):
        raise ValueError("MRZ lines have different lengths")
    for ln in lines:
        bad = [c for c in ln if not (c.isdigit() or "A" <= c <= "Z" or c == "<")]
        if bad:
            raise ValueError(f"invalid MRZ characters: {''.join(sorted(set(bad)))!r}")
    errors: list[str] = []
    if shape == (3, 30):
        l1, l2, l3 = lines
        doc_num, doc_cd, opt1 = l1[5:14], l1[14], l1[15:30]
        if doc_cd == "<" and opt1.strip("<"):  # long document number continues in optional data
            ext = opt1.rstrip("<")
            doc_num_full, doc_cd = doc_num + ext[:-1], ext[-1]
            _check(errors, "document number", doc_num_full, doc_cd)
            doc_num = doc_num_full
        else:
            _check(errors, "document number", doc_num, doc_cd)
        _check(errors, "birth date", l2[0:6], l2[6])
        _check(errors, "expiry date", l2[8:14], l2[14])
        _check(errors, "composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
        sur, given = _names(l3)
        return MRZResult("TD1", l1[0:2].strip("<"), l1[2:5].strip("<"), sur, given, doc_num.strip("<"),
                         l2[15:18].strip("<"), l2[0:6], l2[7], l2[8:14], opt1.strip("<"), l2[18:29].strip("<"), errors)
    if shape == (2, 36):
        l1, l2 = lines
        _check(errors, "document number", l2[0:9], l2[9])
        _check(errors, "birth date", l2[13:19], l2[19])
        _check(errors, "expiry date", l2[21:27], l2[27])
        _check(errors, "composite", l2[0:10] + l2[13:20] + l2[21:35], l2[35])
        sur, given = _names(l1[5:36])
        return MRZResult("TD2", l1[0:2].strip("<"), l1[2:5].strip("<"), sur, given, l2[0:9].strip("<"),
                         l2[10:13].strip("<"), l2[13:19], l2[20], l2[21:27], l2[28:35].strip("<"), "", errors)
    if shape == (2, 44):
        l1, l2 = lines
        _check(errors, "document number", l2[0:9], l2[9])
        _check(errors, "birth date", l2[13:19], l2[19])
        _check(errors, "expiry date", l2[21:27], l2[27])
        _check(errors, "optional data", l2[28:42], l2[42], allow_filler=True)
        _check(errors, "composite", l2[0:10] + l2[13:20] + l2[21:43], l2[43])
        sur, given = _names(l1[5:44])
        return MRZResult("TD3", l1[0:2].strip("<"), l1[2:5].strip("<"), sur, given, l2[0:9].strip("<"),
                         l2[10:13].strip("<"), l2[13:19], l2[20], l2[21:27], l2[28:42].strip("<"), "", errors)
    raise ValueError(f"not a TD1 (3x30), TD2 (2x36) or TD3 (2x44) MRZ: got {shape[0]} line(s) of {shape[1]}")
