"""Intelligence store: STIX object versions, collections, sharing groups, feeds, TAXII statuses, suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class SharingGroup(Base):
    __tablename__ = "intel_sharing_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SharingGroupMember(Base):
    __tablename__ = "intel_sharing_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("intel_sharing_groups.id", ondelete="CASCADE"),
                                          primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class Collection(Base):
    __tablename__ = "intel_collections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid, as TAXII wants
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    alias: Mapped[str] = mapped_column(String(100), default="")
    default_tlp: Mapped[str] = mapped_column(String(12), default="AMBER")
    open_read: Mapped[bool] = mapped_column(Boolean, default=True)  # every agency may read (TLP still applies)
    open_write: Mapped[bool] = mapped_column(Boolean, default=True)  # every agency's analysts may write
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CollectionAccess(Base):
    """Per-agency grants on collections that are not open."""

    __tablename__ = "intel_collection_access"

    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collections.id", ondelete="CASCADE"),
                                               primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    can_read: Mapped[bool] = mapped_column(Boolean, default=True)
    can_write: Mapped[bool] = mapped_column(Boolean, default=False)


class StixObject(Base):
    """One version of one STIX object in one collection. All versions are kept."""

    __tablename__ = "intel_objects"
    __table_args__ = (
        UniqueConstraint("collection_id", "stix_id", "modified", name="uq_intel_objects_version"),
        Index("ix_intel_objects_coll_added", "collection_id", "date_added"),
        Index("ix_intel_objects_coll_stix", "collection_id", "stix_id"),
        # TAXII pages walk a collection in row order (`next` is the last row id): this index serves them in order
        # and lets the database stop after one page instead of sorting the collection.
        Index("ix_intel_objects_coll_row", "collection_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stix_id: Mapped[str] = mapped_column(String(300), index=True)
    stix_type: Mapped[str] = mapped_column(String(250), index=True)
    spec_version: Mapped[str] = mapped_column(String(8), default="2.1")
    created: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    modified: Mapped[datetime] = mapped_column(UtcDateTime)
    modified_text: Mapped[str] = mapped_column(String(40))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    tlp: Mapped[str] = mapped_column(String(12), index=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    sharing_group_id: Mapped[int | None] = mapped_column(ForeignKey("intel_sharing_groups.id"), nullable=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collections.id", ondelete="CASCADE"))
    date_added: Mapped[datetime] = mapped_column(UtcDateTime)
    name: Mapped[str] = mapped_column(String(300), default="")
    labels: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64), default="")


class FeedState(Base):
    """Where a partner sync got to: the last date_added seen on the remote collection."""

    __tablename__ = "intel_feeds"
    __table_args__ = (UniqueConstraint("remote_url", "api_root", "remote_collection_id", "local_collection_id",
                                       name="uq_intel_feeds_remote"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remote_url: Mapped[str] = mapped_column(String(500))
    api_root: Mapped[str] = mapped_column(String(200))
    remote_collection_id: Mapped[str] = mapped_column(String(100))
    local_collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collections.id", ondelete="CASCADE"))
    last_added: Mapped[str] = mapped_column(String(40), default="")
    objects_seen: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TaxiiStatus(Base):
    __tablename__ = "intel_taxii_statuses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LinkSuggestion(Base):
    """A possible link found by clue correlation; an analyst decides.

    kind "link": two graph entities (accepting creates a STIX relationship). kind "watchlist": an entity whose name
    the screening engine matched to a watchlist entry (target_ref "watchlist:<list>:<entry>", the engine's
    explanation kept); accepting confirms it, no STIX object is created."""

    __tablename__ = "intel_link_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collection_id: Mapped[str] = mapped_column(ForeignKey("intel_collections.id", ondelete="CASCADE"))
    source_ref: Mapped[str] = mapped_column(String(300), index=True)
    target_ref: Mapped[str] = mapped_column(String(300), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    tlp: Mapped[str] = mapped_column(String(12))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    sharing_group_id: Mapped[int | None] = mapped_column(ForeignKey("intel_sharing_groups.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | accepted | rejected
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    relationship_ref: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(12), default="link", server_default="link")  # link | watchlist
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
