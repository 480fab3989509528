"""Between the pure ledger (core/) and the tables: load the part of the state a batch of records touches, write
what the batch queued, and walk the chain. Writers lock the chain's head row first, so on PostgreSQL concurrent
imports queue up behind one another and each loads the state its predecessor committed; SQLite's write lock does
the same."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from hashlib import sha256
from typing import Any

import orjson
from sqlalchemy import String, func, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Dialect

from vigil.ledger.core.ledger import CLASS_ONE, Holder, Ledger, Licence, Site, Transit
from vigil.ledger.core.ledger import Item as CoreItem
from vigil.ledger.models import (LedgerAlert, LedgerBalance, LedgerHead, LedgerHolder, LedgerItem, LedgerMovement,
                                 LedgerSite, LedgerTransit)
from vigil.platform import clock
from vigil.platform.chain import GENESIS, canonical_time, fast_chain_hash
from vigil.platform.database import UtcDateTime

MOVEMENTS = LedgerMovement.__table__
HASHED = ("seq", "id", "at", "kind", "holder", "site", "item", "item_class", "delta", "to_holder", "to_site",
          "dispatch", "corrects", "detail", "prev_hash")


def movement_hash(row: dict[str, Any]) -> str:
    return fast_chain_hash([canonical_time(v) if k == "at" else v for k, v in ((k, row[k]) for k in HASHED)])


def chunks(values: Iterable, size: int = 5000) -> Iterator[list]:
    batch = []
    for v in values:
        batch.append(v)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def lock_head(conn: Connection) -> tuple[int, str]:
    """Take the chain's lock (an UPDATE locks the row on PostgreSQL and takes SQLite's write lock) and read it."""
    if conn.execute(update(LedgerHead).where(LedgerHead.id == 1).values(count=LedgerHead.count)).rowcount == 0:
        conn.execute(insert(LedgerHead).values(id=1, count=0, last_hash=GENESIS))
    head = conn.execute(select(LedgerHead.count, LedgerHead.last_hash).where(LedgerHead.id == 1)).one()
    return head[0], head[1]


def roomy_cache(conn: Connection) -> None:
    """SQLite: a page cache big enough for what a large import changes (the default 2 MB made every index insert of a
    million-row import read pages back from the file; a million movements change ~500 MB of pages, more than the
    256 MB used before, past which SQLite spills uncommitted pages to the write-ahead log). An upper bound: pages are
    taken as needed."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -1048576")


def holder_of(row: LedgerHolder) -> Holder:
    return Holder(row.id, row.name, row.kind, Licence(row.licence_number, frozenset(row.classes.split(",")),
                                                      row.valid_from, row.valid_to, json.loads(row.max_quantities)))


def site_of(row: LedgerSite) -> Site:
    return Site(row.id, row.holder_id, row.capacity, frozenset(row.groups), row.name)


def item_of(row: LedgerItem) -> CoreItem:
    return CoreItem(row.key, row.item_class, row.unit, row.un_number, row.division, row.compat_group, row.make,
                    row.model, row.calibre)


