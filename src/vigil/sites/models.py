"""Key sites, cameras, units of the responsibility chain, campaigns, tasks, checklists, inspections, findings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class Unit(Base):
    """A unit of an agency (a station, a squad); units nest (parent_id). Agency -> unit -> officer."""

    __tablename__ = "site_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("site_units.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UnitOfficer(Base):
    """A platform user serving in a unit (an officer of the chain)."""

    __tablename__ = "site_unit_officers"
    __table_args__ = (UniqueConstraint("unit_id", "user_id", name="uq_site_unit_officers_unit_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("site_units.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    outline: Mapped[str] = mapped_column(Text, default="")  # GeoJSON geometry (Polygon/MultiPolygon) or ""
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    osm_id: Mapped[str] = mapped_column(String(40), default="", index=True)  # "node/123", "way/456"
    # The owning agency; none for sites imported before any agency exists (a shared registry entry).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("site_units.id"), nullable=True, index=True)
    contacts: Mapped[str] = mapped_column(Text, default="")  # the site's duty office / switchboard, not people
    protective_measures: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Camera(Base):
    """Inventory only, to map coverage: no video, no analytics."""

    __tablename__ = "site_cameras"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    bearing: Mapped[int] = mapped_column(Integer, default=0)  # degrees from north
    fov: Mapped[int] = mapped_column(Integer, default=90)  # degrees
    range_m: Mapped[int] = mapped_column(Integer, default=30)
    working: Mapped[bool] = mapped_column(Boolean, default=True)


class Campaign(Base):
    """A special action: a period, goals, targets by region and site type."""

    __tablename__ = "site_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    goals: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    regions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; [] = every region
    site_types: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    target_count: Mapped[int] = mapped_column(Integer, default=0)  # sites to inspect
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Task(Base):
    """One step of a campaign at one level of the chain: agency (no unit), unit, or officer. On PostgreSQL the
    table keeps half of each page free (migration 0030) so escalation's bulk UPDATE writes heap-only tuples."""

    __tablename__ = "site_tasks"
    __table_args__ = (Index("ix_site_tasks_open_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("site_campaigns.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("site_tasks.id"), nullable=True, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("site_units.id"), nullable=True, index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    done_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChecklistTemplate(Base):
    """One version of a checklist for a site type; a new version is a new row, old ones stay."""

    __tablename__ = "site_checklists"
    __table_args__ = (UniqueConstraint("site_type", "version", name="uq_site_checklists_type_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_type: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    items: Mapped[str] = mapped_column(Text)  # JSON list of {"key", "text"}
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Inspection(Base):
    __tablename__ = "site_inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("site_tasks.id"), nullable=True, index=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("site_checklists.id"), index=True)
    checklist_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[str] = mapped_column(Text, default="{}")  # JSON {key: "ok" | "fail" | "n/a"}
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="started")  # started | submitted
    inspector: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Finding(Base):
    """A hazard found on inspection, with its rectification order; a later inspection closes it."""

    __tablename__ = "site_findings"
    __table_args__ = (Index("ix_site_findings_open_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("site_inspections.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    severity: Mapped[str] = mapped_column(String(10))  # low | medium | high | critical
    description: Mapped[str] = mapped_column(Text)
    order_text: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("site_units.id"), nullable=True, index=True)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_by_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("site_inspections.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FindingFile(Base):
    __tablename__ = "site_finding_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("site_findings.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Activity(Base):
    """Who did what when, for the supervision dashboard (the audit log keeps the tamper-evident record)."""

    __tablename__ = "site_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("site_units.id"), nullable=True, index=True)
