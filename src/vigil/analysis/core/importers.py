"""Parse incident histories into plain row dicts, with per-row errors and line numbers.

Global Terrorism Database (codebook layout, CSV). Columns read, all others ignored:
  eventid (required, the row's reference), iyear (required), imonth, iday (0 = unknown), country_txt,
  provstate, city, latitude, longitude, attacktype1_txt (the incident type), targtype1_txt, weaptype1_txt,
  nkill, nwound, gname, summary.
  Unknown day (iday 0): stored on the 1st of the month with precision "month"; unknown month (imonth 0): stored
  on 1 January with precision "year". Statistics by weekday use only rows known to the day, by month only rows
  known to the month; GTD has no time of day, so its rows never count in the hour-of-day statistics.
  The area is `city`, else `provstate`; missing coordinates are allowed (no map position); out-of-range ones,
  or exactly (0, 0), reject the row.

Generic CSV: a header row; the mapping names which column holds each field (defaults in DEFAULT_MAPPING):
  date (required; ISO date or date-time, or DD/MM/YYYY), type (required), id (optional reference; else the line
  number), lat, lon, area, country, killed, wounded, casualties (total; used when killed/wounded are absent),
  summary.
"""
from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

GTD_COLUMNS = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
               "attacktype1_txt", "targtype1_txt", "weaptype1_txt", "nkill", "nwound", "gname", "summary")
DEFAULT_MAPPING = {"id": "id", "date": "date", "type": "type", "lat": "lat", "lon": "lon", "area": "area",
                   "country": "country", "killed": "killed", "wounded": "wounded", "casualties": "casualties",
                   "summary": "summary"}
MAX_ERRORS_KEPT = 1000


class RowError(ValueError):
    pass


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


def _number(value: str | None, name: str) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowError(f"{name} {text[:30]!r} is not a number") from None
    if not math.isfinite(number):
        raise RowError(f"{name} is not a finite number")
    return number


def _count(value: str | None, name: str) -> int | None:
    number = _number(value, name)
    if number is None:
        return None
    if number < 0 or number > 1_000_000 or number != int(number):
        raise RowError(f"{name} {value!r} is not a plausible count")
    return int(number)


