"""Screening use cases: watchlist management and versioned imports, screening, re-screening, documents.

Other capabilities call `screen_name`, `screen_records` and `rescreen_new_entries`; they never read these tables.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import ARRAY, Text, any_, bindparam, cast, func, select
from sqlalchemy.orm import Session

from vigil.platform import events, notices, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import embedded, get_or_404, read, session_scope
from vigil.platform.errors import BadRequest, Conflict, NotFound
from vigil.platform.identity.principal import Principal
from vigil.screening.core import (DEFAULT_THRESHOLD, Entry, ListFormatError, Match, Query, ScreeningIndex,
                                  diff_lists)
from vigil.screening.core import importers
from vigil.screening.core.documents import load_lost_documents, normalize_doc_number
from vigil.screening.core.grounds import refused_grounds
from vigil.screening.core.property import load_stolen_property, normalize_property_number
from vigil.screening.core.index import paused_gc
from vigil.screening.models import LostDocument, StolenProperty, Watchlist, WatchlistEntry, WatchlistVersion
from vigil.screening.records import entry_from_json, entry_to_json

KINDS = ("un", "ofac", "csv", "ftm", "manual")
# Imported entries are reviewed at least yearly even when the list itself gives no review date.
IMPORT_REVIEW_DAYS = 365
MAX_BATCH = 10_000


# ---------------------------------------------------------------- watchlists

def create_watchlist(session: Session, actor: Principal, name: str, kind: str, legal_basis: str,
                     description: str = "") -> Watchlist:
    policy.require(actor, "watchlist.manage")
    if kind not in KINDS:
        raise BadRequest(f"kind must be one of {', '.join(KINDS)}")
    if len(legal_basis.strip()) < 3:
        raise BadRequest("A watchlist needs its legal basis")
    if session.scalars(select(Watchlist).where(Watchlist.name == name.strip())).first():
        raise Conflict(f"Watchlist {name!r} already exists")
    wl = Watchlist(name=name.strip(), kind=kind, owner_agency_id=actor.agency_id, legal_basis=legal_basis.strip(),
                   description=description)
    session.add(wl)
    session.flush()
    audit.record(session, actor, "watchlist.create", "watchlist", wl.id, detail={"name": wl.name, "kind": kind})
    return wl


def list_watchlists(session: Session, actor: Principal) -> list[tuple[Watchlist, int, WatchlistVersion | None]]:
    policy.require(actor, "screening.run")
    lists = list(session.scalars(select(Watchlist).order_by(Watchlist.name)))
    counts = dict(session.execute(select(WatchlistEntry.watchlist_id, func.count()).where(
        WatchlistEntry.removed_version.is_(None)).group_by(WatchlistEntry.watchlist_id)).all())
    out = []
    for wl in lists:
        latest = session.scalars(select(WatchlistVersion).where(WatchlistVersion.watchlist_id == wl.id)
                                 .order_by(WatchlistVersion.number.desc()).limit(1)).first()
        out.append((wl, counts.get(wl.id, 0), latest))
    return out


def get_watchlist(session: Session, watchlist_id: int) -> Watchlist:
    return get_or_404(session, Watchlist, watchlist_id, f"No watchlist {watchlist_id}")


def _owned(actor: Principal, wl: Watchlist) -> None:
    policy.require(actor, "watchlist.manage", policy.Resource(agency_id=wl.owner_agency_id, restricted=True))


def _active(session: Session, watchlist_id: int) -> dict[str, WatchlistEntry]:
    rows = session.scalars(select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist_id,
                                                        WatchlistEntry.removed_version.is_(None)))
    return {row.source_id: row for row in rows}


def _new_version(session: Session, actor: Principal, wl: Watchlist, source: str) -> WatchlistVersion:
    number = (session.scalar(select(func.max(WatchlistVersion.number)).where(
        WatchlistVersion.watchlist_id == wl.id)) or 0) + 1
    version = WatchlistVersion(watchlist_id=wl.id, number=number, created_by=actor.username, source=source[:300])
    session.add(version)
    session.flush()
    notices.announce(session, LISTS_CHANGED)
    return version


def parse_list_file(kind: str, path: Path) -> tuple[list[Entry], list[str]]:
    """Parse with the pure importers; a file that cannot be read is one clear 400."""
    try:
        if kind == "csv":
            result = importers.load_csv_result(path)
            return result.entries, [str(e) for e in result.row_errors]
        if kind == "ftm":
            result = importers.load_ftm_result(path)
            return result.entries, [str(e) for e in result.row_errors]
        return importers.load_list(kind, path), []
    except ListFormatError as exc:
        raise BadRequest(f"List file rejected: {exc}") from None


@dataclass
class ImportReport:
    version: WatchlistVersion
    added: list[str]
    changed: list[str]
    removed: list[str]
    row_errors: list[str]


def import_list(session: Session, actor: Principal, watchlist_id: int, path: Path, source_name: str = "",
                only_if_changed: bool = False) -> ImportReport | None:
    """Replace a list's content with a new file's, as one version, in the caller's transaction. With
    `only_if_changed`, a file that adds, changes and removes nothing makes no version (None is returned)."""
    wl = get_watchlist(session, watchlist_id)
    _owned(actor, wl)
    kind = "csv" if wl.kind == "manual" else wl.kind
    entries, row_errors = parse_list_file(kind, path)
    if not entries:
        raise BadRequest("The file holds no usable entries" + (f": {row_errors[0]}" if row_errors else ""))
    current = _active(session, wl.id)
    old = [entry_from_json(row.data) for row in current.values()]
    added, changed, removed = diff_lists(old, entries)
    if only_if_changed and not (added or changed or removed):
        return None
    version = _new_version(session, actor, wl, source_name or path.name)
    for entry in added:
        session.add(_row(wl, entry, version.id))
    for _, new in changed:
        row = current[new.source_id]
        row.name, row.entity_type, row.data = new.name[:500], new.entity_type, entry_to_json(new)
        row.legal_basis = "; ".join(new.legal_basis)[:500] or wl.legal_basis
        row.changed_version = version.id
    for entry in removed:
        current[entry.source_id].removed_version = version.id
    version.added, version.changed, version.removed = len(added), len(changed), len(removed)
    audit.record(session, actor, "watchlist.import", "watchlist", wl.id,
                 detail={"version": version.number, "added": len(added), "changed": len(changed),
                         "removed": len(removed), "row_errors": len(row_errors), "source": version.source})
    session.flush()
    invalidate_index()
    if added:
        _announce(session, version)
    return ImportReport(version, [e.source_id for e in added], [n.source_id for _, n in changed],
                        [e.source_id for e in removed], row_errors)


def _row(wl: Watchlist, entry: Entry, version_id: int, grounds: str = "", review: date | None = None):
    review = review or _parse_day(entry.review_date) or date.today() + timedelta(days=IMPORT_REVIEW_DAYS)
    return WatchlistEntry(watchlist_id=wl.id, source_id=entry.source_id[:100], name=entry.name[:500],
                          entity_type=entry.entity_type, data=entry_to_json(entry),
                          legal_basis=("; ".join(entry.legal_basis) or wl.legal_basis)[:500],
                          grounds=grounds or f"Listed on {wl.name}",
                          review_date=review, added_version=version_id)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


@dataclass
class ManualEntry:
    name: str
    legal_basis: str
    grounds: str
    review_date: date
    aliases: tuple[str, ...] = ()
    dob: str = ""
    nationality: str = ""
    gender: str = ""
    id_numbers: tuple[str, ...] = ()
    entity_type: str = "person"
    source_id: str = ""


def add_entry(session: Session, actor: Principal, watchlist_id: int, data: ManualEntry) -> WatchlistEntry:
    """An agency's own listing: legal basis, grounds and review date are required; protected grounds refused."""
    wl = get_watchlist(session, watchlist_id)
    _owned(actor, wl)
    ground = refused_grounds(data.grounds) or refused_grounds(data.legal_basis)
    if ground:
        raise BadRequest(f"Refused: the stated grounds are {ground}. A listing must rest on conduct or a legal "
                         "designation, never on political opinion, religion or race.")
    if data.review_date <= date.today():
        raise BadRequest("The review date must be in the future")
    if not data.name.strip():
        raise BadRequest("name is required")
    version = _new_version(session, actor, wl, "manual entry")
    source_id = data.source_id or f"{wl.id}-{version.number}"
    if source_id in _active(session, wl.id):
        raise Conflict(f"Entry {source_id} already exists in {wl.name}")
    from vigil.screening.core import Identifier

    entry = Entry(source="custom", source_id=source_id, entity_type=data.entity_type, name=data.name.strip(),
                  aliases=tuple(a.strip() for a in data.aliases if a.strip()),
                  dobs=(data.dob,) if data.dob else (), nationalities=(data.nationality,) if data.nationality else (),
                  gender=data.gender or None,
                  identifiers=tuple(Identifier("id", n) for n in data.id_numbers if n.strip()),
                  legal_basis=(data.legal_basis,), list_name=wl.name, review_date=data.review_date.isoformat())
    row = _row(wl, entry, version.id, grounds=data.grounds, review=data.review_date)
    session.add(row)
    version.added = 1
    session.flush()
    audit.record(session, actor, "watchlist.entry.add", "watchlist_entry", row.id,
                 detail={"watchlist": wl.name, "source_id": source_id})
    invalidate_index()
    _announce(session, version)
    return row


