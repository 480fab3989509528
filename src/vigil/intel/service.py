"""Intelligence use cases: ingest (validated, all-or-nothing), search, versions, export, TAXII queries, deletes.

Every read filters through ``policy.stix_visible_clause`` (lists, counts) or ``policy.can_read_stix`` (single rows).
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Iterable, Iterator

import ijson

from sqlalchemy import and_, delete, exists, false, func, insert, or_, select, text, true, update
from sqlalchemy.orm import Session

from vigil.intel.core import stix as core
from vigil.intel.models import (Collection, CollectionAccess, SharingGroup, SharingGroupMember, StixObject,
                                TaxiiStatus)
from vigil.platform import policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404, utcnow
from vigil.platform.errors import BadRequest, Forbidden, NotFound, Problem
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import Principal

MAX_BUNDLE_OBJECTS = 100_000
MAX_BUNDLE_BYTES = 1 << 30  # 1 GiB; API uploads are also bounded by VIGIL_MAX_UPLOAD_BYTES
INGEST_BATCH = 1000  # objects validated and written at a time
DEFAULT_COLLECTION_ID = "6a3c1c8e-2c1d-4c5e-9b0e-1d7f0a5b2c01"
CHUNK = 500


def aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


# --- sharing groups and visibility ---------------------------------------------------------------------------------
def member_group_ids(session: Session, agency_id: int) -> list[int]:
    return list(session.scalars(select(SharingGroupMember.group_id).where(SharingGroupMember.agency_id == agency_id)))


def group_agency_ids(session: Session, group_id: int | None) -> frozenset[int]:
    if group_id is None:
        return frozenset()
    return frozenset(session.scalars(select(SharingGroupMember.agency_id)
                                     .where(SharingGroupMember.group_id == group_id)))


def visible(session: Session, principal: Principal, model=StixObject):
    """The TLP filter as a SQL clause; the principal's sharing groups are a subquery of the same statement."""
    members = SharingGroupMember.__table__.c
    groups = select(members.group_id).where(members.agency_id == principal.agency_id)
    return policy.stix_visible_clause(principal, model.tlp, model.owner_agency_id, model.sharing_group_id, groups)


def can_read_row(session: Session, principal: Principal, row) -> bool:
    return policy.can_read_stix(principal, row.tlp, row.owner_agency_id, group_agency_ids(session, row.sharing_group_id))


def create_sharing_group(session: Session, actor: Principal, name: str, agency_codes: Iterable[str],
                         description: str = "") -> SharingGroup:
    """Create a group of agencies (see ``vigil.intel.sharing`` for managing groups and collection grants)."""
    from vigil.intel import sharing

    view = sharing.create_group(session, actor, name, description, list(agency_codes), unknown_agency_status=404)
    return session.get(SharingGroup, view.id)


def list_sharing_groups(session: Session) -> list[SharingGroup]:
    return list(session.scalars(select(SharingGroup).order_by(SharingGroup.name)))


# --- collections ---------------------------------------------------------------------------------------------------
def ensure_collection(session: Session, collection_id: str = DEFAULT_COLLECTION_ID, title: str = "Shared intelligence",
                      description: str = "Default collection", default_tlp: str = "AMBER") -> Collection:
    coll = session.get(Collection, collection_id)
    if coll is None:
        coll = Collection(id=collection_id, title=title, description=description, default_tlp=default_tlp,
                          open_read=True, open_write=True)
        session.add(coll)
        session.flush()
    return coll


def create_collection(session: Session, actor: Principal, title: str, description: str = "",
                      default_tlp: str = "AMBER", open_read: bool = True, open_write: bool = True,
                      collection_id: str | None = None) -> Collection:
    if actor.via != "system":
        policy.require(actor, "admin.manage")
    coll = Collection(id=collection_id or str(uuid.uuid4()), title=title, description=description,
                      default_tlp=core.normalise_tlp(default_tlp), open_read=open_read, open_write=open_write)
    session.add(coll)
    session.flush()
    audit.record(session, actor, "intel.collection.create", "intel_collection", coll.id, detail={"title": title})
    return coll