class Loader:
    """Fills a Ledger with stored rows on demand; never overwrites what the ledger changed in memory."""

    def __init__(self, conn: Connection, ledger: Ledger, empty_chain: bool = False,
                 before_read: Callable[[], None] = lambda: None):
        self.conn, self.ledger = conn, ledger
        self.before_read = before_read  # called before the loader reads (the writer's thread may hold the connection)
        # No movement yet: no items, balances, transits or purchases to look up (the first load of a ledger).
        self.empty_chain = empty_chain
        self.holders: set[str] = set()
        self.sites: set[str] = set()
        self.items: set[str] = set()
        self.transits: set[str] = set()
        self.ids: set[str] = set()
        self.usage: set[str] = set()  # sites whose stored goods are loaded

    def _new(self, seen: set[str], wanted: list[Any]) -> list[str]:
        try:
            fresh = set(wanted) - seen  # the usual case: the same few keys over and over, most of them seen
        except TypeError:  # a list or an object where a key belongs
            fresh = {w for w in wanted if not isinstance(w, (list, dict))} - seen
        fresh = {w for w in fresh if type(w) is str and w}  # malformed values are the rules' job
        seen |= fresh
        return sorted(fresh)

    def prefetch(self, records: list[Any]) -> None:
        keys = self._keys(records)
        if not self.empty_chain:  # on an empty chain only holders and sites can be stored already
            self._movement_ids(self._new(self.ids, keys.ids))
            keys.items += self._transits(self._new(self.transits, keys.refs))
            self._items(self._new(self.items, keys.items))
        self._holders(self._new(self.holders, keys.holders))
        self._sites(self._new(self.sites, keys.sites))

    def _keys(self, records: list[Any]) -> Keys:
        """The keys the records name, in one pass over them (a pass per kind of key cost ~2% of a large import)."""
        keys, chained = Keys(), not self.empty_chain
        holders, sites = keys.holders, keys.sites
        for r in records:
            if not isinstance(r, dict):
                continue  # the rules' to refuse
            kind = r.get("type")
            if kind == "movement":
                holders += (r.get("holder"), r.get("to"))
                sites += (r.get("site"), r.get("to_site"))
                if chained:
                    keys.movement(r)
            elif kind == "holder":
                holders.append(r.get("id"))
            elif kind == "site":
                holders.append(r.get("holder"))
                sites.append(r.get("id"))
        return keys

    @property
    def db(self) -> Connection:
        """The connection, once the writer's thread is done with it."""
        self.before_read()
        return self.conn

    def _movement_ids(self, ids: list[str]) -> None:
        for part in chunks(ids):
            self.ledger.ids.update(self.db.scalars(select(LedgerMovement.id).where(LedgerMovement.id.in_(part))))

    def _transits(self, refs: list[str]) -> list[str]:
        keys = []
        for part in chunks(refs):
            for row in self.db.execute(select(LedgerTransit.__table__).where(LedgerTransit.dispatch.in_(part))):
                if row.dispatch not in self.ledger.transits:
                    keys.append(row.item)
                    self.ledger.transits[row.dispatch] = transit_of(row)
        return keys

    def _items(self, keys: list[str]) -> None:
        led = self.ledger
        for part in chunks(keys):
            for row in self.db.execute(select(LedgerItem.__table__).where(LedgerItem.key.in_(part))):
                led.items[row.key] = item_of(row)
            for row in self.db.execute(select(LedgerBalance.__table__).where(LedgerBalance.item.in_(part))):
                led.load_balance(row.holder, row.site, row.item, row.amount, row.last_at)
            open_transits = select(LedgerTransit.__table__).where(LedgerTransit.item.in_(part),
                                                        LedgerTransit.confirmed_by.is_(None))
            for row in self.db.execute(open_transits):
                if row.dispatch in led.transits:
                    led.item_total[row.item] += row.amount  # loaded by reference, before its item
                else:
                    led.load_transit(transit_of(row))
                self.transits.add(row.dispatch)

    def _holders(self, ids: list[str]) -> None:
        led = self.ledger
        for part in chunks(ids):
            for row in self.db.execute(select(LedgerHolder.__table__).where(LedgerHolder.id.in_(part))):
                led.load_holder(holder_of(row))
            for row in self.db.execute(select(LedgerSite.__table__).where(LedgerSite.holder_id.in_(part))):
                self._site(row)
            led.raised.update(self.db.scalars(select(LedgerAlert.key).where(
                LedgerAlert.holder.in_(part), LedgerAlert.kind == "licence_expiring")))
            if self.empty_chain:
                continue
            totals = (select(LedgerBalance.holder, LedgerItem.item_class, func.sum(LedgerBalance.amount))
                      .join(LedgerItem, LedgerItem.key == LedgerBalance.item)
                      .where(LedgerBalance.holder.in_(part)).group_by(LedgerBalance.holder, LedgerItem.item_class))
            for holder, cls, amount in self.db.execute(totals):
                led.class_total[(holder, cls)] += int(amount or 0)
            purchases = (select(LedgerMovement.holder, LedgerItem.un_number, LedgerMovement.at, LedgerMovement.delta)
                         .join(LedgerItem, LedgerItem.key == LedgerMovement.item)
                         .where(LedgerMovement.holder.in_(part), LedgerMovement.item_class == "precursor",
                                LedgerMovement.kind.in_(("receipt", "confirm")))
                         .order_by(LedgerMovement.at, LedgerMovement.seq))
            for holder, number, at, delta in self.db.execute(purchases):
                led.purchases[(holder, number)].append((at, delta))

    def _sites(self, ids: list[str]) -> None:
        for part in chunks(ids):
            for row in self.db.execute(select(LedgerSite.__table__).where(LedgerSite.id.in_(part))):
                self._site(row)

    def _site(self, row: LedgerSite) -> None:
        led = self.ledger
        self.sites.add(row.id)
        if row.id not in led.sites:  # a site the ledger changed in memory keeps its new values
            led.load_site(site_of(row))
        if row.id in self.usage or self.empty_chain:
            return
        self.usage.add(row.id)
        usage = (select(LedgerItem.compat_group, LedgerItem.un_number, LedgerItem.unit, func.sum(LedgerBalance.amount))
                 .join(LedgerItem, LedgerItem.key == LedgerBalance.item)
                 .where(LedgerBalance.site == row.id, LedgerItem.item_class.in_(sorted(CLASS_ONE)))
                 .group_by(LedgerItem.compat_group, LedgerItem.un_number, LedgerItem.unit))
        for group, number, unit, amount in self.db.execute(usage):
            led.load_site_usage(row.id, group, number, int(amount or 0), unit)


