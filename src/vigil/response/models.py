"""Rapid-response tables: units, incidents with an append-only timeline, key areas, patrol posts, alarm sources."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class Unit(Base):
    __tablename__ = "response_units"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the call sign, e.g. "AD-P01"
    kind: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="available", index=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    position_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    incident_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # current assignment
    home_post_id: Mapped[int | None] = mapped_column(ForeignKey("response_posts.id", ondelete="SET NULL"),
                                                     nullable=True)
    # not indexed: a position update then touches no index, so PostgreSQL can update the row in place (HOT)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Incident(Base):
    __tablename__ = "response_incidents"
    __table_args__ = (Index("ix_response_incidents_status_received", "status", "received_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    type: Mapped[str] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(20), default="received")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)  # a tip may come without a location
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str | None] = mapped_column(String(120), nullable=True)  # the key area it falls in, if any
    key_area: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20), default="operator")  # operator | tip | alarm
    source_ref: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The caller: personal data tied to the incident, read with a purpose, purged at retention_until.
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    caller_phone: Mapped[str] = mapped_column(String(40), default="")
    retention_until: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    en_route_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    on_scene_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))


class TimelineEvent(Base):
    """Append-only: every state change of an incident, never updated or deleted with the incident open."""

    __tablename__ = "response_timeline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("response_incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(500), default="")


class KeyArea(Base):
    """A place where the 3-minute target applies: a circle (lat, lon, radius) or a polygon (GeoJSON ring)."""

    __tablename__ = "response_key_areas"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_response_key_areas_source_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float] = mapped_column(Float)  # the centre (of the circle, or of the polygon's points)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    polygon: Mapped[str] = mapped_column(Text, default="")  # JSON [[lon, lat], ...] or empty
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | import | site
    source_ref: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Post(Base):
    """A patrol post: where a unit waits and from where coverage is computed."""

    __tablename__ = "response_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AlarmSource(Base):
    __tablename__ = "response_alarm_sources"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    secret: Mapped[str] = mapped_column(String(128))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AlarmReceipt(Base):
    """Alarm event ids already accepted per source (replay protection); the incident they created."""

    __tablename__ = "response_alarm_receipts"
    __table_args__ = (UniqueConstraint("source_id", "event_id", name="uq_response_alarm_receipts_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("response_alarm_sources.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(80))
    incident_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