def grant(session: Session, collection_id: str, agency_id: int, can_read: bool, can_write: bool) -> None:
    row = session.get(CollectionAccess, (collection_id, agency_id))
    if row is None:
        session.add(CollectionAccess(collection_id=collection_id, agency_id=agency_id, can_read=can_read,
                                     can_write=can_write))
    else:
        row.can_read, row.can_write = can_read, can_write
    session.flush()


def collection_with_rights(session: Session, principal: Principal,
                           collection_id: str) -> tuple[Collection | None, bool, bool]:
    """The collection and the caller's (read, write) rights on it, in one query (the TAXII hot path)."""
    row = session.execute(select(Collection, CollectionAccess).outerjoin(
        CollectionAccess, and_(CollectionAccess.collection_id == Collection.id,
                               CollectionAccess.agency_id == principal.agency_id))
        .where(Collection.id == collection_id)).first()
    if row is None:
        return None, False, False
    return row[0], *collection_rights(session, principal, row[0], grant_row=row[1])


_LOOK_UP = object()


def collection_rights(session: Session, principal: Principal, coll: Collection,
                      grant_row=_LOOK_UP) -> tuple[bool, bool]:
    if principal.via == "system":
        return True, True
    read_ok = policy.allowed(principal, "intel.read")
    write_ok = policy.allowed(principal, "intel.write")
    if grant_row is _LOOK_UP:
        grant_row = session.get(CollectionAccess, (coll.id, principal.agency_id))
    can_read = read_ok and (coll.open_read or bool(grant_row and grant_row.can_read))
    can_write = write_ok and (coll.open_write or bool(grant_row and grant_row.can_write))
    return can_read, can_write


def readable_collection_clause(principal: Principal, collection_id: str):
    """SQL twin of the read half of ``collection_rights`` for one collection (a test checks they agree)."""
    if principal.via == "system":
        return true()
    if not policy.allowed(principal, "intel.read"):
        return false()
    grants, collections = CollectionAccess.__table__.c, Collection.__table__.c
    granted = select(grants.collection_id).where(grants.collection_id == collection_id,
                                                 grants.agency_id == principal.agency_id, grants.can_read.is_(True))
    return exists(select(collections.id).where(collections.id == collection_id,
                                               or_(collections.open_read.is_(True), exists(granted))))


def list_collections(session: Session, principal: Principal) -> list[tuple[Collection, bool, bool]]:
    policy.require(principal, "intel.read")
    out = []
    for coll in session.scalars(select(Collection).order_by(Collection.created_at, Collection.id)):
        r, w = collection_rights(session, principal, coll)
        if r or w:
            out.append((coll, r, w))
    return out


def get_collection(session: Session, principal: Principal, collection_id: str, write: bool = False) -> Collection:
    coll = get_or_404(session, Collection, collection_id, f"No collection {collection_id}")
    r, w = collection_rights(session, principal, coll)
    if not (r or w):
        raise NotFound(f"No collection {collection_id}")
    if write and not w:
        raise Forbidden("You may not write to this collection")
    if not write and not r:
        raise Forbidden("You may not read this collection")
    return coll