@dataclass
class Keys:
    """What a batch of records names, malformed values included (Loader._new sorts them out)."""

    holders: list[Any] = field(default_factory=list)
    sites: list[Any] = field(default_factory=list)
    ids: list[Any] = field(default_factory=list)  # movement ids and the ids corrections name
    refs: list[Any] = field(default_factory=list)  # dispatches confirmations name
    items: list[Any] = field(default_factory=list)  # serials and lots

    def movement(self, r: dict) -> None:
        self.ids += (r.get("id"), r.get("corrects"))
        self.refs.append(r.get("dispatch"))
        spec = r.get("item")
        if isinstance(spec, dict):
            self.items += (spec.get("serial"), spec.get("lot"))


def transit_of(row) -> Transit:
    return Transit(row.dispatch, row.sender, row.site, row.receiver, row.item, row.amount, clock.as_utc(row.at),
                   clock.as_utc(row.planned_arrival) if row.planned_arrival else None, row.confirmed_by,
                   clock.as_utc(row.confirmed_at) if row.confirmed_at else None)


def _upsert(dialect: Dialect, table, rows: list, keys: list[str], update: bool = True,
            columns: list[str] | None = None) -> Statement | None:
    """One statement that inserts or updates all ``rows``, their values passed as a single JSON text the database
    unpacks (SQLite's json_each, PostgreSQL's jsonb_array_elements): no per-row work in Python beyond one orjson call,
    and none while the statement runs (SQLAlchemy's per-row processing cost as much as the ledger's rules on a
    million-row import; executemany binds row by row, holding the GIL). Times go to SQLite as SQLAlchemy writes them
    there (UTC, no offset). ``rows``: dicts, or lists of the values of ``columns``."""
    if not rows:
        return None
    if columns is None:
        columns = list(rows[0])
        values = [list(row.values()) for row in rows]
    else:
        values = rows
    names = ", ".join(f'"{c}"' for c in columns)
    changes = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in keys)
    conflict = f" ON CONFLICT ({', '.join(keys)}) " + (f"DO UPDATE SET {changes}" if changes and update
                                                        else "DO NOTHING")
    if dialect.name == "postgresql":
        # Arrays, not objects: no dict per row to build and no key names to write; text goes to its column by the
        # INSERT's own assignment (a too-long value fails as before), anything else through its type's input.
        picks = ", ".join(f"(x.value->>{i}){_pg_cast(table.c[c].type, dialect)}" for i, c in enumerate(columns))
        return (f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM jsonb_array_elements(%s::jsonb) AS x"
                + conflict, orjson.dumps(values).decode())
    times = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, UtcDateTime)]
    for value in values:
        for i in times:
            if value[i] is not None:
                value[i] = _sqlite_time(value[i])
    picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
    # WHERE true: SQLite's parser would otherwise read ON CONFLICT as a join constraint
    return f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM json_each(?) WHERE true" + conflict, \
        orjson.dumps(values).decode()