def _announce(session: Session, version: WatchlistVersion) -> None:
    """Tell other capabilities a list gained entries, in this transaction: records they still hold in retention
    are re-screened against the new entries (they call rescreen_new_entries)."""
    events.publish("screening.list_version", session=session, version_id=version.id, added=version.added)


def edit_entry(session: Session, actor: Principal, entry_id: int, legal_basis: str | None = None,
               grounds: str | None = None, review_date: date | None = None,
               aliases: tuple[str, ...] | None = None) -> WatchlistEntry:
    """Change an entry's basis, grounds, review date or aliases as a new list version (changed = 1)."""
    row = session.get(WatchlistEntry, entry_id)
    if row is None or row.removed_version is not None:
        raise NotFound(f"No entry {entry_id}")
    wl = get_watchlist(session, row.watchlist_id)
    _owned(actor, wl)
    ground = refused_grounds(grounds or "") or refused_grounds(legal_basis or "")
    if ground:
        raise BadRequest(f"Refused: the stated grounds are {ground}. A listing must rest on conduct or a legal "
                         "designation, never on political opinion, religion or race.")
    if review_date is not None and review_date <= date.today():
        raise BadRequest("The review date must be in the future")
    entry = entry_from_json(row.data)
    if aliases is not None:
        entry = replace(entry, aliases=tuple(a.strip() for a in aliases if a.strip()))
    if legal_basis:
        row.legal_basis = legal_basis[:500]
        entry = replace(entry, legal_basis=(legal_basis,))
    if review_date:
        row.review_date = review_date
        entry = replace(entry, review_date=review_date.isoformat())
    if grounds:
        row.grounds = grounds
    row.data = entry_to_json(entry)
    version = _new_version(session, actor, wl, "manual edit")
    version.changed = 1
    row.changed_version = version.id
    audit.record(session, actor, "watchlist.entry.edit", "watchlist_entry", row.id,
                 detail={"watchlist": wl.name, "source_id": row.source_id})
    invalidate_index()
    return row