# --- ingest --------------------------------------------------------------------------------------------------------
@dataclass
class IngestReport:
    total: int = 0
    stored: int = 0
    duplicates: int = 0
    successes: list[dict[str, str]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


class BundleSource:
    """A bundle that is read incrementally: ``bundle_objects`` yields its objects one at a time (ijson)."""

    def __init__(self, stream: IO[bytes], max_objects: int | None = None):
        self.stream = stream
        self.max_objects = max_objects


def parse_bundle_bytes(raw: bytes, max_objects: int | None = None) -> BundleSource:
    """Wrap a request body for incremental parsing. Nothing is parsed yet: ``bundle_objects`` builds one object at
    a time, and a malformed body (400) or one object too many (413) raises while the objects are being stored —
    inside the caller's transaction, which then rolls back, so nothing is kept."""
    if len(raw) > MAX_BUNDLE_BYTES:
        raise Problem(413, f"Bundle of {len(raw)} bytes; at most {MAX_BUNDLE_BYTES} bytes are accepted")
    return BundleSource(io.BytesIO(raw), max_objects)


def bundle_objects(data: Any, max_objects: int | None = None) -> Iterable[Any]:
    """The objects of a bundle or TAXII envelope: lazily for a ``BundleSource`` (bytes or a file), or the list of
    an already parsed dict."""
    if isinstance(data, BundleSource):
        return iter_bundle(data.stream, max_objects or data.max_objects)
    max_objects = max_objects or MAX_BUNDLE_OBJECTS
    if not isinstance(data, dict):
        raise BadRequest("Expected a STIX bundle or TAXII envelope (a JSON object)")
    if "type" in data and data["type"] != "bundle":
        raise BadRequest(f"Expected type 'bundle', got {data['type']!r}")
    objects = data.get("objects")
    if objects is None:
        objects = []
    if not isinstance(objects, list):
        raise BadRequest("'objects' must be a list")
    if len(objects) > max_objects:
        raise Problem(413, f"Bundle has {len(objects)} objects; at most {max_objects} are accepted per request")
    return objects


def iter_bundle(stream: IO[bytes], max_objects: int | None = None) -> Iterator[Any]:
    """Yield the objects of a STIX bundle / TAXII envelope read from a binary stream, one at a time.

    Only the object being built is held in memory. The top level must be a JSON object; ``type``, if present, must
    be "bundle"; ``objects`` must be a list (or null). Malformed JSON anywhere (also after the last object) raises
    400, more than ``max_objects`` objects 413 — possibly after earlier objects were yielded, so callers consume
    this inside one transaction."""
    limit = max_objects or MAX_BUNDLE_OBJECTS
    try:
        yield from _walk_bundle(ijson.parse(stream, use_float=True), limit)
    except ijson.JSONError as exc:
        raise BadRequest(f"Malformed JSON: {_ijson_message(exc)}") from None
    except UnicodeDecodeError as exc:
        raise BadRequest(f"Malformed JSON: {exc}") from None


def _ijson_message(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).strip().splitlines()[0][:200] if str(text).strip() else "invalid JSON"


def _walk_bundle(events: Iterator[tuple[str, str, Any]], limit: int) -> Iterator[Any]:
    first = next(events, None)
    if first is None:
        raise BadRequest("Malformed JSON: empty body")
    if first[1] != "start_map":
        raise BadRequest("Expected a STIX bundle or TAXII envelope (a JSON object)")
    count, key, seen = 0, None, set()
    for _prefix, event, value in events:
        if event == "end_map":
            break
        if event == "map_key":
            key = value
            if key in seen and key in ("type", "objects"):
                raise BadRequest(f"Duplicate key {key!r} in the bundle")
            seen.add(key)
            continue
        if key == "type" and (event != "string" or value != "bundle"):
            raise BadRequest(f"Expected type 'bundle', got {value if event == 'string' else event!r}")
        if key == "objects":
            if event == "null":
                continue
            if event != "start_array":
                raise BadRequest("'objects' must be a list")
            for obj in _array_items(events):
                count += 1
                if count > limit:
                    raise Problem(413, f"Bundle has more than {limit} objects; at most {limit} are accepted per "
                                       "request")
                yield obj
        elif event in ("start_map", "start_array"):
            _skip_value(events)
    for _ in events:  # the rest must be well formed too (trailing garbage raises)
        pass


def _array_items(events: Iterator[tuple[str, str, Any]]) -> Iterator[Any]:
    for _prefix, event, value in events:
        if event == "end_array":
            return
        if event in ("start_map", "start_array"):
            builder = ijson.ObjectBuilder()
            builder.event(event, value)
            depth = 1
            for _p, ev, val in events:
                builder.event(ev, val)
                if ev in ("start_map", "start_array"):
                    depth += 1
                elif ev in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        break
            yield builder.value
        else:
            yield value  # a scalar where an object belongs: validation reports it


def _skip_value(events: Iterator[tuple[str, str, Any]]) -> None:
    depth = 1
    for _p, ev, _v in events:
        if ev in ("start_map", "start_array"):
            depth += 1
        elif ev in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return

def _agency_identity(session: Session, principal: Principal) -> dict[str, Any]:
    agency = session.get(Agency, principal.agency_id)
    code = agency.code if agency else principal.agency_code
    name = agency.name if agency else principal.agency_code
    ts = "2020-01-01T00:00:00.000Z"
    return {"type": "identity", "spec_version": "2.1", "id": core.agency_identity_id(code), "created": ts,
            "modified": ts, "name": name, "identity_class": "organization",
            "object_marking_refs": [core.TLP_MARKING_ID["CLEAR"]]}


def ingest(session: Session, principal: Principal, objects: Iterable[Any], collection_id: str,
           default_tlp: str | None = None, sharing_group_id: int | None = None, upgrade: bool = True,
           source: str = "api") -> IngestReport:
    """Validate every object, then keep all of them or none. Returns the report; on any failure nothing is kept
    and ``report.ok`` is False (callers turn that into a 400 or a TAXII status).

    ``objects`` may be a list or an iterator (``bundle_objects`` of a streamed bundle). They are validated and
    written ``INGEST_BATCH`` at a time, so memory is bounded by a batch, not by the bundle; for the whole bundle only
    ids and versions are kept (dedup, dangling references, latest flags, the report). A row whose id has no other
    version is written as the latest; flags of ids with several versions are recomputed, and the audit row is
    written, only after the last object passed. When an object
    fails, writing stops (the rest is still validated, to report every failure) and the rows this call wrote are
    deleted again; a Problem raised while reading the stream (malformed JSON, too many objects) deletes them too
    before it propagates (and the caller's transaction rolls back)."""
    coll = get_collection(session, principal, collection_id, write=True)
    if principal.via != "system":
        policy.require(principal, "intel.write")
    tlp_default = core.normalise_tlp(default_tlp or coll.default_tlp)
    if sharing_group_id is not None and session.get(SharingGroup, sharing_group_id) is None:
        raise BadRequest(f"No sharing group {sharing_group_id}")
    run = _IngestRun(session, principal, coll, tlp_default, sharing_group_id, upgrade)
    try:
        batch: list[tuple[int, Any]] = []
        for index, obj in enumerate(objects):
            batch.append((index, obj))
            if len(batch) >= INGEST_BATCH:
                run.add(batch)
                batch = []
        run.add(batch)
    except Problem:
        run.discard()
        raise
    report = run.finish()
    if report.ok:
        audit.record(session, principal, "intel.ingest", "intel_collection", coll.id,
                     detail={"source": source, "total": report.total, "stored": report.stored,
                             "duplicates": report.duplicates})
    return report


ANALYZE_AFTER = 5000  # stored objects


def _refresh_planner_statistics(session: Session, stored: int) -> bool:
    """After a bulk insert, PostgreSQL's planner still believes the table is as small as before until autovacuum
    gets to it: the ingest's own latest-flag updates then plan scans of the whole table per row (a 25,000-object
    bundle took 25 s instead of 10 s), and TAXII pages get bitmap scans that sort a whole collection (21 ms instead
    of 0.3 ms per page of 100). ANALYZE is allowed inside the transaction, sees its rows, and samples, so it costs
    well under a second."""
    if stored >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE intel_objects"))
        return True
    return False


class _IngestRun:
    """The state of one ingest across its batches (see ``ingest``)."""

    def __init__(self, session: Session, principal: Principal, coll: Collection, tlp_default: str,
                 sharing_group_id: int | None, upgrade: bool):
        self.session, self.principal, self.coll = session, principal, coll
        self.tlp_default, self.sharing_group_id, self.upgrade = tlp_default, sharing_group_id, upgrade
        self.report = IngestReport()
        self.in_bundle: set[str] = set()
        self.versions: list[tuple[str, str]] = []  # (id, version) of every valid object, for "not stored"
        self.wanted: dict[str, list[tuple[str, str]]] = {}  # ref -> [(object id, property)]
        self.inserted: list[int] = []
        self.touched: set[str] = set()  # ids whose latest flag must be recomputed at the end
        self.stored_ids: set[str] = set()
        self.identity = _agency_identity(session, principal) if principal.via != "system" else None
        self.identity_used = False
        self.owner = principal.agency_id if principal.via != "system" else _system_agency(session)
        self.now = utcnow()
        last_added = aware(session.scalar(select(func.max(StixObject.date_added))))
        self.base = max(self.now, last_added + timedelta(microseconds=1)) if last_added else self.now
        self.step = 0
        self.analyzed = False

    def add(self, batch: list[tuple[int, Any]]) -> None:
        report = self.report
        prepared: list[dict[str, Any]] = []
        for index, obj in batch:
            report.total += 1
            if self.upgrade:
                obj = core.upgrade_object(obj)
            errors = core.validate_object(obj)
            oid = obj.get("id", f"objects[{index}]") if isinstance(obj, dict) else f"objects[{index}]"
            if errors:
                report.failures.append({"id": str(oid), "version": str(obj.get("modified", ""))
                                        if isinstance(obj, dict) else "", "message": "; ".join(errors)})
                continue
            prepared.append(obj)
            self.in_bundle.add(obj["id"])
            self.versions.append((obj["id"], obj.get("modified", obj.get("created", ""))))
            for prop in core.REQUIRED_REFS.get(obj["type"], ()):
                ref = obj.get(prop)
                if isinstance(ref, str) and ref not in self.in_bundle:
                    self.wanted.setdefault(ref, []).append((obj["id"], prop))
        if report.failures or not prepared:
            return  # after a failure the rest is only validated
        if self.identity is not None:
            ident = self.identity["id"]
            for o in prepared:
                if o["type"] not in core.SCO and not o.get("created_by_ref") and o["id"] != ident:
                    o["created_by_ref"] = ident
                    self.identity_used = True
        self._store(prepared)

    def _store(self, prepared: list[dict[str, Any]], agency_identity: bool = False) -> None:
        report, coll = self.report, self.coll
        ids = list({o["id"] for o in prepared})
        existing: set[tuple[str, datetime]] = set()
        for i in range(0, len(ids), CHUNK):
            for sid, mod in self.session.execute(
                    select(StixObject.stix_id, StixObject.modified)
                    .where(StixObject.collection_id == coll.id, StixObject.stix_id.in_(ids[i:i + CHUNK]))):
                existing.add((sid, aware(mod)))
        stored_before = {sid for sid, _ in existing} | self.stored_ids
        rows: list[dict[str, Any]] = []
        for o in prepared:
            version_text = o.get("modified") or o.get("created")
            modified = core.parse_timestamp(version_text) if version_text else self.now
            key = (o["id"], modified)
            if key in existing:
                if not agency_identity:
                    report.duplicates += 1
                    report.successes.append({"id": o["id"], "version": version_text or ""})
                continue
            existing.add(key)
            tlp = core.tlp_of(o, self.tlp_default)
            core.add_tlp_marking(o, tlp)  # unmarked objects carry the level they were stored at
            created = core.parse_timestamp(o["created"]) if o.get("created") else None
            labels = o.get("labels") if isinstance(o.get("labels"), list) else []
            rows.append({
                "stix_id": o["id"], "stix_type": o["type"], "spec_version": o.get("spec_version", "2.1"),
                "created": created, "modified": modified,
                "modified_text": version_text or core.format_timestamp(self.now),
                # the only version so far is the latest; ids with other versions are recomputed in finish()
                "revoked": bool(o.get("revoked")), "is_latest": o["id"] not in stored_before,
                "tlp": tlp, "owner_agency_id": self.owner,
                "sharing_group_id": self.sharing_group_id, "collection_id": coll.id,
                "date_added": self.base + timedelta(microseconds=self.step), "name": core.display_name(o),
                "labels": " ".join(str(x) for x in labels)[:5000],
                "body": json.dumps(o, ensure_ascii=False, separators=(",", ":")),
                "search_text": core.search_text(o), "added_by": self.principal.username,
            })
            self.step += 1
            if o["id"] in stored_before:
                self.touched.add(o["id"])
            stored_before.add(o["id"])
            self.stored_ids.add(o["id"])
            if not agency_identity:
                report.successes.append({"id": o["id"], "version": version_text or ""})
                report.new_ids.append(o["id"])
        table = StixObject.__table__
        for i in range(0, len(rows), 2000):
            self.inserted.extend(self.session.execute(insert(table).returning(table.c.id), rows[i:i + 2000])
                                 .scalars())
        if not self.analyzed and len(self.inserted) >= ANALYZE_AFTER:
            # once, midway through a big bundle: the duplicate checks of the later batches then use the index
            self.analyzed = _refresh_planner_statistics(self.session, len(self.inserted))

    def discard(self) -> None:
        """Delete the rows this run wrote (nothing else was changed yet)."""
        for i in range(0, len(self.inserted), CHUNK):
            self.session.execute(delete(StixObject.__table__).where(
                StixObject.__table__.c.id.in_(self.inserted[i:i + CHUNK])))
        self.inserted.clear()

    def finish(self) -> IngestReport:
        report, session = self.report, self.session
        # Dangling references: relationship/sighting ends must be in the bundle or already readable in the store.
        wanted = {ref: users for ref, users in self.wanted.items() if ref not in self.in_bundle}
        if wanted and not report.failures:
            found: set[str] = set()
            refs = list(wanted)
            vis = visible(session, self.principal)
            for i in range(0, len(refs), CHUNK):
                found.update(session.scalars(select(StixObject.stix_id).where(
                    StixObject.stix_id.in_(refs[i:i + CHUNK]), vis).distinct()))
            for ref, users in wanted.items():
                if ref not in found:
                    for oid, prop in users:
                        report.failures.append({"id": oid, "message": f"dangling reference: {prop} {ref} is "
                                                                      "neither in the bundle nor in the store"})
        if report.failures:
            self.discard()
            failed = {f["id"] for f in report.failures}
            for oid, version in self.versions:
                if oid not in failed:
                    report.failures.append({"id": oid, "version": version,
                                            "message": "not stored: other objects in the same bundle were rejected"})
            report.successes, report.new_ids, report.duplicates = [], [], 0
            return report
        if self.identity_used and self.identity is not None and self.identity["id"] not in self.in_bundle:
            self._store([self.identity], agency_identity=True)
        _refresh_planner_statistics(session, len(self.inserted))  # before the flag updates below plan their scans
        # Latest flags: per id, the version with the greatest `modified` in this collection.
        table = StixObject.__table__
        other = table.alias("v2")
        newest = (select(func.max(other.c.modified))
                  .where(other.c.collection_id == table.c.collection_id, other.c.stix_id == table.c.stix_id)
                  .scalar_subquery())
        touched = sorted(self.touched)
        for i in range(0, len(touched), CHUNK):
            part = touched[i:i + CHUNK]
            session.execute(update(table).where(table.c.collection_id == self.coll.id, table.c.stix_id.in_(part),
                                                table.c.is_latest.is_(True)).values(is_latest=False))
            session.execute(update(table).where(table.c.collection_id == self.coll.id, table.c.stix_id.in_(part),
                                                table.c.modified == newest).values(is_latest=True))
        report.stored = len(self.inserted)
        session.flush()
        return report


def _system_agency(session: Session) -> int:
    agency_id = session.scalar(select(Agency.id).order_by(Agency.id).limit(1))
    if agency_id is None:
        raise BadRequest("No agency exists to own system-imported intelligence")
    return agency_id


def ingest_or_raise(session: Session, principal: Principal, objects: list[Any], collection_id: str,
                    **kwargs) -> IngestReport:
    report = ingest(session, principal, objects, collection_id, **kwargs)
    if not report.ok:
        raise Problem(400, f"{sum(1 for f in report.failures if not f['message'].startswith('not stored'))} "
                           f"of {report.total} objects were rejected; nothing was stored",
                      title="Invalid STIX bundle", extra={"errors": report.failures[:1000]})
    return report


# --- reads ---------------------------------------------------------------------------------------------------------
def loads(row: StixObject) -> dict[str, Any]:
    return json.loads(row.body)


@dataclass
class SearchFilter:
    q: str = ""
    types: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    created_from: datetime | None = None
    created_to: datetime | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    related_to: str = ""
    collection_id: str = ""
    tlp: str = ""


def search_stmt(session: Session, principal: Principal, flt: SearchFilter):
    policy.require(principal, "intel.read") if principal.via != "system" else None
    stmt = select(StixObject).where(StixObject.is_latest.is_(True), visible(session, principal))
    readable = [c.id for c, r, _w in list_collections(session, principal) if r]
    stmt = stmt.where(StixObject.collection_id.in_(readable))
    if flt.collection_id:
        stmt = stmt.where(StixObject.collection_id == flt.collection_id)
    if flt.types:
        stmt = stmt.where(StixObject.stix_type.in_(flt.types))
    for word in (flt.q or "").lower().split():
        stmt = stmt.where(or_(StixObject.search_text.contains(word, autoescape=True),
                              StixObject.stix_id == word))
    for label in flt.labels:
        stmt = stmt.where(StixObject.labels.contains(label, autoescape=True))
    if flt.tlp:
        stmt = stmt.where(StixObject.tlp == core.normalise_tlp(flt.tlp))
    if flt.created_from:
        stmt = stmt.where(StixObject.created >= flt.created_from)
    if flt.created_to:
        stmt = stmt.where(StixObject.created <= flt.created_to)
    if flt.modified_from:
        stmt = stmt.where(StixObject.modified >= flt.modified_from)
    if flt.modified_to:
        stmt = stmt.where(StixObject.modified <= flt.modified_to)
    if flt.related_to:
        stmt = stmt.where(StixObject.body.contains(f'"{flt.related_to}"', autoescape=True),
                          StixObject.stix_id != flt.related_to)
    return stmt


def search(session: Session, principal: Principal, flt: SearchFilter, cursor: str | None, limit: int):
    from vigil.platform.pagination import paginate

    return paginate(session, search_stmt(session, principal, flt), StixObject.id, cursor, limit)


def count_by_type(session: Session, principal: Principal, flt: SearchFilter | None = None) -> dict[str, int]:
    stmt = search_stmt(session, principal, flt or SearchFilter()).subquery()
    rows = session.execute(select(stmt.c.stix_type, func.count()).group_by(stmt.c.stix_type))
    return {t: n for t, n in rows}


def versions(session: Session, principal: Principal, stix_id: str, collection_id: str | None = None
             ) -> list[StixObject]:
    if principal.via != "system":
        policy.require(principal, "intel.read")
    readable = [c.id for c, r, _w in list_collections(session, principal) if r]
    stmt = select(StixObject).where(StixObject.stix_id == stix_id, visible(session, principal),
                                    StixObject.collection_id.in_(readable))
    if collection_id:
        stmt = stmt.where(StixObject.collection_id == collection_id)
    return list(session.scalars(stmt.order_by(StixObject.modified, StixObject.id)))


def get_latest(session: Session, principal: Principal, stix_id: str) -> StixObject:
    rows = versions(session, principal, stix_id)
    if not rows:
        raise NotFound(f"No object {stix_id}")
    latest = [r for r in rows if r.is_latest] or rows
    return latest[-1]


def related(session: Session, principal: Principal, stix_id: str, limit: int = 200) -> list[StixObject]:
    stmt = search_stmt(session, principal, SearchFilter(related_to=stix_id)).order_by(StixObject.id).limit(limit)
    return list(session.scalars(stmt))


def export_bundle(session: Session, principal: Principal, flt: SearchFilter, max_objects: int = 50_000
                  ) -> dict[str, Any]:
    stmt = search_stmt(session, principal, flt).order_by(StixObject.id).limit(max_objects)
    objects = [loads(r) for r in session.scalars(stmt)]
    audit.record(session, principal, "intel.export", "intel_bundle", "", detail={"objects": len(objects)})
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


# --- TAXII queries -------------------------------------------------------------------------------------------------
@dataclass
class TaxiiQuery:
    types: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=lambda: ["last"])
    spec_versions: list[str] = field(default_factory=list)
    added_after: datetime | None = None
    after_row: int = 0
    limit: int = 100


