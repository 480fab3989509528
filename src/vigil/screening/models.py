"""Watchlists, their versions and entries; the lost/stolen travel document list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class Watchlist(Base):
    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # un | ofac | csv | ftm | manual
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WatchlistVersion(Base):
    """One import (or manual edit batch): what it added, changed and removed."""

    __tablename__ = "watchlist_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UploadJob(Base):
    """A console CSV file screened in the background: its progress for the page that polls it, then its alerts until
    the uploader fetches them once (personal data: deleted then, or ``uploads.KEEP_SECONDS`` after the job ended)."""

    __tablename__ = "screening_upload_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: the poll URL
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="running")  # running | done | failed
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    row_errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of "line N: ..." messages
    alerts: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the records with matches, as the page shows them
    started_at: Mapped[float] = mapped_column(Float)  # Unix time: compared the same way on SQLite and PostgreSQL
    updated_at: Mapped[float] = mapped_column(Float)


class ListSourceFile(Base):
    """What was last downloaded of an official list file (`vigil lists update`): its validators for a conditional
    request (ETag, Last-Modified) and its checksum, so a list becomes a new version only when it really changed.
    The bytes themselves are kept under `<data_dir>/lists/<kind>/` for the files that answer 304 next time."""

    __tablename__ = "screening_list_source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("watchlist_id", "name", name="uq_screening_list_source_files_list_name"),)


class StolenProperty(Base):
    """A reported stolen item by its number: a device serial, an IMEI or a vehicle's VIN (exact lookup)."""

    __tablename__ = "stolen_property"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # serial | imei | vin
    number: Mapped[str] = mapped_column(String(64), index=True)  # normalised: letters and digits, upper case
    description: Mapped[str] = mapped_column(String(300), default="")
    reported_date: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