def _pg_cast(sql_type, dialect: Dialect) -> str:
    return "" if isinstance(sql_type, String) else f"::{sql_type.compile(dialect=dialect)}"


def _sqlite_time(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(" ", "microseconds")[:26]


Statement = tuple[str, Any]
Movements = tuple[list, list[str]]  # the rows (SQLite: values; PostgreSQL: hashed JSON arrays), their hashes


class Writer:
    """Writes what the ledger queued, chaining each movement onto the head.

    Between batches of an import, what a batch queued goes to the database on a second thread (``background``)
    while the rules go on with the next batch on this one: each table's rows are one statement whose values are one
    JSON text, so the database works without Python's GIL held and on the other core. Whoever uses the connection
    next calls ``wait`` first (the loader before it reads, the final flush, the service before it writes a
    rejection), so the two threads never use the connection at once; an error on the writer's thread surfaces there,
    and the caller's transaction rolls back as for any other."""

    def __init__(self, conn: Connection, head: tuple[int, str]):
        self.conn = conn
        self.driver = conn.connection.driver_connection  # what the writer's thread uses (sqlite3 or psycopg)
        self.count, self.last_hash = head
        self.sqlite = conn.dialect.name == "sqlite"
        self._thread: ThreadPoolExecutor | None = None
        self._job: Future | None = None

    def flush(self, ledger: Ledger, final: bool = True, background: bool = False) -> None:
        """Write what the ledger queued (movements and the rows derived from them, at their values now); with
        ``final``, also the chain's head. ``background``: on the writer's thread, returning at once."""
        p, dialect, now = ledger.pending, self.conn.dialect, clock.now()
        stock, last_at = ledger.stock, ledger.last_at
        movements = self._chain(p.movements)
        statements = [
            _upsert(dialect, LedgerHolder.__table__, [_holder_row(h, now) for h in p.holders.values()], ["id"]),
            _upsert(dialect, LedgerSite.__table__, [{"id": s.id, "holder_id": s.holder, "name": s.name,
                                                     "capacity": s.capacity, "groups": "".join(sorted(s.groups))}
                                                    for s in p.sites.values()], ["id"]),
            _upsert(dialect, LedgerItem.__table__, [_item_row(i) for i in p.items.values()], ["key"]),
            _upsert(dialect, LedgerBalance.__table__,
                    [[h, s, k, stock[(h, s, k)], last_at[(h, k)]] for h, s, k in p.balances],
                    ["holder", "site", "item"], columns=["holder", "site", "item", "amount", "last_at"]),
            _upsert(dialect, LedgerTransit.__table__, [_transit_row(t) for t in p.transits.values()], ["dispatch"]),
            _upsert(dialect, LedgerAlert.__table__, [{"key": a.key, "kind": a.kind, "holder": a.holder,
                                                      "subject": a.subject, "reason": a.reason[:1000],
                                                      "raised_at": now, "status": "open", "closed_by": ""}
                                                     for a in p.alerts], ["key"], update=False)]
        ledger.pending = type(p)()
        self.wait()
        if background and not final:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="vigil-ledger-writer")
            self._job = self._thread.submit(self._write, movements, statements)
            return
        self._write(movements, statements)
        if final:
            self.conn.execute(update(LedgerHead).where(LedgerHead.id == 1).values(count=self.count,
                                                                                  last_hash=self.last_hash))

    def wait(self) -> None:
        """Until what was handed to the writer's thread is stored; raises what went wrong there."""
        job, self._job = self._job, None
        if job is not None:
            job.result()

    def close(self) -> None:
        """Stop the writer's thread (after its current batch, whatever became of it)."""
        if self._thread is not None:
            if self._job is not None:
                futures_wait([self._job])
                self._job = None
            self._thread.shutdown()
            self._thread = None

    def _chain(self, movements: list[dict]) -> Movements:
        """The rows to store, each hashed onto the previous one."""
        rows, hashes = [], []
        sqlite_db, count, last_hash, dumps = self.sqlite, self.count, self.last_hash, orjson.dumps
        for m in movements:
            count += 1
            item = m["item"]
            detail = m.get("detail")
            at = m["at"]
            stamp = canonical_time(at)
            row = [count, m["id"], stamp, m["kind"], m["holder"], m["site"], item.key, item.cls, m["delta"],
                   m.get("to", ""), m.get("to_site", ""), m.get("dispatch", ""), m.get("corrects", ""),
                   dumps(detail, option=orjson.OPT_SORT_KEYS).decode() if detail else "{}", last_hash]
            payload = dumps(row)
            last_hash = sha256(payload).hexdigest()  # platform.chain.fast_chain_hash, inlined
            if sqlite_db:  # SQLite stores times as SQLAlchemy writes them there: UTC, space-separated, no offset.
                row[2] = f"{stamp[:10]} {stamp[11:26]}"
                row.append(last_hash)
                rows.append(row)
            else:  # PostgreSQL reads the hashed array itself: no second row to build (its time is a timestamptz)
                rows.append(orjson.Fragment(payload))
                hashes.append(last_hash)
        self.count, self.last_hash = count, last_hash
        return rows, hashes

    def _write(self, movements: Movements, statements: list[Statement | None]) -> None:
        cursor = self.driver.cursor()
        rows, hashes = movements
        if rows and not self.sqlite:
            cursor.execute(INSERT_JSONB, (orjson.dumps(rows).decode(), orjson.dumps(hashes).decode()))
        elif rows:
            cursor.execute(INSERT_JSON, (orjson.dumps(rows).decode(),))
        for statement in statements:
            if statement is not None:
                sql, values = statement
                cursor.execute(sql, (values,))


