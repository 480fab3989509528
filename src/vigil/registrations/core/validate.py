"""Validation of one registration record: identity documents, device and vehicle numbers, dates.

Pure functions over plain dicts of strings, so the CLI, the API, the benchmark and Spark can share them. A record
with reasons is rejected (kept with its reasons, never screened)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from stdnum import luhn as stdnum_luhn
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import ValidationError

SECTORS = ("hotel", "secondhand", "vehicle_refit", "venue")
CARRIER_SECTOR = "logistics"  # express and logistics companies: parcels, not registrations
ALL_SECTORS = SECTORS + (CARRIER_SECTOR,)
DOCUMENT_TYPES = ("cn_ric", "passport", "other")
# The sector's own fields (besides the person); everything else in a row is ignored.
SECTOR_FIELDS = {
    "hotel": ("arrival", "departure", "room"),
    "secondhand": ("item", "serial", "imei"),
    "vehicle_refit": ("vin", "plate", "work"),
    "venue": ("entry_time",),
}
OPTIONAL_FIELDS = ("imei", "vin", "serial", "item", "arrival", "departure", "room", "plate", "work", "entry_time",
                   "mrz")
_FIELDS = ("record_id", "name", "dob", "nationality", "document_type", "document_number", *OPTIONAL_FIELDS)
MAX_LENGTHS = {"record_id": 100, "name": 200, "document_number": 64, "item": 300, "room": 20, "plate": 20,
               "work": 300, "serial": 64}
OLDEST_YEAR = 1900  # a date of birth before this is absurd
EARLIEST_EVENT = date(2000, 1, 1)  # an arrival or entry before this is absurd

_NATIONALITY = re.compile(r"^[A-Z]{2,3}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_OTHER_DOC = re.compile(r"^[A-Z0-9\-/]{3,40}$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # ISO 3779: no I, O or Q
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_COMPACT = re.compile(r"[\s\-.]")
_IMEI_SEPARATORS = re.compile(r"[\s\-]")
_NOT_ITEM_CHAR = re.compile(r"[^0-9A-Z]")
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass
class Checked:
    """A record after validation: cleaned values and the reasons it is refused (empty: accepted)."""

    values: dict[str, str]
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def compact(text: str) -> str:
    upper = (text or "").upper()
    return upper if upper.isalnum() else _COMPACT.sub("", upper)  # nothing to take out of letters and digits


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def check_vin(vin: str) -> str | None:
    """None when valid. North American VINs (WMI starting 1-5) carry the ISO 3779 check digit in position 9;
    elsewhere the check digit is optional, so only the format is checked."""
    if not _VIN.match(vin):
        return "VIN must be 17 letters or digits without I, O or Q"
    if vin[0] in "12345" and vin[8] != vin_check_digit(vin):
        return "VIN check digit (position 9) is wrong"
    return None


def check_imei(number: str) -> str | None:
    """15 digits with a Luhn check digit (python-stdnum's luhn checksum)."""
    if len(number) != 15 or not number.isdigit():
        return "IMEI must have 15 digits"
    if stdnum_luhn.checksum(number) != 0:
        return "IMEI check digit (Luhn) is wrong"
    return None


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def parse_moment(text: str) -> datetime | None:
    """YYYY-MM-DD or an ISO time (arrival, departure, entry time)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if 10 <= len(text) <= 32 else None
    except ValueError:
        return None


def _check_dob(dob: str, today: date, reasons: list[str]) -> None:
    day = parse_day(dob)
    if day is None:
        reasons.append("dob must be a date YYYY-MM-DD")
    elif day > today or day.year < OLDEST_YEAR:
        reasons.append(f"dob {dob} is not a plausible date of birth")


def _check_document(values: dict[str, str], reasons: list[str]) -> None:
    kind, number = values["document_type"], values["document_number"]
    if kind not in DOCUMENT_TYPES:
        reasons.append(f"document_type must be one of {', '.join(DOCUMENT_TYPES)}")
        return
    if not number:
        reasons.append("document_number is empty")
        return
    if kind == "cn_ric":
        _check_ric(values, reasons)
    elif kind == "passport":
        _check_passport(values, reasons)
    elif not _OTHER_DOC.match(number):
        reasons.append("document_number must be 3-40 letters, digits, - or /")


@lru_cache(maxsize=100_000)
def _ric_place_known(region: str, year: int) -> bool:
    """stdnum's birth-place check (a data-file lookup, the slow part) depends only on the region code and the
    year: asked once per pair."""
    try:
        stdnum_ric.get_birth_place(f"{region}{year:04d}0101000" + "0")
        return True
    except ValidationError:
        return False


def ric_error(number: str) -> str | None:
    """python-stdnum's validation of a resident ID (length, format, ISO 7064 check digit, birth date, birth place),
    with the place lookup cached."""
    if len(number) != 18:
        return "must have 18 characters"
    if not number[:17].isdigit():
        return "the first 17 characters must be digits"
    if number[-1] != stdnum_ric.calc_check_digit(number):
        return "the check digit is wrong"
    try:  # stdnum's get_birth_date, without its (slow) character clean-up of a number already compact
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "the birth date in it is not a date"
    if not _ric_place_known(number[:6], born.year):
        return "the birth place code is unknown"
    return None


def _check_ric(values: dict[str, str], reasons: list[str]) -> None:
    number = values["document_number"]
    error = ric_error(number)
    if error:
        reasons.append(f"Chinese resident ID is not valid: {error}")
        return
    # The birth date inside the number is not compared with `dob`: the issue asks for the number's validity, and a
    # clerk's typo in either field is for the officer to weigh, not a reason to refuse the stay.


def _check_passport(values: dict[str, str], reasons: list[str]) -> None:
    mrz = values.get("mrz", "")
    if mrz:
        from vigil.screening.core.mrz import parse_mrz  # the screening engine's ICAO 9303 parser (pure)

        try:
            parsed = parse_mrz(mrz.replace("\\n", "\n"))
        except ValueError as exc:
            reasons.append(f"MRZ is not readable: {exc}")
            return
        if not parsed.valid:
            reasons.append("MRZ check digits are wrong: " + "; ".join(map(str, parsed.errors)))
        elif compact(parsed.document_number) != values["document_number"]:
            reasons.append("document_number differs from the MRZ")
    elif not _PASSPORT.match(values["document_number"]):
        reasons.append("passport number must be 5-20 letters or digits")


def _check_moments(values: dict[str, str], today: date, reasons: list[str]) -> None:
    moments = {}
    for name in ("arrival", "departure", "entry_time"):
        if not values.get(name):
            continue
        moment = parse_moment(values[name])
        if moment is None:
            reasons.append(f"{name} must be a date YYYY-MM-DD or an ISO time")
        elif not EARLIEST_EVENT <= moment.date() <= date(today.year + 1, 12, 31):
            reasons.append(f"{name} {values[name]} is not a plausible date")
        else:
            moments[name] = moment.replace(tzinfo=None)
    if "arrival" in moments and "departure" in moments and moments["departure"] < moments["arrival"]:
        reasons.append("departure is before arrival")


def _check_items(values: dict[str, str], sector: str, reasons: list[str]) -> None:
    if values.get("imei"):
        if not values["imei"].isdigit():
            values["imei"] = _IMEI_SEPARATORS.sub("", values["imei"])
        if error := check_imei(values["imei"]):
            reasons.append(error)
    if values.get("vin"):
        values["vin"] = compact(values["vin"])
        if error := check_vin(values["vin"]):
            reasons.append(error)
    if sector == "secondhand" and not (values.get("serial") or values.get("imei") or values.get("item")):
        reasons.append("a second-hand purchase needs the item, its serial number or its IMEI")
    if sector == "vehicle_refit" and not values.get("vin"):
        reasons.append("a vehicle refit needs the VIN")


def check_record(row: dict[str, str], sector: str | None, today: date) -> Checked:
    """Validate one record of an establishment of ``sector`` (None: the establishment is unknown)."""
    values = {k: (row.get(k) or "").strip() for k in _FIELDS}
    values["nationality"] = values["nationality"].upper()
    values["document_type"] = values["document_type"].lower()
    values["document_number"] = compact(values["document_number"])
    reasons: list[str] = []
    if sector is None:
        reasons.append(f"unknown establishment {(row.get('establishment') or '').strip()[:64]!r}")
    elif sector not in SECTORS:
        reasons.append(f"establishment of sector {sector} does not submit registrations")
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            reasons.append(f"{name} is longer than {limit} characters")
    if _CONTROL.search("".join(values.values()).replace("\n", "") if values["mrz"] else "".join(values.values())):
        reasons.append("contains control characters or text that is not valid UTF-8")
    if not values["record_id"]:
        reasons.append("record_id is empty")
    if not values["name"]:
        reasons.append("name is empty")
    _check_dob(values["dob"], today, reasons)
    if not _NATIONALITY.match(values["nationality"]):
        reasons.append("nationality must be a 2- or 3-letter country code")
    _check_document(values, reasons)
    _check_moments(values, today, reasons)
    _check_items(values, sector or "", reasons)
    return Checked(values, reasons)


def item_number(values: dict[str, str]) -> str:
    """The number a stolen-property list would know the item by: IMEI, else VIN, else serial (normalised)."""
    raw = (values.get("imei") or values.get("vin") or values.get("serial") or "").upper()
    return (raw if raw.isascii() and raw.isalnum() else _NOT_ITEM_CHAR.sub("", raw))[:64]


def sector_details(values: dict[str, str], sector: str) -> dict[str, str]:
    """The sector's own fields that were given (what is stored beside the person)."""
    return {k: values[k] for k in SECTOR_FIELDS.get(sector, ()) + ("imei", "vin", "serial", "item", "arrival")
            if values.get(k)}