def remove_entry(session: Session, actor: Principal, entry_id: int) -> WatchlistEntry:
    row = session.get(WatchlistEntry, entry_id)
    if row is None or row.removed_version is not None:
        raise NotFound(f"No entry {entry_id}")
    wl = get_watchlist(session, row.watchlist_id)
    _owned(actor, wl)
    version = _new_version(session, actor, wl, "manual removal")
    version.removed = 1
    row.removed_version = version.id
    audit.record(session, actor, "watchlist.entry.remove", "watchlist_entry", row.id)
    invalidate_index()
    return row


def list_entries(session: Session, actor: Principal, watchlist_id: int, purpose: str | None, cursor: str | None,
                 limit: int):
    """Entries name persons: a personal-data read, with a purpose, audited."""
    from vigil.platform.pagination import paginate

    wl = get_watchlist(session, watchlist_id)
    policy.require(actor, "personal_data.read")
    stated = policy.require_purpose(purpose)
    stmt = select(WatchlistEntry).where(WatchlistEntry.watchlist_id == wl.id,
                                        WatchlistEntry.removed_version.is_(None))
    rows, nxt = paginate(session, stmt, WatchlistEntry.id, cursor, limit, descending=False)
    audit.record(session, actor, "personal_data.read", "watchlist", wl.id, purpose=stated,
                 detail={"entries": len(rows)})
    return wl, rows, nxt


def count_due_for_review(session: Session, on: date | None = None) -> dict[int, int]:
    """Active entries whose review date has come, per watchlist (shown to list managers)."""
    rows = session.execute(select(WatchlistEntry.watchlist_id, func.count()).where(
        WatchlistEntry.removed_version.is_(None), WatchlistEntry.review_date <= (on or date.today()))
        .group_by(WatchlistEntry.watchlist_id))
    return dict(rows.all())