# TAXII statements are built from table columns, not ORM attributes: they then take SQLAlchemy's Core path,
# without the ORM compile and result machinery that was a fifth of a page's cost.
_T = StixObject.__table__.c
#: What a TAXII page needs of each row; selecting only these columns (not ORM objects) keeps a page of 100 cheap.
PAGE_COLUMNS = (_T.id, _T.stix_id, _T.date_added, _T.modified_text, _T.body)


def taxii_stmt(session: Session, principal: Principal, collection_id: str, q: TaxiiQuery,
               stix_id: str | None = None, columns=(StixObject,)):
    stmt = select(*columns).where(_T.collection_id == collection_id, visible(session, principal, _T))
    if stix_id:
        stmt = stmt.where(_T.stix_id == stix_id)
    if q.ids:
        stmt = stmt.where(_T.stix_id.in_(q.ids))
    if q.types:
        stmt = stmt.where(_T.stix_type.in_(q.types))
    if q.spec_versions:
        stmt = stmt.where(_T.spec_version.in_(q.spec_versions))
    if q.added_after:
        stmt = stmt.where(_T.date_added > q.added_after)
    if q.after_row:
        stmt = stmt.where(_T.id > q.after_row)
    if "all" not in q.versions:
        alt = []
        other = StixObject.__table__.alias("v2")
        for v in q.versions:
            if v == "last":
                alt.append(_T.is_latest.is_(True))
            elif v == "first":
                first = (select(func.min(other.c.modified)).where(other.c.collection_id == _T.collection_id,
                                                                  other.c.stix_id == _T.stix_id)
                         .scalar_subquery())
                alt.append(_T.modified == first)
            else:
                try:
                    alt.append(_T.modified == core.parse_timestamp(v))
                except ValueError as exc:
                    raise BadRequest(f"match[version]: {exc}") from exc
        stmt = stmt.where(or_(*alt))
    return stmt