def check_coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """Both or neither; within range; (0, 0) is a placeholder, not a place."""
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise RowError("latitude and longitude must both be given or both be empty")
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise RowError(f"absurd coordinates ({lat}, {lon})")
    if lat == 0 and lon == 0:
        raise RowError("coordinates (0, 0) are a placeholder, not a place")
    return lat, lon


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _rows(text_or_lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """(first line number of the record, record) for each data row of a CSV with a header."""
    reader = csv.DictReader(text_or_lines)
    last = 1
    for record in reader:
        yield last + 1, record
        last = reader.line_num


def _collect(lines: Iterable[str], parse_one) -> ParseResult:
    result = ParseResult()
    try:
        for line, record in _rows(lines):
            try:
                if None in record:
                    raise RowError("more fields than the header has")
                row = parse_one(record, line)
                row["line"] = line
                result.rows.append(row)
            except RowError as exc:
                result.errors.append((line, str(exc)))
    except csv.Error as exc:
        result.errors.append((0, f"unreadable CSV: {exc}"))
    return result


def _require_columns(header: list[str] | None, needed: Iterable[str]) -> None:
    missing = [c for c in needed if c not in (header or [])]
    if missing:
        raise ValueError(f"the file lacks the column(s) {', '.join(missing)}")



def _gtd_row(record: dict, line: int) -> dict:
    ref = (record.get("eventid") or "").strip()
    if not ref:
        raise RowError("eventid is empty")
    year = _count(record.get("iyear"), "iyear")
    if year is None or not 1900 <= year <= 2100:
        raise RowError(f"iyear {record.get('iyear')!r} is not a year")
    month = _count(record.get("imonth"), "imonth") or 0
    day = _count(record.get("iday"), "iday") or 0
    if month > 12 or day > 31:
        raise RowError(f"imonth/iday {month}/{day} out of range")
    precision = "year" if month == 0 else ("month" if day == 0 else "day")
    try:
        when = datetime(year, month or 1, day or 1, tzinfo=timezone.utc)
    except ValueError:
        raise RowError(f"{year}-{month:02d}-{day:02d} is not a date") from None
    lat, lon = check_coordinates(_number(record.get("latitude"), "latitude"),
                                 _number(record.get("longitude"), "longitude"))
    kind = _text(record.get("attacktype1_txt"), 80) or "Unknown"
    detail = {k: _text(record.get(c), 120) for k, c in
              (("target", "targtype1_txt"), ("weapon", "weaptype1_txt"), ("group", "gname")) if record.get(c)}
    return {"source_ref": ref[:64], "occurred_at": when, "precision": precision, "type": kind,
            "area": _text(record.get("city"), 120) or _text(record.get("provstate"), 120),
            "country": _text(record.get("country_txt"), 80), "lat": lat, "lon": lon,
            "killed": _count(record.get("nkill"), "nkill"), "wounded": _count(record.get("nwound"), "nwound"),
            "summary": (record.get("summary") or "")[:5000], "detail": detail}


def parse_gtd(lines: Iterable[str]) -> ParseResult:
    lines = iter(lines)
    first = next(lines, "")
    _require_columns(next(csv.reader([first]), []), ("eventid", "iyear", "imonth", "iday"))
    return _collect(_chain(first, lines), _gtd_row)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def parse_date(text: str) -> tuple[datetime, str]:
    """(UTC time, precision) from an ISO date or date-time or DD/MM/YYYY."""
    value = text.strip()
    try:
        if len(value) == 10 and value[2] == "/" and value[5] == "/":
            day = datetime.strptime(value, "%d/%m/%Y").replace(tzinfo=timezone.utc)
            return day, "day"
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime(d.year, d.month, d.day, tzinfo=timezone.utc), "day"
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, IndexError):
        raise RowError(f"date {value[:40]!r} is not an ISO date or DD/MM/YYYY") from None
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    return when, "time"


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`field=Column` pairs over the defaults; unknown fields are refused."""
    mapping = dict(DEFAULT_MAPPING)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or name.strip() not in DEFAULT_MAPPING or not column.strip():
            raise ValueError(f"mapping {pair!r}: use field=Column with field one of {', '.join(DEFAULT_MAPPING)}")
        mapping[name.strip()] = column.strip()
    return mapping


def parse_generic(lines: Iterable[str], mapping: dict[str, str] | None = None) -> ParseResult:
    mapping = mapping or DEFAULT_MAPPING
    lines = iter(lines)
    first = next(lines, "")
    _require_columns(next(csv.reader([first]), []), (mapping["date"], mapping["type"]))

    def one(record: dict, line: int) -> dict:
        def get(name: str) -> str:
            return (record.get(mapping[name]) or "").strip()

        if not get("date"):
            raise RowError("date is empty")
        when, precision = parse_date(get("date"))
        if not 1900 <= when.year <= 2100:
            raise RowError(f"date {get('date')!r} is out of range")
        kind = _text(get("type"), 80)
        if not kind:
            raise RowError("type is empty")
        lat, lon = check_coordinates(_number(get("lat"), "lat"), _number(get("lon"), "lon"))
        killed, wounded = _count(get("killed"), "killed"), _count(get("wounded"), "wounded")
        casualties = _count(get("casualties"), "casualties")
        if killed is None and wounded is None and casualties is not None:
            wounded = casualties  # a single total: counted as injured, killed unknown
        return {"source_ref": (get("id") or f"line-{line}")[:64], "occurred_at": when, "precision": precision,
                "type": kind, "area": _text(get("area"), 120), "country": _text(get("country"), 80),
                "lat": lat, "lon": lon, "killed": killed, "wounded": wounded, "summary": get("summary")[:5000],
                "detail": {}}

    return _collect(_chain(first, lines), one)
