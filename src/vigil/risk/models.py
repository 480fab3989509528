"""Risk registers (per site and per event), CARVER + Shock scores, major events, accreditation screening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class Event(Base):
    """A major event's security plan: venues (key sites), routes, perimeters, phases, units, linked intelligence."""

    __tablename__ = "risk_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    venue_site_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of site ids
    routes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {"name", "geometry": LineString}
    perimeters: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {"name", "geometry": Polygon}
    phases: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {"name", "starts_at", "ends_at"}
    unit_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of sites.Unit ids
    stix_refs: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of STIX ids in the intelligence hub
    accreditation_retention_days: Mapped[int] = mapped_column(Integer, default=30)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RiskEntry(Base):
    """One risk (ISO 31000): a threat against a site or an event, likelihood x impact before and after controls."""

    __tablename__ = "risk_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), nullable=True,
                                                index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("risk_events.id", ondelete="CASCADE"), nullable=True,
                                                 index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    threat: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    stix_refs: Mapped[str] = mapped_column(Text, default="[]")
    likelihood: Mapped[int] = mapped_column(Integer)  # 1..5
    impact: Mapped[int] = mapped_column(Integer)  # 1..5
    controls: Mapped[str] = mapped_column(Text, default="")
    residual_likelihood: Mapped[int] = mapped_column(Integer)
    residual_impact: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CarverScore(Base):
    """CARVER + Shock scoring of one target (a site, or a named target of an event), each criterion 1..10."""

    __tablename__ = "risk_carver_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), nullable=True,
                                                index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("risk_events.id", ondelete="CASCADE"), nullable=True,
                                                 index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    target: Mapped[str] = mapped_column(String(200))
    criticality: Mapped[int] = mapped_column(Integer)
    accessibility: Mapped[int] = mapped_column(Integer)
    recuperability: Mapped[int] = mapped_column(Integer)
    vulnerability: Mapped[int] = mapped_column(Integer)
    effect: Mapped[int] = mapped_column(Integer)
    recognizability: Mapped[int] = mapped_column(Integer)
    shock: Mapped[int] = mapped_column(Integer)
    scored_by: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Accreditation(Base):
    """A person on an event's accreditation list (staff, press, contractor); purged after the event + N days."""

    __tablename__ = "risk_accreditations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("risk_events.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(12))  # staff | press | contractor
    full_name: Mapped[str] = mapped_column(String(300))
    dob: Mapped[str] = mapped_column(String(10), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="clear")  # clear | review | approved | refused
    purge_after: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AccreditationHit(Base):
    """A watchlist match for an accreditation, kept for review; the decision is audited."""

    __tablename__ = "risk_accreditation_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    accreditation_id: Mapped[int] = mapped_column(ForeignKey("risk_accreditations.id", ondelete="CASCADE"),
                                                  index=True)
    list_name: Mapped[str] = mapped_column(String(200))
    entry_name: Mapped[str] = mapped_column(String(300))
    entry_ref: Mapped[str] = mapped_column(String(100), default="")
    score: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(12), default="pending")  # pending | cleared | confirmed
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