# ---------------------------------------------------------------- the index

LISTS_CHANGED = "vigil_watchlists"  # the change notice every new list version announces (``notices``)


class _IndexCache:
    """The in-memory index of every active entry, rebuilt when any list changes (per process)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.key: int | None = None
        self.index: ScreeningIndex | None = None
        self.list_names: dict[str, str] = {}
        # (change-notice stamp, index) when the index was last found current: while the stamp holds, it still is
        self.noticed: tuple[int, ScreeningIndex] | None = None
        # (index, threshold, query -> matches): searches remembered across calls for the index they ran on, so a
        # file's chunks screen each distinct person once; a new index (any list change) starts an empty memory
        self.searched: tuple[ScreeningIndex, float | None, dict[QueryKey, tuple[Match, ...]]] | None = None


_cache = _IndexCache()


def invalidate_index() -> None:
    _cache.key = None
    _cache.noticed = None
    _cache.searched = None


SEARCH_MEMORY = 250_000  # distinct queries remembered per process (~100 MB at most); then it starts afresh


def _searched(index: ScreeningIndex, threshold: float | None) -> dict[QueryKey, tuple[Match, ...]]:
    """The remembered searches of ``index`` at ``threshold``. Tied to the index object itself: the index is
    rebuilt whenever a list version is added (import, entry added, edited or removed), and with it this memory,
    so a remembered answer is never older than the lists it is given for."""
    held = _cache.searched
    if held is None or held[0] is not index or held[1] != threshold or len(held[2]) >= SEARCH_MEMORY:
        held = _cache.searched = (index, threshold, {})
    return held[2]


_NEWEST_VERSION = select(func.max(WatchlistVersion.id))


def _generation(session: Session) -> int | None:
    # Every change to any list (import, entry added or removed) creates a version, so the newest version id
    # identifies the content; other processes' changes are seen on their next request. A version row is flushed
    # as soon as it is made (_new_version), so the query can skip the ORM layer (half its cost per request).
    return session.connection().scalar(_NEWEST_VERSION)


def _entries(session: Session, *where) -> list[Entry]:
    names = dict(session.execute(select(Watchlist.id, Watchlist.name)).all())
    rows = session.execute(select(WatchlistEntry.watchlist_id, WatchlistEntry.data).where(
        WatchlistEntry.removed_version.is_(None), *where))
    return [replace(entry_from_json(data), list_name=names[wl_id]) for wl_id, data in rows]


def current_index(session: Session) -> ScreeningIndex:
    """The index of the lists as they are now. On PostgreSQL, while no list change has been announced since the
    index was last found current, no query at all (``notices``); otherwise the newest version id says."""
    stamp = notices.stamp(LISTS_CHANGED)  # taken before the query: a change announced after it is not missed
    noticed = _cache.noticed
    if stamp is not None and noticed is not None and noticed[0] == stamp:
        return noticed[1]
    key = _generation(session)
    with _cache.lock:
        if _cache.index is None or _cache.key != key:
            with paused_gc():  # loading 10k+ entries triggers full collections too (~0.2 s for OFAC + UN)
                index = ScreeningIndex.build(_entries(session))
            index.warm()
            _cache.index = index
            _cache.key = key
        _cache.noticed = (stamp, _cache.index) if stamp is not None else None
        return _cache.index


# ---------------------------------------------------------------- screening

@dataclass
class RecordIn:
    id: str
    name: str
    dob: str = ""
    nationality: str = ""
    id_number: str = ""


@dataclass
class RecordResult:
    id: str
    matches: list[Match]
    document_hits: list[LostDocument]
    error: str | None = None


QueryKey = tuple[str, str | None, str | None, tuple[str, ...]]  # name, dob, nationality, id numbers


def _key(rec: RecordIn) -> QueryKey:
    """What a record is searched on, as a plain tuple (cheap to hash and to send to the helper process)."""
    if not (rec.name or "").strip():
        raise ValueError("name is empty")
    return rec.name[:1000], rec.dob or None, rec.nationality or None, (rec.id_number,) if rec.id_number else ()


def _query_of(key: QueryKey) -> Query:
    return Query(name=key[0], dob=key[1], nationality=key[2], id_numbers=key[3])


def _query(rec: RecordIn) -> Query:
    return _query_of(_key(rec))


def screen_records(session: Session, actor: Principal, records: list[RecordIn], threshold: float | None = None,
                   purpose: str = "", progress: Callable[[int], None] | None = None,
                   progress_step: int = 100) -> list[RecordResult]:
    """Screen ``records`` against every active list, audited in the caller's transaction; ``progress`` is told how
    many are done every ``progress_step`` records."""
    _check_batch(actor, records)
    results = _screen_all(session, records, threshold, progress, progress_step)
    audit.record(session, actor, "screening.run", "screening", "", purpose=purpose, detail=_audit_detail(results))
    return results


def screen_records_now(actor: Principal, records: list[RecordIn], threshold: float | None = None,
                       purpose: str = "") -> list[RecordResult]:
    """``screen_records`` for a caller with nothing else to write (the API): the lookups outside a transaction and
    the audit event committed on its own before the results are returned (``audit.record_now``). On PostgreSQL
    that is one round trip to the server, the append, where one transaction took seven (the list version is asked
    only after a change notice, ``current_index``). On SQLite, in-process, one transaction is cheaper than two:
    ``screen_records``."""
    if embedded():
        with session_scope() as session:
            return screen_records(session, actor, records, threshold, purpose)
    _check_batch(actor, records)
    results = read(lambda session: _screen_all(session, records, threshold))
    audit.record_now(actor, "screening.run", "screening", "", purpose=purpose, detail=_audit_detail(results))
    return results


def _check_batch(actor: Principal, records: list[RecordIn]) -> None:
    policy.require(actor, "screening.run")
    if len(records) > MAX_BATCH:
        raise BadRequest(f"At most {MAX_BATCH} records per request; use `vigil screen` for files")


def _screen_all(session: Session, records: list[RecordIn], threshold: float | None,
                progress: Callable[[int], None] | None = None, progress_step: int = 100) -> list[RecordResult]:
    index = current_index(session)
    # A batch often repeats a person (a guest each night, a regular seller): one search per distinct query, and
    # one query for every document number of the batch instead of one per record.
    # Across calls too (a file sent in chunks, the API's batches): each distinct query is searched once per index.
    numbers = [normalize_doc_number(rec.id_number) if rec.id_number else "" for rec in records]
    documents = _lost_documents_of(session, numbers)
    searched = _searched(index, threshold)
    results = []
    for n, (rec, number) in enumerate(zip(records, numbers)):
        if progress is not None and n % progress_step == 0:
            progress(n)
        try:
            key = _key(rec)
            matches = searched.get(key)
            if matches is None:
                matches = searched[key] = tuple(index.search(_query_of(key), threshold))
            docs = documents.get(number, []) if number else []
            results.append(RecordResult(rec.id, list(matches), docs))
        except ValueError as exc:
            results.append(RecordResult(rec.id, [], [], error=str(exc)))
    return results


# ---------------------------------------------------------------- searching ahead (the second CPU)

AHEAD_MIN = 500  # new distinct queries that make a helper process worth its start (a fork of this process)
_helper: tuple[ScreeningIndex, dict[int, int]] | None = None  # in the helper: the index and entry positions


def _helper_start(index: ScreeningIndex) -> None:
    global _helper
    _helper = (index, {id(e): n for n, e in enumerate(index.entries)})
    # What the helper inherited is frozen: collections never walk it, so its pages stay shared with the parent.
    gc.freeze()
    gc.enable()
    threading.Thread(target=_helper_watch, args=(os.getppid(),), daemon=True).start()


def _helper_watch(parent: int) -> None:
    """End the helper when its parent is gone (killed: it holds the queue's pipe open itself, so it would wait
    for work forever)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _helper_search(keys: list[QueryKey], threshold: float | None) -> list[tuple | None]:
    """In the helper: each query's matches as (entry position, name, score, explanation) tuples (the compiled
    Query and Match do not pickle), or None when the search refused the query (this process asks again)."""
    assert _helper is not None
    index, positions = _helper
    out: list[tuple | None] = []
    for key in keys:
        try:
            found = index.search(_query_of(key), threshold)
        except ValueError:
            out.append(None)
            continue
        out.append(tuple((positions[id(m.entry)], m.name, m.score, m.explanation) for m in found))
    return out


