"""Clue correlation: new persons, threat actors and x-vigil entities are compared with what is already known
(same document number, same phone number, near-identical name) and link suggestions are queued for an analyst.

Candidates are drawn only from objects the submitter may read (TLP filter first); a suggestion carries the more
restrictive TLP of its two ends and is itself filtered by policy.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from vigil.intel import service
from vigil.intel.core import stix as core
from vigil.intel.models import LinkSuggestion, StixObject
from vigil.platform import policy
from vigil.platform.audit import service as audit
from vigil.platform.database import utcnow
from vigil.platform.errors import Conflict, NotFound
from vigil.platform.identity.principal import Principal

ENTITY_TYPES = ("identity", "threat-actor", "x-vigil-vehicle", "x-vigil-phone-number", "x-vigil-travel-document")
NAME_THRESHOLD = 90.0
WATCHLIST_MAX_HITS = 5  # suggestions per screened name (the best matches)
MAX_CANDIDATES = 20_000


def _digits(v: str) -> str:
    return re.sub(r"\D", "", v or "")


def _alnum(v: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (v or "").upper())


def _keys(o: dict[str, Any]) -> dict[str, str]:
    t = o.get("type")
    keys = {}
    if t == "x-vigil-travel-document" and o.get("document_number"):
        keys["document"] = _alnum(o["document_number"])
    if t == "x-vigil-phone-number" and o.get("value"):
        keys["phone"] = _digits(o["value"])[-9:]
    if t == "x-vigil-vehicle" and o.get("registration"):
        keys["registration"] = _alnum(o["registration"])
    return {k: v for k, v in keys.items() if v}


def compare(new: dict[str, Any], old: dict[str, Any]) -> tuple[str, float] | None:
    """Why two entities may be the same or linked, with a score; None when they are unrelated."""
    kn, ko = _keys(new), _keys(old)
    for key, value in kn.items():
        if ko.get(key) == value:
            return f"same {key} number" if key != "registration" else "same registration", 1.0
    if new.get("type") == old.get("type") and new.get("type") in ("identity", "threat-actor", "x-vigil-vehicle"):
        a, b = (new.get("name") or "").strip().lower(), (old.get("name") or "").strip().lower()
        if a and b:
            score = fuzz.token_sort_ratio(a, b)
            if score >= NAME_THRESHOLD:
                return ("same name" if score == 100 else "near-identical name"), score / 100.0
    return None


def _screen(session: Session, principal: Principal, row: StixObject, obj: dict[str, Any]) -> int:
    """Screen a new person/threat actor name against every watchlist (the screening engine); each match becomes a
    "watchlist" suggestion carrying the engine's explanation. Such suggestions are at least AMBER+STRICT (the
    submitting agency only) and listed only to those who may run screening. Returns how many were made."""
    try:
        from vigil.screening.service import screen_name  # built by another capability; optional
    except ImportError:
        return 0
    name = obj.get("name")
    if obj.get("type") not in ("identity", "threat-actor") or not isinstance(name, str) or not name.strip():
        return 0
    try:
        hits = screen_name(session, principal, name)
    except Exception:  # screening refusing (role, list state) must not block intelligence intake
        return 0
    if not hits:
        return 0
    audit.record(session, principal, "intel.watchlist_hit", "stix_object", obj["id"],
                 detail={"name": name, "hits": len(hits)})
    tlp = max(row.tlp, "AMBER+STRICT", key=core.TLP_RANK.__getitem__)
    made = 0
    for match in hits[:WATCHLIST_MAX_HITS]:
        list_name = getattr(match.entry, "list_name", "") or match.source
        listed = getattr(match.entry, "name", "") or match.name
        matched = f" as {match.name}" if match.name and match.name != listed else ""
        target = f"watchlist:{match.source}:{match.source_id}"[:300]
        exists = session.scalars(select(LinkSuggestion.id).where(
            LinkSuggestion.source_ref == row.stix_id, LinkSuggestion.target_ref == target)).first()
        if exists:
            continue
        session.add(LinkSuggestion(
            collection_id=row.collection_id, source_ref=row.stix_id, target_ref=target, kind="watchlist",
            reason=f"watchlist match: {listed}{matched} ({list_name})"[:300], explanation=match.explanation or "",
            score=float(match.score), tlp=tlp, owner_agency_id=row.owner_agency_id,
            sharing_group_id=row.sharing_group_id))
        made += 1
    return made


def after_ingest(session: Session, principal: Principal, new_ids: list[str], collection_id: str) -> int:
    if not new_ids:
        return 0
    vis = service.visible(session, principal)
    new_rows = []
    ids = list(dict.fromkeys(new_ids))
    for i in range(0, len(ids), service.CHUNK):
        new_rows.extend(session.scalars(select(StixObject).where(
            StixObject.stix_id.in_(ids[i:i + service.CHUNK]), StixObject.collection_id == collection_id,
            StixObject.is_latest.is_(True), StixObject.stix_type.in_(ENTITY_TYPES))))
    if not new_rows:
        return 0
    candidates = list(session.scalars(select(StixObject).where(
        StixObject.is_latest.is_(True), StixObject.stix_type.in_(ENTITY_TYPES), vis).limit(MAX_CANDIDATES)))
    made = 0
    new_set = {r.stix_id for r in new_rows}
    for row in new_rows:
        obj = service.loads(row)
        made += _screen(session, principal, row, obj)
        for cand in candidates:
            if cand.stix_id == row.stix_id or (cand.stix_id in new_set and cand.stix_id < row.stix_id):
                continue
            found = compare(obj, service.loads(cand))
            if not found:
                continue
            exists = session.scalars(select(LinkSuggestion.id).where(LinkSuggestion.kind == "link", or_(
                (LinkSuggestion.source_ref == row.stix_id) & (LinkSuggestion.target_ref == cand.stix_id),
                (LinkSuggestion.source_ref == cand.stix_id) & (LinkSuggestion.target_ref == row.stix_id)))).first()
            if exists:
                continue
            tlp = max(row.tlp, cand.tlp, key=core.TLP_RANK.__getitem__)
            session.add(LinkSuggestion(collection_id=collection_id, source_ref=row.stix_id, target_ref=cand.stix_id,
                                       reason=found[0], score=found[1], tlp=tlp, owner_agency_id=row.owner_agency_id,
                                       sharing_group_id=row.sharing_group_id))
            made += 1
    session.flush()
    return made


def _visible_suggestions(session: Session, principal: Principal):
    return policy.stix_visible_clause(principal, LinkSuggestion.tlp, LinkSuggestion.owner_agency_id,
                                      LinkSuggestion.sharing_group_id,
                                      service.member_group_ids(session, principal.agency_id))


def list_suggestions(session: Session, principal: Principal, status: str = "open") -> list[LinkSuggestion]:
    policy.require(principal, "intel.read")
    stmt = select(LinkSuggestion).where(_visible_suggestions(session, principal))
    if not policy.allowed(principal, "screening.run"):
        stmt = stmt.where(LinkSuggestion.kind != "watchlist")  # watchlist matches: only for those who screen
    if status:
        stmt = stmt.where(LinkSuggestion.status == status)
    return list(session.scalars(stmt.order_by(LinkSuggestion.id.desc()).limit(500)))


def decide(session: Session, principal: Principal, suggestion_id: int, accept: bool) -> LinkSuggestion:
    policy.require(principal, "intel.suggestion.decide")
    s = session.scalars(select(LinkSuggestion).where(LinkSuggestion.id == suggestion_id,
                                                     _visible_suggestions(session, principal))).first()
    if s is not None and s.kind == "watchlist" and not policy.allowed(principal, "screening.run"):
        s = None
    if s is None:
        raise NotFound(f"No suggestion {suggestion_id}")
    if s.status != "open":
        raise Conflict(f"Suggestion {suggestion_id} was already {s.status}")
    if accept and s.kind == "link":
        now = core.now_timestamp()
        rel = {"type": "relationship", "spec_version": "2.1", "id": f"relationship--{uuid.uuid4()}", "created": now,
               "modified": now, "relationship_type": "related-to", "source_ref": s.source_ref,
               "target_ref": s.target_ref, "description": f"Accepted link suggestion: {s.reason}",
               "object_marking_refs": [core.TLP_MARKING_ID[s.tlp]]}
        service.ingest_or_raise(session, principal, [rel], s.collection_id, sharing_group_id=s.sharing_group_id,
                                source="suggestion")
        s.relationship_ref = rel["id"]
    s.status = "accepted" if accept else "rejected"
    s.decided_by = principal.username
    s.decided_at = utcnow()
    audit.record(session, principal, f"intel.suggestion.{s.status[:-2] if accept else 'reject'}",
                 "intel_link_suggestion", s.id, detail={"source": s.source_ref, "target": s.target_ref,
                                                        "reason": s.reason, "relationship": s.relationship_ref})
    session.flush()
    return s