def taxii_page(session: Session, principal: Principal, collection_id: str, q: TaxiiQuery,
               stix_id: str | None = None, check_read: bool = False) -> tuple[list, bool]:
    """Rows (id, stix_id, date_added, modified_text, body) of one page, and whether more follow.

    With ``check_read`` the caller's right to read the collection is part of the same query, so a page costs one
    round trip; an empty page then does not say why (no such collection, no right, or no rows), and the caller
    asks ``collection_with_rights`` when it needs to know."""
    stmt = taxii_stmt(session, principal, collection_id, q, stix_id, PAGE_COLUMNS)
    if check_read:
        stmt = stmt.where(readable_collection_clause(principal, collection_id))
    rows = session.execute(stmt.order_by(_T.id).limit(q.limit + 1)).all()
    return rows[:q.limit], len(rows) > q.limit


def delete_object(session: Session, principal: Principal, coll: Collection, stix_id: str, q: TaxiiQuery) -> int:
    policy.require(principal, "intel.write")
    rows = list(session.scalars(taxii_stmt(session, principal, coll.id, q, stix_id)))
    if not rows:
        raise NotFound(f"No object {stix_id}")
    if any(r.owner_agency_id != principal.agency_id for r in rows):
        raise Forbidden("Only the owning agency may delete this object")
    session.execute(delete(StixObject).where(StixObject.id.in_([r.id for r in rows])))
    remaining = session.scalars(select(StixObject).where(StixObject.collection_id == coll.id,
                                                         StixObject.stix_id == stix_id)
                                .order_by(StixObject.modified.desc())).first()
    if remaining is not None and not remaining.is_latest:
        remaining.is_latest = True
    audit.record(session, principal, "intel.delete", "stix_object", stix_id,
                 detail={"collection": coll.id, "versions": len(rows)})
    session.flush()
    return len(rows)


def save_status(session: Session, principal: Principal, body: dict[str, Any]) -> None:
    session.add(TaxiiStatus(id=body["id"], agency_id=principal.agency_id, body=json.dumps(body)))
    session.flush()


def get_status(session: Session, principal: Principal, status_id: str) -> dict[str, Any]:
    row = session.get(TaxiiStatus, status_id)
    if row is None or (row.agency_id != principal.agency_id and principal.via != "system"):
        raise NotFound(f"No status {status_id}")
    return json.loads(row.body)