class SearchAhead:
    """Searches the queries of the next unit of records in a helper process while this one stores the current
    unit; ``screen_records`` then finds them remembered (``_searched``), so a file's matcher work runs on the
    second CPU. The helper is forked, sharing the index as it is (copy on write). Its answers are kept only for
    the index they were searched on: after any list change (a new index here) they are dropped and a new helper
    serves the new index. On one CPU, without fork, or for a few queries, nothing is started: ``screen_records``
    searches as it always does. Use as a context manager (the helper ends with it)."""

    def __init__(self, threshold: float | None = None, cpus: int | None = None):
        self.threshold = threshold
        self.enabled = (cpus or os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods()
        self.executor: ProcessPoolExecutor | None = None
        self.index: ScreeningIndex | None = None
        self.asked: dict[Future, list[QueryKey]] = {}

    def __enter__(self) -> SearchAhead:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor, self.index, self.asked = None, None, {}

    def submit(self, session: Session, records: list[RecordIn]) -> list[Future]:
        """Start searching the queries of ``records`` that are neither remembered nor asked already."""
        if not self.enabled:
            return []
        index = current_index(session)
        if index is not self.index:
            self.close()
        memory = _searched(index, self.threshold)
        pending = {k for keys in self.asked.values() for k in keys}
        new: dict[QueryKey, None] = {}
        for rec in records:
            try:
                key = _key(rec)
            except ValueError:
                continue
            if key not in memory and key not in pending:
                new[key] = None
        if not new or (self.executor is None and len(new) < AHEAD_MIN):
            return []
        if self.executor is None:
            # fork: the helper starts with this process's memory, the index included (initargs are not pickled)
            self.executor = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"), initializer=_helper_start,
                                                initargs=(index,))
            self.index = index
        keys = list(new)
        future = self.executor.submit(_helper_search, keys, self.threshold)
        self.asked[future] = keys
        return [future]

    def collect(self, futures: list[Future]) -> None:
        """Wait for ``futures`` and remember their answers, if the index they were searched on is still current
        (else they are dropped, and ``screen_records`` searches)."""
        for future in futures:
            keys = self.asked.pop(future, None)
            if keys is None:
                continue
            try:
                answers = future.result()
            except Exception:  # noqa: BLE001 - the helper died or refused: this process searches instead
                continue
            held = _cache.searched
            if held is None or held[0] is not self.index or held[1] != self.threshold:
                continue
            memory, entries = held[2], self.index.entries
            for key, found in zip(keys, answers):
                if found is not None:
                    memory[key] = tuple(Match(entries[n].source, entries[n].source_id, name, score, why, entries[n])
                                          for n, name, score, why in found)


