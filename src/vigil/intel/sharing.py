"""Sharing groups and collection access.

A sharing group is a set of agencies; an AMBER object bound to a group is readable by its owner and the group's
members (``policy.can_read_stix``). A collection is open (every agency may read / its analysts may write) or
closed, in which case per-agency grants decide. Who may change any of this is decided by ``policy`` (action
``intel.sharing.manage``: supervisors and administrators); every change is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from vigil.intel.models import Collection, CollectionAccess, LinkSuggestion, SharingGroup, SharingGroupMember, \
    StixObject
from vigil.platform import policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import BadRequest, Conflict, Problem
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import Principal

MANAGE = "intel.sharing.manage"
NAME_MAX = 120


def require_manager(actor: Principal) -> None:
    if actor.via != "system":
        policy.require(actor, MANAGE)


def can_manage(actor: Principal) -> bool:
    return actor.via == "system" or policy.allowed(actor, MANAGE)


def _agency(session: Session, code: str, status: int = 404) -> Agency:
    text = (code or "").strip()
    agency = session.scalars(select(Agency).where(Agency.code == text)).first() or \
        session.scalars(select(Agency).where(func.lower(Agency.code) == text.lower())).first()
    if agency is None:
        raise Problem(status, f"Unknown agency {text!r}")
    return agency


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise Problem(422, "A sharing group needs a name")
    if len(text) > NAME_MAX:
        raise Problem(422, f"A sharing group name has at most {NAME_MAX} characters")
    return text


def _unique_name(session: Session, name: str, group_id: int | None = None) -> None:
    # SQLite's lower() folds ASCII only, Python's folds all of Unicode: compare exactly as well, or a non-ASCII
    # name that exists already slips past the check and fails on the unique index instead.
    stmt = select(SharingGroup.id).where(or_(SharingGroup.name == name, func.lower(SharingGroup.name) == name.lower()))
    if group_id is not None:
        stmt = stmt.where(SharingGroup.id != group_id)
    if session.scalars(stmt).first() is not None:
        raise Conflict(f"A sharing group named {name!r} already exists")


# --- sharing groups ------------------------------------------------------------------------------------------------
@dataclass
class GroupView:
    id: int
    name: str
    description: str
    agencies: list[str]


def _view(session: Session, group: SharingGroup) -> GroupView:
    codes = list(session.scalars(select(Agency.code).join(SharingGroupMember, SharingGroupMember.agency_id == Agency.id)
                                 .where(SharingGroupMember.group_id == group.id).order_by(Agency.code)))
    return GroupView(group.id, group.name, group.description, codes)


def get_group(session: Session, group_id: int) -> SharingGroup:
    return get_or_404(session, SharingGroup, group_id, f"No sharing group {group_id}")


def list_groups(session: Session, actor: Principal) -> list[GroupView]:
    """Every group with its member agencies (agencies pick a group when they share AMBER objects)."""
    if actor.via != "system":
        policy.require(actor, "intel.read")
    return [_view(session, g) for g in session.scalars(select(SharingGroup).order_by(SharingGroup.name))]


def group_view(session: Session, actor: Principal, group_id: int) -> GroupView:
    if actor.via != "system":
        policy.require(actor, "intel.read")
    return _view(session, get_group(session, group_id))


def create_group(session: Session, actor: Principal, name: str, description: str = "",
                 agency_codes: list[str] | tuple[str, ...] = (), unknown_agency_status: int = 422) -> GroupView:
    require_manager(actor)
    name = _clean_name(name)
    _unique_name(session, name)
    agencies = {}
    for code in agency_codes:
        agency = _agency(session, code, unknown_agency_status)
        agencies[agency.id] = agency.code
    group = SharingGroup(name=name, description=(description or "").strip())
    session.add(group)
    session.flush()
    for agency_id in agencies:
        session.add(SharingGroupMember(group_id=group.id, agency_id=agency_id))
    session.flush()
    audit.record(session, actor, "intel.group.create", "intel_sharing_group", group.id,
                 detail={"name": name, "agencies": sorted(agencies.values())})
    return _view(session, group)


def update_group(session: Session, actor: Principal, group_id: int, name: str | None = None,
                 description: str | None = None) -> GroupView:
    require_manager(actor)
    group = get_group(session, group_id)
    before = {"name": group.name, "description": group.description}
    if name is not None:
        name = _clean_name(name)
        _unique_name(session, name, group.id)
        group.name = name
    if description is not None:
        group.description = description.strip()
    after = {"name": group.name, "description": group.description}
    if after != before:
        session.flush()
        audit.record(session, actor, "intel.group.update", "intel_sharing_group", group.id,
                     detail={"before": before, "after": after})
    return _view(session, group)


def delete_group(session: Session, actor: Principal, group_id: int) -> dict[str, int]:
    """Delete a group. Objects and suggestions bound to it lose the binding, so AMBER ones narrow to their owner
    agency (never wider); the counts are returned and audited."""
    require_manager(actor)
    group = get_group(session, group_id)
    objects = session.execute(update(StixObject.__table__).where(StixObject.__table__.c.sharing_group_id == group.id)
                              .values(sharing_group_id=None)).rowcount or 0
    suggestions = session.execute(update(LinkSuggestion.__table__)
                                  .where(LinkSuggestion.__table__.c.sharing_group_id == group.id)
                                  .values(sharing_group_id=None)).rowcount or 0
    view = _view(session, group)
    session.execute(SharingGroupMember.__table__.delete().where(SharingGroupMember.__table__.c.group_id == group.id))
    session.delete(group)
    session.flush()
    audit.record(session, actor, "intel.group.delete", "intel_sharing_group", group_id,
                 detail={"name": view.name, "agencies": view.agencies, "objects_unbound": objects,
                         "suggestions_unbound": suggestions})
    return {"id": group_id, "objects_unbound": objects, "suggestions_unbound": suggestions}


def add_member(session: Session, actor: Principal, group_id: int, agency_code: str) -> GroupView:
    """Idempotent: adding a member twice changes (and audits) nothing the second time."""
    require_manager(actor)
    group = get_group(session, group_id)
    agency = _agency(session, agency_code)
    if session.get(SharingGroupMember, (group.id, agency.id)) is None:
        session.add(SharingGroupMember(group_id=group.id, agency_id=agency.id))
        session.flush()
        audit.record(session, actor, "intel.group.member.add", "intel_sharing_group", group.id,
                     detail={"name": group.name, "agency": agency.code})
    return _view(session, group)


def remove_member(session: Session, actor: Principal, group_id: int, agency_code: str) -> GroupView:
    require_manager(actor)
    group = get_group(session, group_id)
    agency = _agency(session, agency_code)
    member = get_or_404(session, SharingGroupMember, (group.id, agency.id),
                        f"Agency {agency.code} is not a member of {group.name}")
    session.delete(member)
    session.flush()
    audit.record(session, actor, "intel.group.member.remove", "intel_sharing_group", group.id,
                 detail={"name": group.name, "agency": agency.code})
    return _view(session, group)


# --- collection access ---------------------------------------------------------------------------------------------
@dataclass
class GrantView:
    agency: str
    can_read: bool
    can_write: bool


@dataclass
class AccessView:
    id: str
    title: str
    default_tlp: str
    open_read: bool
    open_write: bool
    grants: list[GrantView]


def _collection(session: Session, collection_id: str) -> Collection:
    return get_or_404(session, Collection, collection_id, f"No collection {collection_id}")


def _access_view(session: Session, coll: Collection) -> AccessView:
    grants = [GrantView(code, r, w) for code, r, w in session.execute(
        select(Agency.code, CollectionAccess.can_read, CollectionAccess.can_write)
        .join(CollectionAccess, CollectionAccess.agency_id == Agency.id)
        .where(CollectionAccess.collection_id == coll.id).order_by(Agency.code))]
    return AccessView(coll.id, coll.title, coll.default_tlp, coll.open_read, coll.open_write, grants)


def collection_access(session: Session, actor: Principal, collection_id: str) -> AccessView:
    require_manager(actor)
    return _access_view(session, _collection(session, collection_id))


def list_collection_access(session: Session, actor: Principal) -> list[AccessView]:
    require_manager(actor)
    return [_access_view(session, c) for c in session.scalars(select(Collection).order_by(Collection.created_at,
                                                                                            Collection.id))]


def set_open(session: Session, actor: Principal, collection_id: str, open_read: bool | None = None,
             open_write: bool | None = None) -> AccessView:
    """Open (every agency) or close (grants only) a collection for reading and/or writing."""
    require_manager(actor)
    if open_read is None and open_write is None:
        raise BadRequest("Give open_read and/or open_write")
    coll = _collection(session, collection_id)
    before = {"open_read": coll.open_read, "open_write": coll.open_write}
    if open_read is not None:
        coll.open_read = open_read
    if open_write is not None:
        coll.open_write = open_write
    after = {"open_read": coll.open_read, "open_write": coll.open_write}
    if after != before:
        session.flush()
        audit.record(session, actor, "intel.collection.access", "intel_collection", coll.id,
                     detail={"before": before, "after": after})
    return _access_view(session, coll)


def set_grant(session: Session, actor: Principal, collection_id: str, agency_code: str, can_read: bool,
              can_write: bool) -> AccessView:
    """Grant (or change) one agency's read/write on a collection; matters while the collection is closed."""
    require_manager(actor)
    coll = _collection(session, collection_id)
    agency = _agency(session, agency_code)
    row = session.get(CollectionAccess, (coll.id, agency.id))
    before = None if row is None else {"can_read": row.can_read, "can_write": row.can_write}
    if row is None:
        row = CollectionAccess(collection_id=coll.id, agency_id=agency.id, can_read=can_read, can_write=can_write)
        session.add(row)
    else:
        row.can_read, row.can_write = can_read, can_write
    after = {"can_read": can_read, "can_write": can_write}
    if after != before:
        session.flush()
        audit.record(session, actor, "intel.collection.grant", "intel_collection", coll.id,
                     detail={"agency": agency.code, "before": before, "after": after})
    return _access_view(session, coll)


def revoke_grant(session: Session, actor: Principal, collection_id: str, agency_code: str) -> AccessView:
    require_manager(actor)
    coll = _collection(session, collection_id)
    agency = _agency(session, agency_code)
    row = get_or_404(session, CollectionAccess, (coll.id, agency.id),
                     f"Agency {agency.code} has no grant on this collection")
    before = {"can_read": row.can_read, "can_write": row.can_write}
    session.delete(row)
    session.flush()
    audit.record(session, actor, "intel.collection.revoke", "intel_collection", coll.id,
                 detail={"agency": agency.code, "before": before})
    return _access_view(session, coll)
