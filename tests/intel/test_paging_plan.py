"""TAXII pages walk the (collection_id, id) index on both databases, including right after a bulk ingest."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import text

from tests.conftest import on_postgres
from vigil.intel import service
from vigil.platform.database import session_scope
from vigil.platform.identity import service as identity

TS = "2025-06-01T00:00:00.000Z"


def campaigns(n: int) -> list[dict]:
    return [{"type": "campaign", "spec_version": "2.1", "id": f"campaign--{uuid.uuid4()}", "created": TS,
             "modified": TS, "name": f"paging campaign {i}"} for i in range(n)]


def page_plan(db, who) -> str:
    q = service.TaxiiQuery(versions=["last"], after_row=10)
    stmt = service.taxii_stmt(db, who, service.DEFAULT_COLLECTION_ID, q, columns=service.PAGE_COLUMNS)
    stmt = stmt.where(service.readable_collection_clause(who, service.DEFAULT_COLLECTION_ID))
    stmt = stmt.order_by(service.StixObject.id)
    compiled = stmt.limit(101).compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN " if on_postgres() else "EXPLAIN QUERY PLAN "
    return "\n".join(str(r) for r in db.execute(text(explain + str(compiled))))


def test_bulk_ingest_pages_use_the_row_index(fresh_db):
    with session_scope() as db:
        who = identity.principal_of(identity.user_by_name(db, "analyst"), "token")
        report = service.ingest_or_raise(db, who, campaigns(service.ANALYZE_AFTER), service.DEFAULT_COLLECTION_ID,
                                         default_tlp="GREEN", source="test")
        assert report.stored == service.ANALYZE_AFTER
    with session_scope() as db:
        if on_postgres():  # the ingest refreshed the planner's statistics in its own transaction
            tuples = db.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'intel_objects'")).scalar()
            assert tuples >= service.ANALYZE_AFTER
        plan = page_plan(db, who)
    # rows come in id order from an index (the (collection_id, id) one, or the primary key when the collection is
    # most of the table) and the scan stops after a page: nothing sorts or bitmap-scans the collection
    assert re.search(r"(Index Scan using (ix_intel_objects_coll_row|pk_intel_objects) on intel_objects)|"
                     r"(SEARCH intel_objects USING (INDEX ix_intel_objects_coll_row|INTEGER PRIMARY KEY))", plan), plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan and "Bitmap Heap Scan on intel_objects" not in plan, plan


def test_page_rows_are_in_order_and_complete(fresh_db):
    with session_scope() as db:
        who = identity.principal_of(identity.user_by_name(db, "analyst"), "token")
        service.ingest_or_raise(db, who, campaigns(250), service.DEFAULT_COLLECTION_ID, default_tlp="GREEN")
    seen, after = [], 0
    with session_scope() as db:
        while True:
            rows, more = service.taxii_page(db, who, service.DEFAULT_COLLECTION_ID, service.TaxiiQuery(
                versions=["last"], after_row=after, limit=100), check_read=True)
            seen.extend(r.stix_id for r in rows)
            if not more:
                break
            after = rows[-1].id
    names = [i for i in seen if i.startswith("campaign--")]
    assert len(names) == len(set(names)) >= 250


def test_read_clause_agrees_with_collection_rights(fresh_db):
    """The page query's collection-read check (SQL) and collection_rights (Python) give the same answer for every
    demo user on an open collection, a closed one, and closed ones with read and write-only grants."""
    from sqlalchemy import select

    from vigil.intel import sharing
    from vigil.platform.identity.principal import SYSTEM

    users = ["admin", "supervisor", "analyst", "operator", "viewer", "liaison"]
    ids = {title: f"00000000-0000-4000-8000-00000000000{n}" for n, title in
           enumerate(("open", "closed", "granted", "write-only"))}
    with session_scope() as db:
        for title, cid in ids.items():
            service.create_collection(db, SYSTEM, f"rights {title}", default_tlp="GREEN", collection_id=cid)
    with session_scope() as db:
        for title in ("closed", "granted", "write-only"):
            sharing.set_open(db, SYSTEM, ids[title], False, False)
        sharing.set_grant(db, SYSTEM, ids["granted"], "liaison-fr", True, False)
        sharing.set_grant(db, SYSTEM, ids["write-only"], "liaison-fr", False, True)
    answers = set()
    with session_scope() as db:
        for name in users:
            who = identity.principal_of(identity.user_by_name(db, name), "token")
            for cid in ids.values():
                coll = db.get(service.Collection, cid)
                python = service.collection_rights(db, who, coll)[0]
                sql = db.scalar(select(service.readable_collection_clause(who, cid)))
                assert bool(sql) == python, (name, cid)
                answers.add(python)
    assert answers == {True, False}  # both outcomes were exercised