COLUMNS = HASHED + ("hash",)
INSERT_JSON = (f"INSERT INTO ledger_movements ({', '.join(COLUMNS)}) SELECT "
               + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(COLUMNS))) + " FROM json_each(?)")
# PostgreSQL: the hashed arrays and the list of their hashes, zipped by ROWS FROM (the i-th row with the i-th hash);
# each value cast as _upsert casts it, from its column's type.
_PG = postgresql.dialect()
INSERT_JSONB = (f"INSERT INTO ledger_movements ({', '.join(COLUMNS)}) SELECT "
                + ", ".join(f"(m->>{i}){_pg_cast(MOVEMENTS.c[c].type, _PG)}" for i, c in enumerate(HASHED))
                + ", h FROM ROWS FROM (jsonb_array_elements(%s::jsonb), json_array_elements_text(%s::json)) AS x(m, h)")


def _holder_row(h: Holder, now: datetime) -> dict:
    return {"id": h.id, "name": h.name, "kind": h.kind, "licence_number": h.licence.number,
            "classes": ",".join(sorted(h.licence.classes)), "valid_from": h.licence.valid_from,
            "valid_to": h.licence.valid_to, "max_quantities": json.dumps(h.licence.max_quantities, sort_keys=True),
            "updated_at": now}


def _item_row(i: CoreItem) -> dict:
    return {"key": i.key, "item_class": i.cls, "unit": i.unit, "un_number": i.un_number, "division": i.division,
            "compat_group": i.group, "make": i.make, "model": i.model, "calibre": i.calibre}


def _transit_row(t: Transit) -> dict:
    return {"dispatch": t.dispatch, "sender": t.sender, "site": t.site, "receiver": t.receiver, "item": t.item,
            "amount": t.amount, "at": t.at, "planned_arrival": t.planned_arrival, "confirmed_by": t.confirmed_by,
            "confirmed_at": t.confirmed_at}


def chain_rows(conn: Connection, batch: int = 20000) -> Iterator[tuple[int, str, str, str]]:
    """(seq, prev_hash, stored hash, recomputed hash) of every movement, in seq order."""
    columns = [MOVEMENTS.c[c] for c in HASHED] + [MOVEMENTS.c.hash]
    last = 0
    while True:
        rows = conn.execute(select(*columns).where(MOVEMENTS.c.seq > last).order_by(MOVEMENTS.c.seq)
                            .limit(batch)).mappings().all()
        if not rows:
            return
        for row in rows:
            yield row["seq"], row["prev_hash"], row["hash"], movement_hash(row)
        last = rows[-1]["seq"]


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(LedgerHead.count, LedgerHead.last_hash).where(LedgerHead.id == 1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)

