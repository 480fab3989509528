"""Watchlists, their versions and entries; the lost/stolen travel document list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, utcnow


class Watchlist(Base):
    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # un | ofac | csv | ftm | manual
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchlistVersion(Base):
    """One import (or manual edit batch): what it added, changed and removed."""

    __tablename__ = "watchlist_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300), default="")
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("watchlist_id", "number", name="uq_watchlist_versions_list_number"),)


class WatchlistEntry(Base):
    __tablename__ = "watchlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    entity_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[str] = mapped_column(Text)  # the full core Entry as JSON
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    grounds: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    added_version: Mapped[int] = mapped_column(Integer)  # watchlist_versions.id
    changed_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    removed_version: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_watchlist_entries_list_source", "watchlist_id", "source_id"),
                      Index("ix_watchlist_entries_added", "added_version"))


class LostDocument(Base):
    __tablename__ = "lost_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), index=True)  # normalised
    issuing_country: Mapped[str] = mapped_column(String(3))
    doc_type: Mapped[str] = mapped_column(String(20), default="passport")
    reported_date: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
