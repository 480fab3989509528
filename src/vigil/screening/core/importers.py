"""List importers: UN consolidated XML, OFAC legacy CSV, plain CSV, FtM JSON lines.

Every importer returns a list of frozen :class:`Entry`.  Unreadable files raise
:class:`ListFormatError` naming the file (and line when known).  Per-row
problems in the plain CSV format are collected in ``ImportResult.row_errors``.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

__all__ = [
    "Entry", "Identifier", "ListFormatError", "RowError", "ImportResult",
    "load_un", "load_ofac", "load_csv", "load_ftm", "load_list", "load_list_spec", "diff_lists",
]


class ListFormatError(ValueError):
    """A list file cannot be read (malformed, truncated, wrong encoding, missing columns)."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{self.path}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Identifier:
    type: str
    number: str
    country: str | None = None


@dataclass(frozen=True)
class Entry:
    source: str  # "ofac" | "un" | "custom" | "ftm"
    source_id: str
    entity_type: str  # person | organization | vessel | aircraft | unknown
    name: str  # primary name as given by the list
    aliases: tuple[str, ...] = ()
    original_script_names: tuple[str, ...] = ()
    dobs: tuple[str, ...] = ()  # "YYYY", "YYYY-MM" or "YYYY-MM-DD" (partial dates kept)
    nationalities: tuple[str, ...] = ()
    gender: str | None = None  # "male" | "female" | None
    identifiers: tuple[Identifier, ...] = ()
    legal_basis: tuple[str, ...] = ()
    listed_on: str | None = None
    review_date: str | None = None
    list_name: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name,) + self.aliases + self.original_script_names))


@dataclass(frozen=True)
class RowError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.message}"


@dataclass
class ImportResult:
    entries: list[Entry] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def parse_date(text: str | None) -> str | None:
    """Parse "26 Dec 1992", "Dec 1992", "1992", "1992-12-26", "circa 1960" -> ISO partial."""
    if not text:
        return None
    t = text.strip().lower().replace(".", " ").replace(",", " ")
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", t)
    if m:
        y, mo, d = m.groups()
        if d:
            return f"{y}-{int(mo):02d}-{int(d):02d}"
        return f"{y}-{int(mo):02d}" if mo else y
    m = re.search(r"(?:(\d{1,2})\s+)?([a-z]{3})[a-z]*\s+(\d{4})", t)
    if m and m.group(2) in _MONTHS:
        d, mo, y = m.groups()
        mo = _MONTHS[mo]
        return f"{y}-{mo:02d}-{int(d):02d}" if d else f"{y}-{mo:02d}"
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", t)
    return m.group(1) if m else None


def _gender(text: str | None) -> str | None:
    if not text:
        return None
    t = text.strip().lower()
    if t in ("m", "male", "man"):
        return "male"
    if t in ("f", "female", "woman"):
        return "female"
    return None


_ORIG_SCRIPT_RE = re.compile(r"\s*\((?:original script:\s*)?([^)]*)\)\s*$", re.IGNORECASE)


def _split_alias(alias: str) -> tuple[list[str], list[str]]:
    """'Amir Khazmat (original script: Амир Хазмат)' -> (['Amir Khazmat'], ['Амир Хазмат'])."""
    m = _ORIG_SCRIPT_RE.search(alias)
    if m and m.group(1) and not m.group(1).isascii():
        return [alias[: m.start()].strip()] if alias[: m.start()].strip() else [], [m.group(1).strip()]
    if alias and not any(c.isascii() and c.isalpha() for c in alias):
        return [], [alias]
    return [alias], []