def _audit_detail(results: list[RecordResult]) -> dict:
    hit_ids = [r.id for r in results if r.matches or r.document_hits]
    return {"records": len(results), "alerts": len(hit_ids), "hit_ids": hit_ids[:50]}


def screen_name(session: Session, actor: Principal, name: str, dob: str | None = None,
                nationality: str | None = None, id_number: str | None = None,
                threshold: float | None = None) -> list[Match]:
    """One name against every active list: what registrations, parcels and intelligence call."""
    result = screen_records(session, actor, [RecordIn("1", name, dob or "", nationality or "", id_number or "")],
                            threshold)[0]
    if result.error:
        raise BadRequest(result.error)
    return result.matches


def rescreen_new_entries(session: Session, version_id: int, records: list[RecordIn],
                         threshold: float | None = None) -> dict[str, list[Match]]:
    """Screen retained records against only the entries a list version added (cheap: a small index)."""
    entries = _entries(session, WatchlistEntry.added_version == version_id)
    if not entries:
        return {}
    index = ScreeningIndex.build(entries)
    out = {}
    for rec in records:
        try:
            matches = index.search(_query(rec), threshold)
        except ValueError:
            continue
        if matches:
            out[rec.id] = matches
    return out


# ---------------------------------------------------------------- travel documents

def import_lost_documents(session: Session, actor: Principal, path: Path, source: str) -> tuple[int, list[str]]:
    policy.require(actor, "watchlist.manage")
    try:
        docs, errors = load_lost_documents(path)
    except ListFormatError as exc:
        raise BadRequest(f"Document list rejected: {exc}") from None
    for d in docs:
        session.add(LostDocument(number=d.number, issuing_country=d.issuing_country[:3], doc_type=d.doc_type[:20],
                                 reported_date=d.reported_date or "", source=source[:200]))
    audit.record(session, actor, "documents.import", "lost_documents", "", detail={"count": len(docs),
                                                                                  "row_errors": len(errors)})
    session.flush()
    # Holders of records in retention re-check them against the new numbers (as for "screening.list_version").
    events.publish("screening.lost_documents", session=session, numbers=sorted({d.number for d in docs}))
    return len(docs), [str(e) for e in errors]