# --------------------------------------------------------------------------- UN
def load_un(path: str | Path, list_name: str = "UN Security Council Consolidated List") -> list[Entry]:
    from lxml import etree

    path = Path(path)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.parse(str(path), parser).getroot()
    except OSError as exc:
        raise ListFormatError(path, f"cannot read file ({exc})") from None
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(path, f"malformed XML: {exc.msg}", exc.lineno) from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(path, f"not a UN consolidated list (root element <{root.tag}>)", root.sourceline)

    def txt(el, tag):
        v = el.findtext(tag)
        return v.strip() if v and v.strip() else None

    entries = []
    for kind, el_tag in (("person", "INDIVIDUAL"), ("organization", "ENTITY")):
        for el in root.iter(el_tag):
            dataid = txt(el, "DATAID")
            if not dataid:
                raise ListFormatError(path, f"<{el_tag}> without DATAID", el.sourceline)
            parts = [txt(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
            name = " ".join(p for p in parts if p)
            aliases: list[str] = []
            orig: list[str] = []
            os_name = txt(el, "NAME_ORIGINAL_SCRIPT")
            if os_name:
                orig.append(" ".join(os_name.split()))
            for al in el.iter("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
                a = txt(al, "ALIAS_NAME")
                if a:
                    lat, ori = _split_alias(a)
                    aliases.extend(lat)
                    orig.extend(ori)
            if not name:
                if aliases:
                    name = aliases.pop(0)
                else:
                    raise ListFormatError(path, f"<{el_tag}> {dataid} without a name", el.sourceline)
            dobs = []
            for d in el.iter("INDIVIDUAL_DATE_OF_BIRTH"):
                for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
                    v = parse_date(txt(d, tag))
                    if v:
                        dobs.append(v)
                if txt(d, "FROM_YEAR") and txt(d, "TO_YEAR"):
                    try:
                        for y in range(int(txt(d, "FROM_YEAR")) + 1, int(txt(d, "TO_YEAR"))):
                            dobs.append(str(y))
                    except ValueError:
                        pass
            nats = [v.text.strip() for n in el.iter("NATIONALITY") for v in n.iter("VALUE") if v.text and v.text.strip()]
            ids = []
            for doc in el.iter("INDIVIDUAL_DOCUMENT"):
                num = txt(doc, "NUMBER")
                if num:
                    ids.append(Identifier(txt(doc, "TYPE_OF_DOCUMENT") or "document", num,
                                          txt(doc, "ISSUING_COUNTRY") or txt(doc, "COUNTRY_OF_ISSUE")))
            basis = " ".join(p for p in (txt(el, "UN_LIST_TYPE"), txt(el, "REFERENCE_NUMBER")) if p)
            entries.append(Entry(
                source="un", source_id=dataid, entity_type=kind, name=name,
                aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
                original_script_names=tuple(dict.fromkeys(orig)),
                dobs=tuple(dict.fromkeys(dobs)), nationalities=tuple(dict.fromkeys(nats)),
                gender=_gender(txt(el, "GENDER")), identifiers=tuple(ids),
                legal_basis=(basis,) if basis else (), listed_on=txt(el, "LISTED_ON"),
                list_name=list_name,
            ))
    return entries


# ------------------------------------------------------------------------- OFAC
def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, f"cannot read file ({exc})") from None


def _read_legacy(path: Path) -> str:
    raw = _read_bytes(path).rstrip(b"\x1a\r\n ")  # legacy files end with a DOS EOF marker
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _legacy_rows(path: Path, min_cols: int, required: bool = True) -> Iterable[tuple[int, list[str]]]:
    text = _read_legacy(path)
    if "\x00" in text:
        raise ListFormatError(path, "binary content (NUL bytes); wrong encoding?")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < min_cols:
                raise ListFormatError(path, f"expected at least {min_cols} columns, got {len(row)} (truncated?)", reader.line_num)
            yield reader.line_num, [None if c.strip() == "-0-" else c.strip() for c in row]
    except csv.Error as exc:
        raise ListFormatError(path, f"malformed CSV: {exc}", reader.line_num) from None


_REM_DOB = re.compile(r"\bDOB\s+((?:circa\s+)?[^;]+?)(?:;|\.$|$)", re.IGNORECASE)
_REM_NAT = re.compile(r"\b(?:nationality|citizen)\s+([^;]+?)(?:;|\.$|$)", re.IGNORECASE)
_REM_GENDER = re.compile(r"\bGender\s+(Male|Female)\b", re.IGNORECASE)
_REM_ID = re.compile(
    r"\b(Passport|National ID No\.|Cedula No\.|Identification Number|Tax ID No\.|NIT #|C\.U\.R\.P\.|"
    r"RFC|D\.N\.I\.|SSN|Registration ID|Residency Number|Personal ID Card|Vessel Registration Identification|"
    r"Driver's License No\.|Citizen's Card Number|Kenyan ID No\.|Birth Certificate Number|Travel Document Number|"
    r"Electoral Registry No\.|Public Security and Immigration No\.|Identity Number|Id Number|NIE|RUC #|"
    r"Registration Number|Unified Social Credit Code \(USCC\)|MMSI|IMO)\s+([A-Za-z0-9][A-Za-z0-9 \-/.]*?)"
    r"(?:\s+\(([^)]*)\))?(?:\s+(?:issued|expires)[^;]*)?(?:;|\.$|$)", re.IGNORECASE)


def parse_ofac_remarks(remarks: str | None) -> dict:
    out = {"dobs": [], "nationalities": [], "gender": None, "identifiers": []}
    if not remarks:
        return out
    for m in _REM_DOB.finditer(remarks):
        val = m.group(1)
        for piece in re.split(r"\s+to\s+|\s*-\s*(?=\d{4})", val):
            d = parse_date(piece)
            if d:
                out["dobs"].append(d)
    out["nationalities"] = [m.group(1).strip() for m in _REM_NAT.finditer(remarks)]
    g = _REM_GENDER.search(remarks)
    if g:
        out["gender"] = g.group(1).lower()
    for m in _REM_ID.finditer(remarks):
        out["identifiers"].append(Identifier(m.group(1).rstrip(".").strip(), m.group(2).strip().rstrip("."),
                                             (m.group(3) or "").strip() or None))
    return out


_OFAC_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", None: "organization", "": "organization"}


def load_ofac(directory: str | Path, list_name: str = "OFAC SDN List") -> list[Entry]:
    directory = Path(directory)
    sdn_path = directory / "sdn.csv" if directory.is_dir() else directory
    if not sdn_path.exists():
        raise ListFormatError(sdn_path, "missing OFAC sdn.csv")
    alt_path = sdn_path.parent / "alt.csv"
    aliases: dict[str, list[str]] = {}
    if alt_path.exists():
        for _, row in _legacy_rows(alt_path, 4):
            if row[0] and row[3]:
                aliases.setdefault(row[0], []).append(row[3])
    entries = []
    seen = set()
    for line, row in _legacy_rows(sdn_path, 12):
        ent, name, typ, program = row[0], row[1], row[2], row[3]
        if not ent or not ent.isdigit():
            raise ListFormatError(sdn_path, f"invalid ent_num {ent!r}", line)
        if not name:
            raise ListFormatError(sdn_path, f"entry {ent} without a name", line)
        if ent in seen:
            continue
        seen.add(ent)
        typ_key = (typ or "").strip().lower() or None
        rem = parse_ofac_remarks(row[11])
        basis = tuple(p.strip() for p in re.split(r"\]\s*\[|;", (program or "").strip("[] ")) if p.strip())
        entries.append(Entry(
            source="ofac", source_id=ent, entity_type=_OFAC_TYPES.get(typ_key, "unknown"), name=name,
            aliases=tuple(dict.fromkeys(a for a in aliases.get(ent, []) if a != name)),
            dobs=tuple(dict.fromkeys(rem["dobs"])), nationalities=tuple(dict.fromkeys(rem["nationalities"])),
            gender=rem["gender"], identifiers=tuple(rem["identifiers"]), legal_basis=basis,
            list_name=list_name,
        ))
    return entries


# -------------------------------------------------------------------------- CSV
def _open_text(path: Path) -> str:
    raw = _read_bytes(path)
    if b"\x00" in raw:
        raise ListFormatError(path, "binary content (NUL bytes); wrong encoding?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ListFormatError(path, "not valid UTF-8 (save the file as UTF-8)", line) from None


def csv_rows(path: Path, errors: list[RowError], header_problem: Callable[[list[str]], str | None],
             empty: str) -> Iterator[tuple[int, Callable[[str], str]]]:
    """The data rows of a small CSV file (lost documents, stolen property) as (line number, ``get(column)`` -> its
    stripped text, "" when the column is absent). A row of the wrong width is added to ``errors`` and skipped; an
    empty file (``empty`` says what header it needs), a header ``header_problem`` refuses or a malformed file is a
    ListFormatError naming the line."""
    reader = csv.reader(io.StringIO(_open_text(path), newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ListFormatError(path, empty, 1)
        cols = [h.strip().lower() for h in header]
        if problem := header_problem(cols):
            raise ListFormatError(path, problem, 1)
        idx = {c: i for i, c in enumerate(cols)}
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(cols):
                errors.append(RowError(str(path), reader.line_num, f"expected {len(cols)} fields, got {len(row)}"))
                continue
            yield reader.line_num, (lambda c, row=row: row[idx[c]].strip() if c in idx else "")
    except csv.Error as exc:
        raise ListFormatError(path, f"malformed CSV: {exc}", reader.line_num) from None


def load_csv_result(path: str | Path, source: str = "custom", list_name: str | None = None) -> ImportResult:
    """Plain CSV list: header with ``id,name`` required; optional aliases (;-separated),
    dob, nationality, gender, id_numbers (;-separated, "TYPE:NUMBER" allowed), type."""
    path = Path(path)
    text = _open_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    res = ImportResult()
    try:
        header = next(reader, None)
        if header is None:
            raise ListFormatError(path, "empty file (a header with id,name is required)", 1)
        cols = [h.strip().lower() for h in header]
        missing = [c for c in ("id", "name") if c not in cols]
        if missing:
            raise ListFormatError(path, f"missing required column(s): {', '.join(missing)}", 1)
        idx = {c: i for i, c in enumerate(cols)}
        seen = set()
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(cols):
                res.row_errors.append(RowError(str(path), line, f"expected {len(cols)} fields, got {len(row)}"))
                continue
            get = lambda c: (row[idx[c]].strip() if c in idx and row[idx[c]] is not None else "")  # noqa: E731
            rid, name = get("id"), get("name")
            if not rid:
                res.row_errors.append(RowError(str(path), line, "empty id"))
                continue
            if not name.strip() or not any(ch.isalnum() for ch in name):
                res.row_errors.append(RowError(str(path), line, "empty name"))
                continue
            if rid in seen:
                res.row_errors.append(RowError(str(path), line, f"duplicate id {rid!r}"))
                continue
            seen.add(rid)
            ids = []
            for item in filter(None, (x.strip() for x in get("id_numbers").split(";"))):
                typ, _, num = item.rpartition(":")
                ids.append(Identifier(typ.strip() or "id", num.strip()))
            dobs = []
            for d in filter(None, (x.strip() for x in get("dob").split(";"))):
                pd = parse_date(d)
                if pd is None:
                    res.row_errors.append(RowError(str(path), line, f"unparseable dob {d!r} (ignored)"))
                else:
                    dobs.append(pd)
            typ = get("type").lower() or "person"
            if typ not in ("person", "organization"):
                res.row_errors.append(RowError(str(path), line, f"unknown type {typ!r} (expected person|organization)"))
                continue
            al, orig = [], []
            for a in filter(None, (x.strip() for x in get("aliases").split(";"))):
                if any(c.isascii() and c.isalpha() for c in a):
                    al.append(a)
                else:
                    orig.append(a)
            res.entries.append(Entry(
                source=source, source_id=rid, entity_type=typ, name=name, aliases=tuple(al),
                original_script_names=tuple(orig), dobs=tuple(dobs),
                nationalities=tuple(filter(None, (x.strip() for x in get("nationality").split(";")))),
                gender=_gender(get("gender")), identifiers=tuple(ids),
                legal_basis=tuple(filter(None, [get("legal_basis")])),
                listed_on=get("listed_on") or None, review_date=get("review_date") or None,
                list_name=list_name or path.stem,
            ))
    except csv.Error as exc:
        raise ListFormatError(path, f"malformed CSV: {exc}", reader.line_num) from None
    return res


def load_csv(path: str | Path, source: str = "custom", list_name: str | None = None) -> list[Entry]:
    return load_csv_result(path, source, list_name).entries


# -------------------------------------------------------------------------- FtM
_FTM_PERSON = {"Person"}
_FTM_ORG = {"Organization", "Company", "LegalEntity", "PublicBody"}


def load_ftm_result(path: str | Path, list_name: str | None = None) -> ImportResult:
    """FollowTheMoney / OpenSanctions entities, one JSON object per line."""
    path = Path(path)
    text = _open_text(path)
    res = ImportResult()
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ListFormatError(path, f"malformed JSON: {exc.msg}", line_no) from None
        if not isinstance(obj, dict):
            raise ListFormatError(path, "each line must be a JSON object", line_no)
        schema = obj.get("schema")
        props = obj.get("properties") or {}
        if not isinstance(props, dict) or not isinstance(schema, str):
            res.row_errors.append(RowError(str(path), line_no, "missing schema/properties"))
            continue
        if schema not in _FTM_PERSON | _FTM_ORG | {"Vessel", "Airplane"}:
            continue  # addresses, sanctions, relationships ...

        def p(key):
            v = props.get(key) or []
            if isinstance(v, str):
                v = [v]
            return [str(x).strip() for x in v if isinstance(x, (str, int, float)) and str(x).strip()]

        names = p("name")
        eid = obj.get("id")
        if not eid or not names:
            res.row_errors.append(RowError(str(path), line_no, "entity without id or name"))
            continue
        al = p("alias") + p("weakAlias") + p("previousName") + names[1:]
        lat = [a for a in al if any(c.isascii() and c.isalpha() for c in a)]
        orig = [a for a in al if a not in lat]
        ids = [Identifier(k, v) for k in ("passportNumber", "idNumber", "taxNumber", "registrationNumber",
                                          "innCode", "ogrnCode", "leiCode", "imoNumber") for v in p(k)]
        etype = "person" if schema in _FTM_PERSON else "vessel" if schema == "Vessel" else \
            "aircraft" if schema == "Airplane" else "organization"
        res.entries.append(Entry(
            source="ftm", source_id=str(eid), entity_type=etype, name=names[0],
            aliases=tuple(dict.fromkeys(lat)), original_script_names=tuple(dict.fromkeys(orig)),
            dobs=tuple(d for d in (parse_date(x) for x in p("birthDate")) if d),
            nationalities=tuple(p("nationality") + p("citizenship") + p("jurisdiction")),
            gender=_gender((p("gender") or [None])[0]), identifiers=tuple(ids),
            legal_basis=tuple(p("program") + p("topics")), listed_on=(obj.get("first_seen") or None),
            list_name=list_name or path.stem,
        ))
    return res


def load_ftm(path: str | Path, list_name: str | None = None) -> list[Entry]:
    return load_ftm_result(path, list_name).entries


# ----------------------------------------------------------------------- common
def load_list(kind: str, path: str | Path) -> list[Entry]:
    """Load a list by kind: "ofac" (directory or sdn.csv), "un" (XML), "csv" (custom), "ftm"."""
    kind = kind.strip().lower()
    if kind == "ofac":
        return load_ofac(path)
    if kind == "un":
        return load_un(path)
    if kind in ("csv", "custom"):
        return load_csv(path)
    if kind == "ftm":
        return load_ftm(path)
    raise ValueError(f"unknown list kind {kind!r} (expected ofac, un, csv or ftm)")


def load_list_spec(spec: str) -> list[Entry]:
    """"ofac:DIR", "un:FILE", "csv:FILE", "ftm:FILE" -> entries."""
    kind, sep, path = spec.partition(":")
    if not sep or not path:
        raise ValueError(f"bad list spec {spec!r}: expected KIND:PATH (ofac:DIR, un:FILE, csv:FILE, ftm:FILE)")
    return load_list(kind, path)


def diff_lists(old: Iterable[Entry], new: Iterable[Entry]) -> tuple[list[Entry], list[tuple[Entry, Entry]], list[Entry]]:
    """Compare two versions of lists keyed by (source, source_id).

    Returns ``(added, changed, removed)`` where ``changed`` holds (old, new) pairs."""
    o = {(e.source, e.source_id): e for e in old}
    n = {(e.source, e.source_id): e for e in new}
    added = [e for k, e in n.items() if k not in o]
    removed = [e for k, e in o.items() if k not in n]
    changed = [(o[k], e) for k, e in n.items() if k in o and o[k] != e]
    return added, changed, removed