IN_CHUNK = 500  # numbers per IN (...) query: well under SQLite's and PostgreSQL's parameter limits


def lost_documents_among(session: Session, numbers: list[str]) -> dict[str, list[LostDocument]]:
    """The lost/stolen documents among many numbers, keyed by normalised number (a few queries per batch)."""
    return _lost_documents_of(session, list(map(normalize_doc_number, numbers)))


def _lost_documents_of(session: Session, normalised: list[str]) -> dict[str, list[LostDocument]]:
    keys = sorted({k for k in normalised if len(k) >= 4})
    out: dict[str, list[LostDocument]] = {}
    for among in _number_among(session, LostDocument.number, keys):
        for doc in session.scalars(select(LostDocument).where(among)):
            out.setdefault(doc.number, []).append(doc)
    return out


def _number_among(session: Session, column, keys: list[str]):
    """Where-clauses that together find ``column`` among ``keys``: ``IN (...)`` by 500 (SQLite), or on PostgreSQL
    one ``= ANY(array)`` with the array's text form built here: psycopg parses a statement of more than 50
    placeholders anew every time, which cost more than the lookups themselves."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        text = "{" + ",".join('"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"' for k in keys) + "}"
        yield column == any_(cast(bindparam("numbers", text, type_=Text), ARRAY(Text)))
        return
    for start in range(0, len(keys), IN_CHUNK):
        yield column.in_(keys[start:start + IN_CHUNK])


def find_lost_documents(session: Session, number: str, country: str | None = None) -> list[LostDocument]:
    key = normalize_doc_number(number)
    if len(key) < 4:
        return []
    stmt = select(LostDocument).where(LostDocument.number == key)
    if country:
        stmt = stmt.where(LostDocument.issuing_country == country.upper())
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- stolen property (serials, IMEIs, VINs)

def import_stolen_property(session: Session, actor: Principal, path: Path, source: str) -> tuple[int, list[str]]:
    """Add the items of a CSV (kind,number[,description,reported_date]) in the caller's transaction. Holders of
    records in retention are told the new numbers (event "screening.stolen_property") and re-check them."""
    policy.require(actor, "watchlist.manage")
    try:
        items, errors = load_stolen_property(path)
    except ListFormatError as exc:
        raise BadRequest(f"Stolen-property list rejected: {exc}") from None
    if not items:
        raise BadRequest("The file holds no usable items" + (f": {errors[0]}" if errors else ""))
    for item in items:
        session.add(StolenProperty(kind=item.kind, number=item.number, description=item.description,
                                   reported_date=item.reported_date or "", source=source[:200]))
    session.flush()
    audit.record(session, actor, "stolen_property.import", "stolen_property", "",
                 detail={"count": len(items), "row_errors": len(errors), "source": source[:200]})
    events.publish("screening.stolen_property", session=session, numbers=sorted({i.number for i in items}))
    return len(items), [str(e) for e in errors]


def stolen_property_among(session: Session, numbers: list[str]) -> dict[str, list[StolenProperty]]:
    """The reported stolen items among many serials/IMEIs/VINs, keyed by normalised number."""
    keys = sorted({k for k in map(normalize_property_number, numbers) if len(k) >= 4})
    out: dict[str, list[StolenProperty]] = {}
    for among in _number_among(session, StolenProperty.number, keys):
        for row in session.scalars(select(StolenProperty).where(among)):
            out.setdefault(row.number, []).append(row)
    return out


def find_stolen_property(session: Session, number: str) -> list[StolenProperty]:
    return stolen_property_among(session, [number]).get(normalize_property_number(number), [])


def count_stolen_property(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StolenProperty)) or 0


__all__ = ["DEFAULT_THRESHOLD", "create_watchlist", "import_list", "add_entry", "remove_entry", "screen_records",
           "screen_records_now", "screen_name", "rescreen_new_entries", "find_lost_documents",
           "import_lost_documents", "lost_documents_among", "import_stolen_property", "stolen_property_among",
           "find_stolen_property", "RecordIn", "SearchAhead"]
